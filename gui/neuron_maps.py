"""Heat maps of the network over the input plane: colour tables, per-neuron images, the hover view.

Shared by the boundary panel (P(y = 1 | x) at 200×200) and the network canvas (each drawn neuron's
A[l] at 48×48, drawn inside its node as TensorFlow Playground does). The numbers always come from
core.boundary.evaluate, the engine's own forward pass; this module only turns them into colours.

Colours: P(y = 1 | x) runs from the course's red (class 0) through a pale neutral at 0.5 to its blue
(class 1), like the scatter plots. A hidden unit's A[l] uses the canvas's weight colours (orange < 0,
neutral at 0, blue > 0), so a node and the edges leaving it speak the same language.
"""
from __future__ import annotations


import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.boundary import Grid, evaluate, make_grid
from . import theme

GRID_RESOLUTION = 48     # per-neuron maps: 2,304 points, a few milliseconds for a deep network
DETAIL_RESOLUTION = 120  # the hovered neuron's enlarged map: sharp at 180 px, only while hovering
MIN_POPUP_MAP = 96      # px: the smallest the enlarged map gets to fit a short canvas
MIN_MAP_RADIUS = 9       # px: smaller nodes get no map (it would be a few coloured pixels)
LUT_SIZE = 256
NEUTRAL_LIGHT = "#f6f6f3"
NEUTRAL_DARK = "#30343b"


# ---------------------------------------------------------------------------------------------
# The input plane and colours


def plane_grid(data, resolution: int) -> Grid | None:
    """A grid over the train and test points together, or None when the data is not 2-D points."""
    if data is None or data.image_shape is not None or data.n_x != 2:
        return None
    X = data.X if data.X_test is None or data.m_test == 0 else np.hstack([data.X, data.X_test])
    return make_grid(X, resolution)


def grid_axes(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """The grid's xs (columns) and ys (rows), as make_grid spaced them."""
    x0, x1, y0, y1 = grid.extent
    return np.linspace(x0, x1, grid.resolution), np.linspace(y0, y1, grid.resolution)


def _rgb(color) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=float)


def neutral(dark: bool) -> QColor:
    return QColor(NEUTRAL_DARK if dark else NEUTRAL_LIGHT)


def diverging_lut(low, high, dark: bool, softness: float = 0.0) -> np.ndarray:
    """(LUT_SIZE, 3) uint8: low at 0, the neutral in the middle, high at the end.

    softness in [0, 1) pulls both ends toward the neutral, for a background that points drawn in
    the full colours must stand out from."""
    mid = _rgb(neutral(dark))
    lo = _rgb(low) * (1 - softness) + mid * softness
    hi = _rgb(high) * (1 - softness) + mid * softness
    t = np.linspace(-1.0, 1.0, LUT_SIZE)[:, None]
    rgb = np.where(t < 0, mid + (lo - mid) * -t, mid + (hi - mid) * t)
    return np.round(rgb).astype(np.uint8)


def probability_lut(dark: bool, soft: bool = False) -> np.ndarray:
    """Red (P → 0, class 0) → neutral (0.5) → blue (P → 1, class 1)."""
    return diverging_lut(theme.CLASS_COLORS[0], theme.CLASS_COLORS[1], dark,
                         softness=(0.5 if dark else 0.42) if soft else 0.0)


def activation_lut(dark: bool) -> np.ndarray:
    """Orange (A < 0) → neutral (0) → blue (A > 0): the canvas's colours for negative and positive."""
    return diverging_lut(theme.NEGATIVE, theme.POSITIVE, dark)


