"""Course view, week 3: activation functions, g and g′ on the same axes, and where Z really falls.

The five activations of the engine's registry (core.activations) are drawn with their derivative
and the course's formula for it. Below, the chosen layer's Z over every training example (from
the engine's forward pass, controller.forward_pass) is drawn as a histogram under that layer's g
and g′: Z piled where g′ is flat means saturation (sigmoid, tanh) or dead units (ReLU). It
follows training: snapshots only mark it stale, and a timer redraws at most a few times a second.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.activations import ACTIVATIONS, NAMES
from core.course import G_FORMULAS, SATURATED_BELOW, curves, layer_health, saturation_edge
from . import theme
from .layer_header import ACTIVATION_LABELS
from .run_colors import style_plot

G_COLOR = theme.POSITIVE
DG_COLOR = "#c0392b"
HIST_COLOR = "#8a8f98"
REDRAW_MS = 250          # at most four histograms a second while training
Z_SPAN = 5.0             # the small plots show z in [−5, 5]


def _plot(name: str, tip: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setAccessibleName(name)
    plot.setToolTip(tip)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.addLine(x=0, pen=pg.mkPen("#9aa0a8", width=1))
    plot.addLine(y=0, pen=pg.mkPen("#9aa0a8", width=1))
    return plot


class ActivationCard(QFrame):
    """One activation: g (solid) and g′ (dashed) on the same axes, with the formulas beside."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.StyledPanel)
        self.setAccessibleName(f"{ACTIVATION_LABELS[name]} activation")
        self.plot = _plot(f"{ACTIVATION_LABELS[name]}: g and its derivative",
                          f"{ACTIVATION_LABELS[name]}: g(z) solid blue, g′(z) dashed red")
        self.plot.setMinimumSize(220, 170)
        z = np.linspace(-Z_SPAN, Z_SPAN, 801)
        g, dg = curves(name, z)
        self.g_line = self.plot.plot(z, g, pen=pg.mkPen(G_COLOR, width=3))
        self.dg_line = self.plot.plot(z, dg, pen=pg.mkPen(DG_COLOR, width=3, style=Qt.DashLine))
        self.plot.setXRange(-Z_SPAN, Z_SPAN, padding=0.02)
        self.plot.setYRange(-1.1, 1.6 if name in ("sigmoid", "tanh") else 3.0, padding=0.02)
        self.title = QLabel(f"<b>{ACTIVATION_LABELS[name]}</b>")
        self.formulas = QLabel(f"<span style='color:{G_COLOR}'>{G_FORMULAS[name]}</span><br>"
                               f"<span style='color:{DG_COLOR}'>{ACTIVATIONS[name].formula.replace(chr(39), '′')}</span>")
        self.formulas.setAccessibleName(f"{ACTIVATION_LABELS[name]} formulas")
        # Whole lines: "g′(z) = 0.01 if z ≤ 0, 1 if z > 0" broken before its last 0 read wrongly in
        # presentation type; the window widens instead.
        self.formulas.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.formulas)

    def set_highlight(self, on: bool) -> None:
        self.setLineWidth(3 if on else 1)
        self.setStyleSheet(f"ActivationCard {{ border: 3px solid {theme.ACCENT}; }}" if on else "")


