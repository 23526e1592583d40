"""Colours of runs, and the look shared by the plots of runs (cost, gradient norms).

A run keeps one colour wherever it appears: its curves, its swatch in the runs list, its name
beside the accuracies. The cycle is Okabe & Ito's colour-blind-safe set without its yellow and
black (lost on a white and on a dark background); dark themes get a lighter shade of each hue so
the lines keep their contrast on a projector.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap

LIGHT_CYCLE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
DARK_CYCLE = ("#4fa6e6", "#f07c3c", "#2fc59f", "#e59ac8", "#f2b53c", "#92d2f5")
LINE_WIDTH = 3.0        # train cost: thick enough for the back row
TEST_LINE_WIDTH = 2.5   # test cost: dashed, the same colour
TINY = 1e-12            # the floor of a log axis: log10 of 0 or less does not exist


def run_color(number: int, dark: bool = False) -> QColor:
    """The colour of run `number` (1, 2, ...): fixed, so removing a run recolours no other.

    Six hues; runs 7-12 take a deep shade of them (a light one on the dark palette), so a run
    never shares its colour with the six before or after it. Run 13 starts over.
    """
    cycle = DARK_CYCLE if dark else LIGHT_CYCLE
    index, round_ = (number - 1) % len(cycle), (number - 1) // len(cycle)
    color = QColor(cycle[index])
    if round_ % 2:
        color = color.lighter(135) if dark else color.darker(160)
    return color


def swatch_icon(color: QColor, size: int = 14) -> QIcon:
    """A rounded square of `color`, for a run's row or name."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(color.darker(140))
    p.setBrush(color)
    p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    p.end()
    return QIcon(pixmap)


def clipped_positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: anything below TINY (0 included) drawn at TINY instead of vanishing."""
    return np.maximum(values, TINY)


# --- plots ----------------------------------------------------------------------------------------
class ReadableAxis(pg.AxisItem):
    """Tick labels a lecture hall reads: "1,500" not "1.5e+03", "0.3" not "3·10⁻¹", none overlapping.

    On a log axis pyqtgraph labels every minor tick 1..9 of a decade, which piles labels on top of
    each other; here the labels are picked by priority (decades, then 5, then 2, then the rest)
    as long as they stay a line and a half apart, and the other ticks stay unlabelled.
    """

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)   # "cost (x0.001)" reads badly; plain numbers instead

    def setLogMode(self, *args, **kwargs):
        super().setLogMode(*args, **kwargs)
        # On a log axis only the first tick level carries text: the labels chosen below.
        self.setStyle(maxTextLevel=0 if self.logMode else 1)

    def tickStrings(self, values, scale, spacing):
        if self.logMode or spacing < 1 or not all(float(v).is_integer() for v in values):
            return super().tickStrings(values, scale, spacing)
        return [f"{v * scale:,.0f}" for v in values]

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        span = maxVal - minVal
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or span <= 0 or span > 300:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        px_per_decade = size / span
        gap = 1.5 * QFontMetrics(self.style.get("tickFont") or QFont()).height()
        mantissas = (1, 5, 2, 3, 4, 6, 7, 8, 9) if px_per_decade > 3 * gap else (1,)
        ticks = [(rank, d + math.log10(m)) for rank, m in enumerate(mantissas)
                 for d in range(math.floor(minVal), math.ceil(maxVal) + 1)]
        ticks = [(rank, t) for rank, t in ticks if minVal <= t <= maxVal]
        labelled, plain = [], []
        for _, t in sorted(ticks):
            crowded = any(abs(t - s) * px_per_decade < gap for s in labelled)
            (plain if crowded else labelled).append(t)
        return [(1.0, sorted(labelled)), (None, sorted(plain))]

    def logTickStrings(self, values, scale, spacing):
        numbers = [float(f"{10 ** v * scale:.3g}") for v in values]  # 10 ** log10(5) is 4.999999…
        # One notation per axis: 0.001 … 10,000 as they are, else all as powers of ten.
        plain = all(PLAIN_RANGE[0] <= x < PLAIN_RANGE[1] for x in numbers)
        return [_plain(x) if plain else _power_of_ten(x) for x in numbers]


PLAIN_RANGE = (1e-3, 1e5)


def _plain(x: float) -> str:
    return f"{x:,.6g}" if x >= 1000 else f"{x:.6g}"


def _power_of_ten(x: float) -> str:
    """2·10⁻⁵, 10⁶: no "e" notation on a slide."""
    mantissa, exponent = f"{x:.0e}".split("e")
    superscript = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return ("" if mantissa == "1" else f"{mantissa}·") + f"10{superscript}"


class FixedSample(pg.ItemSample):
    """A legend sample that does not hide its line when clicked: the runs list decides that."""

    def mouseClickEvent(self, event):
        event.ignore()


def run_plot(accessible_name: str, tooltip: str) -> pg.PlotWidget:
    """A plot for curves of runs: readable axes, a light grid, a legend in the top right corner."""
    plot = pg.PlotWidget(axisItems={"left": ReadableAxis("left"), "bottom": ReadableAxis("bottom")})
    plot.setAccessibleName(accessible_name)
    plot.setToolTip(tooltip + " · drag to pan, wheel to zoom, the A corner button fits everything")
    plot.setMinimumSize(240, 140)
    plot.setMenuEnabled(False)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.addLegend(offset=(-8, 8), sampleType=FixedSample, verSpacing=-4)
    return plot


def style_plot(plot: pg.PlotWidget, palette: QPalette, font: QFont, x_label: str, y_label: str) -> None:
    """Background, axes and legend in the palette's colours (white when light, Base when dark)."""
    base, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
    plot.setBackground(base)
    for name, title in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(palette.color(QPalette.Mid)))
        axis.setTextPen(pg.mkPen(text))
        axis.setTickFont(font)
        axis.setLabel(title, color=text.name(), **{"font-size": f"{font.pointSize()}pt"})
    legend = plot.getPlotItem().legend
    legend.setLabelTextColor(text)
    legend.setLabelTextSize(f"{font.pointSize()}pt")
    for _, label in legend.items:  # a label only takes a new colour when its text is set again
        label.setText(label.text, color=text, size=f"{font.pointSize()}pt")
    fill = QColor(base)
    fill.setAlpha(215)  # lines behind the legend stay faintly visible
    legend.setBrush(fill)
    legend.setPen(pg.mkPen(palette.color(QPalette.Mid)))


__all__ = ["run_color", "swatch_icon", "clipped_positive", "ReadableAxis", "FixedSample", "run_plot",
           "style_plot", "LINE_WIDTH", "TEST_LINE_WIDTH", "TINY"]
