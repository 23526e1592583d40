"""The decision boundary: P(y = 1 | x) over the input plane, the 0.5 line, and the points on top.

For 2-D data only. The grid (200×200 over the train and test points) is made once per data set;
every redraw is one core.boundary.evaluate, the engine's own forward pass, then setImage and
setData on items created once. Colours are fixed, levels are fixed to (0, 1): the same colour
means the same probability in every frame, so the picture moving is the network learning.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from core.boundary import evaluate
from . import theme
from .neuron_maps import grid_axes, plane_grid, probability_lut
from .pacing import FrameThrottle, on_screen

RESOLUTION = 200
POINT_SIZE = 9            # px: a little smaller than the data panel's, the map shows between them
CONTOUR_WIDTH = 3.0       # px: the boundary must read from the back of a lecture hall
TEST_RIM_WIDTH = 2.4      # px: a test point is a hollow ring of its class colour


def contour_segments(values: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float = 0.5):
    """The level line of values (row i at ys[i], column j at xs[j]) as segment end points, for a
    curve drawn with connect="pairs". Marching squares, vectorised: pg.IsocurveItem walks the
    cells in Python (15-40 ms at 200×200), too slow to redraw 30 times a second. Only the cells
    the line crosses (a few hundred of 40,000) get their crossing points computed."""
    v = values
    above = v > level
    hcross, vcross = above[:, :-1] != above[:, 1:], above[:-1, :] != above[1:, :]
    # Each cell's edges, in the order bottom, top, left, right: which of them the line crosses.
    edges = (hcross[:-1], hcross[1:], vcross[:, :-1], vcross[:, 1:])
    count = edges[0].view(np.uint8) + edges[1].view(np.uint8) + edges[2].view(np.uint8) + edges[3].view(np.uint8)
    i, j = np.nonzero(count)                       # the crossed cells, row by row
    count = count[i, j]
    crossed = np.stack([e[i, j] for e in edges])   # (4, cells)
    # Where each edge of those cells meets the level (masked out below where it does not).
    with np.errstate(divide="ignore", invalid="ignore"):
        def along(a, b):                          # the fraction from a to b at which v = level
            return (level - a) / (b - a)
        x0, x1, y0, y1 = xs[j], xs[j + 1], ys[i], ys[i + 1]
        ex = np.stack([x0 + along(v[i, j], v[i, j + 1]) * (x1 - x0),
                       x0 + along(v[i + 1, j], v[i + 1, j + 1]) * (x1 - x0), x0, x1])
        ey = np.stack([y0, y1, y0 + along(v[i, j], v[i + 1, j]) * (y1 - y0),
                       y0 + along(v[i, j + 1], v[i + 1, j + 1]) * (y1 - y0)])
    starts, ends = [], []
    # Two crossings: one segment between them (the first two crossed edges, in edge order).
    two = count == 2
    k = np.arange(int(two.sum()))
    ex2, ey2 = ex[:, two], ey[:, two]
    first = np.argsort(~crossed[:, two], axis=0, kind="stable")[:2]
    starts.append((ex2[first[0], k], ey2[first[0], k]))
    ends.append((ex2[first[1], k], ey2[first[1], k]))
    # Four crossings (a saddle): the centre's side says which two corners the segments cut off.
    four = count == 4
    if four.any():
        k = np.arange(int(four.sum()))
        ex4, ey4 = ex[:, four], ey[:, four]
        i4, j4 = i[four], j[four]
        centre = (v[i4, j4] + v[i4, j4 + 1] + v[i4 + 1, j4] + v[i4 + 1, j4 + 1]) / 4 > level
        joined = above[i4, j4] == centre           # bottom-left joins top-right across the centre
        for e0, e1 in ((np.zeros_like(k), np.where(joined, 3, 2)),      # bottom with right | left
                       (np.ones_like(k), np.where(joined, 2, 3))):      # top with left | right
            starts.append((ex4[e0, k], ey4[e0, k]))
            ends.append((ex4[e1, k], ey4[e1, k]))
    starts_x, starts_y = (np.concatenate([s[n] for s in starts]) for n in (0, 1))
    ends_x, ends_y = (np.concatenate([e[n] for e in ends]) for n in (0, 1))
    x = np.empty(2 * len(starts_x))
    y = np.empty_like(x)
    x[0::2], x[1::2], y[0::2], y[1::2] = starts_x, ends_x, starts_y, ends_y
    return x, y


def _accessible(widget, name: str, tip: str):
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


class BoundaryPanel(QWidget):
    """P(y = 1 | x) as a heat map with the decision boundary and the data on top (2-D data)."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._grid = None
        self._data = None
        self._probability = np.full((RESOLUTION, RESOLUTION), 0.5)
        self._stale = False
        self._rect = self._placed = None
        self.line_scale = 1.0    # points and lines ×, e.g. for a projector (presentation mode)
        self.frame_on_resize = False   # keep the data framed as the panel changes size (presentation)
        self._build()
        self._style()
        self._throttle = FrameThrottle(self._redraw, self)
        controller.network_changed.connect(self._request)
        controller.data_changed.connect(self._on_data_changed)
        self._on_data_changed()
        self._throttle.flush()

    # --- building ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.plot = _accessible(pg.PlotWidget(), "Decision boundary plot",
                                "P(y = 1 | x) over the input plane: red where the network says "
                                "class 0, blue where it says class 1; the line is P = 0.5.\n"
                                "Drag: pan · wheel: zoom · double click: show all the data")
        self.plot.setMinimumSize(200, 200)   # the laptop's left column: see the data panel's plot
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()              # the "A" button has no name or tooltip: double click instead
        self.plot.getViewBox().disableAutoRange()
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.contour = pg.PlotCurveItem(connect="pairs", antialias=True)
        self.contour.setZValue(5)
        self.plot.addItem(self.image)
        self.plot.addItem(self.contour)
        self._points = {}
        for test in (False, True):
            for label in (0, 1):
                item = pg.ScatterPlotItem(size=POINT_SIZE, pxMode=True)
                item.setZValue(11 if test else 10)
                # The points never move while training: kept as a pixmap, not drawn again under
                # every new image (0.7 of the plot's 2.7 ms a frame). Drawn afresh on zoom and
                # in exports (see render).
                item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
                self.plot.addItem(item)
                self._points[test, label] = item

        self.scale_label = _accessible(QLabel("P(y = 1 | x)"), "Colour scale",
                                       "The colour of each place in the plane is the network's "
                                       "output ŷ = P(y = 1 | x) there")
        self.scale_low, self.scale_high = QLabel("0"), QLabel("1")
        self.scale_bar = _accessible(QLabel(), "Colour bar", "0: red, class 0 · 0.5: neutral · "
                                     "1: blue, class 1. The colours never rescale between frames.")
        self.line_key = _accessible(QLabel(), "Decision boundary key",
                                    "The decision boundary: where P(y = 1 | x) = 0.5, the network "
                                    "predicts class 1 on the blue side")
        self.points_key = _accessible(QLabel("● filled: training · ○ hollow: test"), "Points key",
                                      "Test points are not trained on: they show how well the "
                                      "boundary generalises")
        self.points_key.setWordWrap(True)
        scale = QHBoxLayout()
        scale.setSpacing(6)
        for w in (self.scale_label, self.scale_low, self.scale_bar, self.scale_high):
            scale.addWidget(w)
        scale.addSpacing(14)
        scale.addWidget(self.line_key)
        scale.addStretch(1)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(scale)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.points_key)
        self.plot_page = page

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setAccessibleName("Decision boundary message")
        self.message.setMargin(24)
        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        outer.addWidget(self.stack)
        self.setAccessibleName("Decision boundary")

    def sizeHint(self):
        return QSize(600, 600)

    # --- look -------------------------------------------------------------------------------------
    def _style(self) -> None:
        """Colours from the palette. The colour table changes only here, never between frames."""
        pal = self.palette()
        dark = theme.is_dark(pal)
        base, text = pal.color(QPalette.Base), pal.color(QPalette.Text)
        self.lut = probability_lut(dark, soft=True)
        self.image.setLookupTable(self.lut)
        self.plot.setBackground(base)
        for name, title in (("bottom", "x1"), ("left", "x2")):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(pal.color(QPalette.Mid)))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(self.font())
            axis.setLabel(title, color=text.name(), **{"font-size": f"{self.font().pointSize()}pt"})
        k = self.line_scale
        line = QColor("#f4f4f4") if dark else QColor("#1f2328")
        pen = QPen(line, CONTOUR_WIDTH * k)
        pen.setCosmetic(True)
        # Square caps: each short segment of the marching squares overlaps the next by half the
        # width, so they join seamlessly (flat caps leave notches). Round caps look the same and
        # cost 3x the paint (4.5 of 7 ms a frame at 200×200).
        pen.setCapStyle(Qt.SquareCap)
        self.contour.setPen(pen)
        rim = QColor(text)
        rim.setAlpha(150)
        for (test, label), item in self._points.items():
            color = theme.class_color(label)
            item.setSize(POINT_SIZE * k)
            if test:
                item.setPen(pg.mkPen(color, width=TEST_RIM_WIDTH * k))
                item.setBrush(pg.mkBrush(base.red(), base.green(), base.blue(), 170))
            else:
                item.setPen(pg.mkPen(rim, width=k))
                item.setBrush(pg.mkBrush(color))
        self.scale_bar.setPixmap(_bar_pixmap(self.lut, round(110 * k), round(14 * k), pal.color(QPalette.Mid)))
        self.line_key.setPixmap(_line_key_pixmap(line, self.font(), text, base, CONTOUR_WIDTH * k))
        muted = pal.color(QPalette.PlaceholderText).name()
        self.points_key.setStyleSheet(f"color: {muted}")
        font = self.font()        # from the panel's font, so repeated restyles do not compound
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.message.setFont(font)

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "image"):
                self._style()
        super().changeEvent(event)

    def render(self, *args, **kwargs):
        """Exports (gui.exports) draw the points afresh: an SVG keeps them as shapes, not as the
        cached pixmap, and a PNG at slide resolution gets them sharp."""
        self._cache_points(False)
        try:
            return super().render(*args, **kwargs)
        finally:
            self._cache_points(True)

    def _cache_points(self, on: bool) -> None:
        mode = QGraphicsItem.DeviceCoordinateCache if on else QGraphicsItem.NoCache
        for item in self._points.values():
            item.setCacheMode(mode)

    def set_line_scale(self, k: float) -> None:
        """Points, rims and the boundary line × k (presentation mode: a projector needs them bigger)."""
        if k != self.line_scale:
            self.line_scale = k
            self._style()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.frame_on_resize:
            QTimer.singleShot(0, self.frame_data)   # after the plot has its new size too

    def frame_data(self) -> None:
        """Show the data's extent, as after a double click (e.g. once the panel has a new size)."""
        if self._grid is not None:
            self._frame()

    # --- reading the session ----------------------------------------------------------------------
    def _on_data_changed(self) -> None:
        data = self.controller.data
        if data is self._data:
            return
        self._data = data
        self._grid = plane_grid(data, RESOLUTION)
        if self._grid is None:
            self._show_message(data)
            return
        self.stack.setCurrentWidget(self.plot_page)
        self._xs, self._ys = grid_axes(self._grid)
        x0, x1, y0, y1 = self._grid.extent
        # Pixel centres on the grid points: each pixel reaches half a step beyond its point.
        dx, dy = (x1 - x0) / (RESOLUTION - 1), (y1 - y0) / (RESOLUTION - 1)
        self._rect = QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy)
        for test, X, Y in ((False, data.X, data.Y), (True, data.X_test, data.Y_test)):
            for label in (0, 1):
                item = self._points[test, label]
                if X is None:
                    item.setData(x=[], y=[])
                else:
                    mask = Y[0] == label
                    item.setData(x=X[0, mask], y=X[1, mask])
        self.points_key.setText("● filled: training · ○ hollow: test" if data.m_test
                                else "● training points (no test set)")
        self._frame()
        self._request()

    def _show_message(self, data) -> None:
        if data.image_shape is not None:
            shape = "×".join(str(d) for d in data.image_shape)
            what = f"These are {shape} images: see predictions on the thumbnails in the Data panel."
        else:
            what = (f"These examples have n[0] = {data.n_x} features: the boundary lives in "
                    f"{data.n_x} dimensions and cannot be drawn on a plane.")
        self.message.setText(f"The decision boundary is drawn for 2-D data.\n\n{what}")
        self.stack.setCurrentWidget(self.message)

    def _frame(self) -> None:
        self.plot.getViewBox().setRange(rect=self._rect, padding=0)

    def _on_plot_clicked(self, event) -> None:
        if event.double() and self._grid is not None:
            self._frame()

    # --- drawing ---------------------------------------------------------------------------------
    def _request(self) -> None:
        self._throttle.request()

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._request()

    def paintEvent(self, event):
        super().paintEvent(event)
        if self._stale:            # uncovered (its dock's tab brought to the front): catch up
            self._request()

    def _redraw(self) -> None:
        if self._grid is None:
            return
        if not on_screen(self) and self._drawn_once:
            self._stale = True     # a hidden dock costs nothing; it catches up when shown
            return
        self._stale = False
        net = self.controller.network
        P = evaluate(self._grid, net.parameters, net.activations, hidden=False).probability
        # A diverged network gives NaN: shown as the undecided neutral, not as a crash.
        if np.isnan(P).any():
            P = np.nan_to_num(P, nan=0.5)
        self._probability = P
        self.image.setImage(P, autoLevels=False, levels=(0, 1))
        if self._placed is not self._rect:      # once per data set: the image needs its size first
            self.image.setRect(self._rect)
            self._placed = self._rect
        self.contour.setData(*contour_segments(P, self._xs, self._ys, 0.5))

    @property
    def _drawn_once(self) -> bool:
        return self.image.image is not None

    # --- for tests -------------------------------------------------------------------------------
    def probability_image(self) -> np.ndarray:
        """The (200, 200) P(y = 1 | x) shown now; row i is ys[i], column j is xs[j]."""
        return self._probability.copy()

    def grid(self):
        """The core.boundary.Grid the image is evaluated on, or None for non-2-D data."""
        return self._grid


