"""Gradient health: the size ‖dW[l]‖ of each layer's weight gradient over the iterations of a run.

On a log axis, healthy layers move together within a decade or two; lines drifting apart by
decades show gradients vanishing on their way back to the first layers, lines shooting up show
them exploding. One line per layer, coloured by depth (dark early layers, light late ones, the
colour-blind-safe viridis ramp), created once per layer count and afterwards only given setData.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from . import theme
from .cost_panel import cache_axes, latest_run
from .pacing import Pace, on_screen
from .run_colors import LINE_WIDTH, clipped_positive, run_color, run_plot, style_plot

# The part of viridis that stays readable on the background (at least 3:1, the contrast a line
# needs on a projector): its green-yellow end vanishes on white, its blue-purple end on a dark Base.
LIGHT_RAMP, DARK_RAMP = (0.0, 0.58), (0.47, 1.0)
CAPTION = ("Each line is one layer's gradient size ‖dW[l]‖. Lines falling apart by decades: "
           "vanishing gradients (try ReLU or He init). Lines shooting up: exploding gradients "
           "(lower the learning rate).")


def layer_colors(L: int, dark: bool):
    """L colours from early (dW[1]) to late (dW[L]) layers along the readable part of viridis."""
    low, high = DARK_RAMP if dark else LIGHT_RAMP
    return pg.colormap.get("viridis").mapToQColor(np.linspace(low, high, L) if L > 1 else [low])


def norms_of(run) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, norms) with norms[k, l-1] = ‖dW[l]‖ at iterations[k]; empty before any."""
    g = run.grad_norms
    if not g:
        return np.empty(0), np.empty((0, len(run.layer_sizes) - 1))
    iterations = np.fromiter((i for i, _ in g), dtype=np.float64, count=len(g))
    norms = np.asarray([n for _, n in g], dtype=np.float64)
    return iterations, norms


class GradientPanel(QWidget):
    """‖dW[1]‖ … ‖dW[L]‖ of the run in progress (or the last run) against iteration."""

    def __init__(self, training, parent=None):
        super().__init__(parent)
        self.training = training
        self.setAccessibleName("Gradient health panel")
        self.lines: list[pg.PlotDataItem] = []   # lines[l-1] draws ‖dW[l]‖
        self.run = None                           # the run drawn
        self._stale = False                       # new points came while hidden
        self._pace = Pace(self._draw_if_seen, parent=self, training=training)

        self.heading = QLabel()
        self.heading.setAccessibleName("Run shown")
        self.heading.setToolTip("The run in progress, or the last run when none is")

        self.plot = run_plot("Gradient norm plot", "Frobenius norm ‖dW[l]‖ of each layer l against iteration")
        self.legend = self.plot.getPlotItem().legend
        self.legend.setVisible(False)
        cache_axes(self.plot)     # the grid makes each new point repaint the axes' labels

        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setAccessibleName("Log scale gradient axis")
        self.log_scale.setToolTip("Gradient norms on a logarithmic axis, where vanishing and exploding "
                                  "gradients show as lines decades apart")
        self.log_scale.toggled.connect(self._set_log)

        self.caption = QLabel(CAPTION)
        self.caption.setWordWrap(True)
        self.caption.setForegroundRole(QPalette.PlaceholderText)
        self.caption.setAccessibleName("What to look for")

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)

        training.run_started.connect(lambda run: self.refresh())
        training.runs_changed.connect(self.refresh)
        training.run_finished.connect(lambda run: self.refresh())
        training.run_updated.connect(self.update_run)
        self.log_scale.setChecked(True)   # vanishing and exploding gradients span decades
        self._style()
        self.refresh()

    # --- reacting to the training -------------------------------------------------------------
    def refresh(self) -> None:
        """Draw the run a reader means now: the one in progress, else the newest kept."""
        self.run = latest_run(self.training)
        self._draw_if_seen()

    def update_run(self, run) -> None:
        """New points: redrawn only when they belong to the run shown, and while training runs at
        most 10 times a second (snapshots come up to ~30 a second; this secondary plot re-ranges
        its axes at every redraw, which costs as much as the live views together)."""
        if run is not self.run:
            if latest_run(self.training) is not run:
                return
            self.run = run
        self._pace.ask()

    def _draw_if_seen(self) -> None:
        if self.run is None or on_screen(self):   # no run: only the heading, at once
            self._draw()
        else:
            self._stale = True      # a dock tabbed away costs no frame time; drawn when shown

    def paintEvent(self, event):
        super().paintEvent(event)
        if self._stale:             # shown again (its tab brought to the front): catch up
            QTimer.singleShot(0, self, self._catch_up)   # with self as context: gone if it is

    def _catch_up(self) -> None:
        if self._stale:
            self._stale = False
            self._draw()

    def _draw(self) -> None:
        run = self.run
        if run is None:
            self._ensure_lines(0)
            self.heading.setText("No run yet: press Play to see each layer's gradient")
            return
        iterations, norms = norms_of(run)
        self._ensure_lines(norms.shape[1])
        for l, line in enumerate(self.lines):
            line.setData(iterations, clipped_positive(norms[:, l]))
        color = run_color(run.number, theme.is_dark(self.palette()))
        self.heading.setText(f'<b><span style="color:{color.name()}">■</span> {run.name}</b>'
                             f" · gradient size per layer")

    def _ensure_lines(self, L: int) -> None:
        """One line per layer, made only when the number of layers changes."""
        if len(self.lines) == L:
            return
        for line in self.lines:
            self.plot.removeItem(line)
        self.legend.clear()
        self.lines = []
        for l in range(1, L + 1):
            line = pg.PlotDataItem(antialias=True, connect="finite")
            self.plot.addItem(line)   # first: PlotItem.addItem resets the item's downsampling
            line.setDownsampling(auto=True, method="peak")
            line.setClipToView(True)
            self.legend.addItem(line, f"dW[{l}]")
            self.lines.append(line)
        self.legend.setColumnCount(1 if L <= 3 else 2 if L <= 8 else 3)  # keep the legend short
        self.legend.setVisible(L > 0)  # an empty legend is an empty box
        self._color_lines()

    # --- look -------------------------------------------------------------------------------------
    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self.plot.enableAutoRange()

    def _color_lines(self) -> None:
        colors = layer_colors(len(self.lines), theme.is_dark(self.palette())) if self.lines else []
        for line, color in zip(self.lines, colors):
            line.setPen(pg.mkPen(color, width=LINE_WIDTH))

    def _style(self) -> None:
        style_plot(self.plot, self.palette(), self.font(), "iteration", "‖dW[l]‖")
        self._color_lines()
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.92)
        self.caption.setFont(small)
        if self.run is not None:
            self._draw()  # the heading's swatch follows the theme

    def render(self, *args, **kwargs):
        """Exports paint the axes afresh (an SVG keeps their labels as text)."""
        cache_axes(self.plot, False)
        try:
            return super().render(*args, **kwargs)
        finally:
            cache_axes(self.plot, True)

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "caption"):  # the first events arrive before the widgets exist
                self._style()
        super().changeEvent(event)


__all__ = ["GradientPanel", "layer_colors", "norms_of"]