class ActivationsView(QWidget):
    """The window: five cards, and the chosen layer's Z under its g and g′."""

    def __init__(self, controller, training, parent=None):
        super().__init__(parent)
        self.controller, self.training = controller, training
        self.setWindowTitle("Activation functions (week 3)")
        self.setAccessibleName("Activation functions view")
        self.cards = {name: ActivationCard(name) for name in NAMES}
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card, 1)

        self.layer = QComboBox()
        self.layer.setToolTip("Which layer's Z to show over every training example")
        self.layer.setAccessibleName("Layer whose Z is shown")
        self.layer.currentIndexChanged.connect(self._layer_chosen)
        self.health = QLabel()
        self.health.setWordWrap(True)
        self.health.setAccessibleName("Saturated or dead units")
        big = QFont(self.health.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.health.setFont(big)
        self.z_plot = _plot("Distribution of Z for the chosen layer",
                            "Grey: how many Z values of this layer fall at each z (every unit, every example), "
                            "scaled to a height of 1; blue: g; red dashed: g′. Shaded: g′ nearly 0")
        self.z_plot.setMinimumHeight(300)
        self.z_plot.addLegend(offset=(-8, 8))
        self.hist = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=pg.mkBrush(138, 143, 152, 110),
                                    pen=pg.mkPen(HIST_COLOR, width=1.5), name="Z of the layer (histogram)")
        self.z_plot.addItem(self.hist)
        self.z_g = self.z_plot.plot([], [], pen=pg.mkPen(G_COLOR, width=3), name="g(z)")
        self.z_dg = self.z_plot.plot([], [], pen=pg.mkPen(DG_COLOR, width=3, style=Qt.DashLine), name="g′(z)")
        self.regions = [pg.LinearRegionItem(movable=False, brush=pg.mkBrush(192, 57, 43, 28),
                                            pen=pg.mkPen(None)) for _ in range(2)]
        for r in self.regions:
            r.setZValue(-10)
            self.z_plot.addItem(r)
        self.caption = QLabel(
            "Sigmoid and tanh saturate where |z| is large: g′ is nearly 0 there and little gradient flows back. "
            "A ReLU unit whose Z is ≤ 0 for every example is dead: g′ = 0, it never learns again. "
            "Watch the histogram while training.")
        self.caption.setWordWrap(True)
        self.caption.setForegroundRole(QPalette.PlaceholderText)
        self.caption.setAccessibleName("What to look for")

        top = QHBoxLayout()
        top.addWidget(QLabel("Z of layer"))
        top.addWidget(self.layer)
        top.addWidget(self.health, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(cards, 1)   # g and g′ as large as the Z plot: both are the lesson
        layout.addLayout(top)
        layout.addWidget(self.z_plot, 1)
        layout.addWidget(self.caption)

        self._stale = True
        self._drawn_at = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self._redraw_if_stale)
        self.timer.start()
        training.snapshot.connect(self.mark_stale)
        controller.network_changed.connect(self.mark_stale)      # new parameters (every snapshot too)
        controller.structure_changed.connect(self._layers_changed)  # layers or activations edited
        self._style()
        self._layers_changed()
        self.resize(1500, 900)

    # --- following the network ------------------------------------------------------------------
    def mark_stale(self, *_) -> None:
        self._stale = True

    def _layers_changed(self) -> None:
        net = self.controller.network
        keep = self.layer.currentData()
        self.layer.blockSignals(True)
        self.layer.clear()
        for l in range(1, net.L + 1):
            role = "output" if l == net.L else "hidden"
            self.layer.addItem(f"{l}: {ACTIVATION_LABELS[net.activations[l - 1]]} ({role})", l)
        self.layer.setCurrentIndex(min(keep, net.L) - 1 if keep else 0)
        self.layer.blockSignals(False)
        self.mark_stale()
        self._highlight()

    def _layer_chosen(self, *_) -> None:
        self._highlight()
        self.redraw()

    def _highlight(self) -> None:
        act = self.activation()
        for name, card in self.cards.items():
            card.set_highlight(name == act)

    def activation(self) -> str:
        l = self.layer.currentData() or 1
        return self.controller.network.activations[l - 1]

    def _redraw_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.redraw()

    def redraw(self) -> None:
        """The chosen layer's Z from the engine's forward pass, with g and g′ over its range."""
        self._stale = False
        self._drawn_at = time.monotonic()
        l = self.layer.currentData() or 1
        _, caches = self.controller.forward_pass()
        if l > len(caches):
            return
        Z = caches[l - 1].Z
        act = self.activation()
        values = Z.ravel()
        finite = values[np.isfinite(values)]
        lo, hi = (np.percentile(finite, [0.5, 99.5]) if finite.size else (-1.0, 1.0))
        lo, hi = min(float(lo), -4.0), max(float(hi), 4.0)
        counts, edges = np.histogram(np.clip(finite, lo, hi), bins=60, range=(lo, hi))
        self.hist.setData(edges, counts / max(counts.max(), 1))
        z = np.linspace(lo, hi, 600)
        g, dg = curves(act, z)
        cap = 1.6 if act in ("sigmoid", "tanh") else 2.5
        self.z_g.setData(z, g)  # the view clips it; clipping the data would draw a false plateau
        self.z_dg.setData(z, dg)
        self.z_plot.setXRange(lo, hi, padding=0.01)
        self.z_plot.setYRange(-1.1, cap, padding=0.02)
        self._shade(act, lo, hi)
        health = layer_health(Z, act)
        self.health.setText(f"Layer {l} ({ACTIVATION_LABELS[act]}), {Z.shape[0]} × {Z.shape[1]:,} values of Z: "
                            + health.summary())
        self.health.setToolTip(f"Saturated: g′(z) below {SATURATED_BELOW:.0%} of its largest value. "
                               "Dead ReLU: Z ≤ 0 for every training example")
        self.last_health = health

    def _shade(self, act: str, lo: float, hi: float) -> None:
        """Shade the z where g′ is (nearly) 0: the flat tails, or ReLU's negative side."""
        left, right = self.regions
        edge = saturation_edge(act)
        if edge is not None:
            left.setRegion((lo, -edge))
            right.setRegion((edge, hi))
            left.setVisible(lo < -edge)
            right.setVisible(hi > edge)
        elif act in ("relu", "leaky_relu"):
            left.setRegion((lo, 0.0))
            left.setVisible(True)
            right.setVisible(False)
        else:
            left.setVisible(False)
            right.setVisible(False)

    # --- look -------------------------------------------------------------------------------------
    def _style(self) -> None:
        pal = self.palette()
        for card in self.cards.values():
            card.plot.setBackground(pal.color(QPalette.Base))
            for name in ("bottom", "left"):
                axis = card.plot.getAxis(name)
                axis.setPen(pg.mkPen(pal.color(QPalette.Mid)))
                axis.setTextPen(pg.mkPen(pal.color(QPalette.Text)))
                axis.setTickFont(self.font())
        style_plot(self.z_plot, self.palette(), self.font(), "z", "g, g′ · share of Z")

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "z_plot"):
                self._style()
        super().changeEvent(event)