def _bar_pixmap(lut: np.ndarray, width: int, height: int, border: QColor) -> QPixmap:
    strip = np.ascontiguousarray(lut[None, :, :])
    image = QImage(strip.data, len(lut), 1, 3 * len(lut), QImage.Format_RGB888)
    pixmap = QPixmap(width, height)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.SmoothPixmapTransform)
    p.drawImage(QRectF(0, 0, width, height), image)
    p.setPen(QPen(border, 1))
    p.drawRect(0, 0, width - 1, height - 1)
    p.end()
    return pixmap


def _line_key_pixmap(line: QColor, font, text: QColor, background: QColor,
                     line_width: float = CONTOUR_WIDTH) -> QPixmap:
    """A short stroke of the boundary's pen and "P = 0.5", as one picture for the key."""
    label = "P = 0.5"
    metrics = QFontMetrics(font)
    width, height = 30 + 6 + metrics.horizontalAdvance(label) + 2, max(16, metrics.height())
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.Antialiasing)
    pen = QPen(line, line_width)
    pen.setCapStyle(Qt.RoundCap)
    p.setPen(pen)
    p.drawLine(3, height // 2, 27, height // 2)
    p.setFont(font)
    p.setPen(text)
    p.drawText(QRectF(36, 0, width - 36, height), Qt.AlignVCenter | Qt.AlignLeft, label)
    p.end()
    return pixmap