def activation_range(activation: str, A: np.ndarray) -> tuple[float, float]:
    """The range a layer's map is coloured over: fixed where g bounds it, else the layer's own
    largest |A| (so the units of one layer compare with each other)."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    finite = np.abs(A[np.isfinite(A)])
    top = float(finite.max()) if finite.size else 0.0
    top = top if top > 1e-12 else 1.0
    return (0.0, top) if activation == "relu" else (-top, top)


def to_image(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> QImage:
    """A QImage of values (rows along ys, upwards) coloured by lut over levels, top row first."""
    lo, hi = levels
    v = np.nan_to_num(values, nan=(lo + hi) / 2, posinf=hi, neginf=lo)
    index = np.clip((v - lo) / (hi - lo) * (len(lut) - 1) + 0.5, 0, len(lut) - 1).astype(np.intp)
    rgb = np.ascontiguousarray(lut[index[::-1]])   # row 0 of the grid is the bottom of the picture
    h, w = values.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()  # copy: owns its pixels


# ---------------------------------------------------------------------------------------------
# Per-neuron maps


class NeuronMaps:
    """Each drawn neuron's activation over a coarse grid of the input plane: values and images.

    Keys are (l, u): layer l (1..L, L the output) and unit index u. `ranges[l]` is the range the
    layer is coloured over; `levels[l]` the colour table's ends (symmetric around 0 for hidden
    layers, so 0 is always the neutral colour)."""

    def __init__(self, resolution: int = GRID_RESOLUTION):
        self.resolution = resolution
        self.grid: Grid | None = None
        self._detail_grid: Grid | None = None
        self._data = None
        self.values: dict[tuple[int, int], np.ndarray] = {}
        self.images: dict[tuple[int, int], QImage] = {}
        self.ranges: dict[int, tuple[float, float]] = {}
        self.levels: dict[int, tuple[float, float]] = {}
        self.activations: tuple[str, ...] = ()
        self.dark = False
        self._discs: dict[tuple[int, int], QImage] = {}
        self._disc_size = None

    def set_data(self, data) -> None:
        if data is not self._data:
            self._data = data
            self.grid = plane_grid(data, self.resolution)
            self._detail_grid = None
            self.clear()

    def clear(self) -> None:
        self.values, self.images, self.ranges, self.levels = {}, {}, {}, {}
        self._discs = {}

    def update(self, network, drawn: list[list[int | None]], dark: bool) -> None:
        """Evaluate the network on the grid and colour the units drawn in columns 1..L."""
        self.clear()
        if self.grid is None:
            return
        maps = evaluate(self.grid, network.parameters, network.activations)
        L = network.L
        self.activations = tuple(network.activations)
        for l in range(1, L + 1):
            A = maps.probability[None] if l == L else maps.hidden[l - 1]
            self.ranges[l] = (0.0, 1.0) if l == L else activation_range(network.activations[l - 1], A)
            if l < L:
                s = max(abs(v) for v in self.ranges[l])
                self.levels[l] = (-s, s)
            else:
                self.levels[l] = (0.0, 1.0)
            for u in drawn[l] if l < len(drawn) else []:
                if u is not None and u < A.shape[0]:
                    self.values[l, u] = A[u]
        self.recolor(dark)

    def recolor(self, dark: bool) -> None:
        """New images from the stored values (after a palette change, without recomputing)."""
        self.dark = dark
        L = len(self.activations)
        luts = {True: probability_lut(dark), False: activation_lut(dark)}
        self.images = {(l, u): to_image(v, self.levels[l], luts[l == L])
                       for (l, u), v in self.values.items()}
        self._discs = {}

    def disc(self, key: tuple[int, int], radius: float, dpr: float = 1.0) -> QImage | None:
        """The map of neuron key scaled and clipped to a disc of this radius, made once per
        map and size, so a paint event only blits it (no scaling, no clipping per frame)."""
        if (radius, dpr) != self._disc_size:
            self._discs, self._disc_size = {}, (radius, dpr)
        disc = self._discs.get(key)
        if disc is None and key in self.images:
            disc = self._discs[key] = _disc(self.images[key], radius, dpr)
        return disc

    def detail(self, network, key: tuple[int, int]) -> QImage | None:
        """Neuron key's map on a finer grid, coloured like its node: for the enlarged view."""
        l, u = key
        if key not in self.values or l > network.L:
            return None
        if self._detail_grid is None:
            self._detail_grid = plane_grid(self._data, DETAIL_RESOLUTION)
        maps = evaluate(self._detail_grid, network.parameters, network.activations)
        values = maps.probability if l == network.L else maps.hidden[l - 1][u]
        return to_image(values, self.levels[l], self.lut(l))

    def lut(self, l: int) -> np.ndarray:
        return probability_lut(self.dark) if l == len(self.activations) else activation_lut(self.dark)


def _disc(image: QImage, radius: float, dpr: float) -> QImage:
    side = int(np.ceil(2 * radius * dpr))
    disc = QImage(side, side, QImage.Format_ARGB32_Premultiplied)
    disc.setDevicePixelRatio(dpr)
    disc.fill(Qt.transparent)
    clip = QPainterPath()
    clip.addEllipse(QPointF(radius, radius), radius - 0.5, radius - 0.5)
    p = QPainter(disc)
    p.setRenderHint(QPainter.SmoothPixmapTransform)
    p.setClipPath(clip)
    p.drawImage(QRectF(0, 0, 2 * radius, 2 * radius), image)
    p.end()
    return disc


# ---------------------------------------------------------------------------------------------
# The enlarged view shown while hovering a neuron


class _MapView(QWidget):
    """The map, enlarged, with the plane's axes named."""

    def __init__(self, size: int, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.setFixedSize(size, size)

    def paintEvent(self, event):
        if self.image is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        p.setRenderHint(QPainter.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.drawImage(rect, self.image)
        p.setPen(QPen(self.palette().color(QPalette.Mid), 1))
        p.drawRect(rect)
        # Axis names in the corners, with a halo so they read on any colour.
        font = p.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        p.setFont(font)
        _halo_text(p, rect.adjusted(4, 2, -4, -2), Qt.AlignRight | Qt.AlignBottom, "x1 →")
        _halo_text(p, rect.adjusted(4, 2, -4, -2), Qt.AlignLeft | Qt.AlignTop, "↑ x2")


def _halo_text(p: QPainter, rect: QRectF, align, text: str) -> None:
    p.setPen(QColor(255, 255, 255, 200))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        p.drawText(rect.translated(dx, dy), align, text)
    p.setPen(QColor("#1f2328"))
    p.drawText(rect, align, text)


class _RangeBar(QWidget):
    """A colour bar with its values under it: the legend of one map."""
    BAR = 12

    def __init__(self, parent=None):
        super().__init__(parent)
        self.colors = np.zeros((2, 3), np.uint8)
        self.labels: list[tuple[float, str]] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_scale(self, colors: np.ndarray, labels: list[tuple[float, str]]) -> None:
        self.colors, self.labels = np.ascontiguousarray(colors), labels
        self.updateGeometry()
        self.update()

    def sizeHint(self):
        return QSize(160, self.BAR + 4 + int(QFontMetricsF(self.font()).height()))

    def paintEvent(self, event):
        p = QPainter(self)
        n = len(self.colors)
        strip = QImage(self.colors.data, n, 1, 3 * n, QImage.Format_RGB888)
        bar = QRectF(0.5, 0.5, self.width() - 1, self.BAR)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        p.drawImage(bar, strip)
        p.setPen(QPen(self.palette().color(QPalette.Mid), 1))
        p.drawRect(bar)
        p.setPen(self.palette().color(QPalette.WindowText))
        top = bar.bottom() + 3
        height = self.height() - top
        for fraction, label in self.labels:
            if fraction <= 0:
                rect, align = QRectF(0, top, self.width(), height), Qt.AlignLeft
            elif fraction >= 1:
                rect, align = QRectF(0, top, self.width(), height), Qt.AlignRight
            else:
                x = fraction * self.width()
                rect, align = QRectF(x - 60, top, 120, height), Qt.AlignHCenter
            p.drawText(rect, align | Qt.AlignTop, label)


class NeuronPopup(QFrame):
    """A tooltip-like card over the canvas: the neuron's name, its map enlarged, its range and its
    parameters. Transparent to the mouse, so hovering stays with the canvas underneath."""
    SIZE = 180

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("neuronPopup")
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setStyleSheet("QFrame#neuronPopup { background: palette(base); border: 1px solid palette(dark);"
                           " border-radius: 8px; }")
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.view = _MapView(self.SIZE)
        self.bar = _RangeBar()
        self.caption = QLabel()
        self.details = QLabel()
        for label in (self.title, self.caption, self.details):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(5)
        for w in (self.title, self.view, self.bar, self.caption, self.details):
            layout.addWidget(w)
        self.setFixedWidth(self.SIZE + 20)
        self._size = self.SIZE           # the map's side, before fitting a short canvas (place_beside)
        self.hide()

    def set_scale(self, k: float) -> None:
        """The enlarged map × k (presentation mode: the card must read from the back of the room)."""
        self._size = round(self.SIZE * k)
        self.view.setFixedSize(self._size, self._size)
        self.setFixedWidth(self._size + 20)

    def show_map(self, title: str, image: QImage, colors: np.ndarray, labels, caption: str,
                 details: str) -> None:
        muted = self.palette().color(QPalette.PlaceholderText).name()
        self.title.setText(title)
        self.view.image = image
        self.view.update()
        self.bar.set_scale(colors, labels)
        self.caption.setText(caption)
        self.details.setText(f"<span style='color:{muted}'>{details}</span>")
        self.details.setVisible(bool(details))
        self.setAccessibleName(f"{title}: activation map")
        self.setAccessibleDescription(f"{caption} {details}")
        # Word-wrapped labels need the height for this width; adjustSize on a hidden child would
        # squeeze the map instead.
        self.view.setFixedSize(self._size, self._size)
        self._fit()

    def _fit(self) -> None:
        layout = self.layout()
        layout.invalidate()
        layout.activate()
        self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    def place_beside(self, center: QPointF, radius: float, top: float = 4) -> None:
        """Right of the node if it fits, else left; kept inside the part of the parent on screen
        (the canvas scrolls on a laptop) and, when it fits, below `top` (the layer headers stay
        visible). A card taller than that room gets a smaller map rather than a cut-off text."""
        parent = self.parentWidget()
        room = parent.visibleRegion().boundingRect()
        if room.isEmpty():
            room = parent.rect()
        if self.height() > room.height() - 8:
            side = max(MIN_POPUP_MAP, self.view.width() - (self.height() - room.height() + 8))
            self.view.setFixedSize(side, side)
            self._fit()
        gap = radius + 12
        x = center.x() + gap
        if x + self.width() > room.right() - 4:
            x = center.x() - gap - self.width()
        y = center.y() - self.height() / 2
        x = min(max(room.left() + 4, x), room.right() - self.width() - 4)
        y = max(min(max(top, y), room.bottom() - self.height() - 4), room.top() + 4)
        self.move(int(x), int(y))
