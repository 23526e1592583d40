"""One named matrix (W[2], A[1], dZ[3], ...) as a heat map or as a table of numbers.

Rows and columns are as in the course notebooks: row i of the array is row i on screen, top to
bottom, and for Z[l] and A[l] column j is example j. Colours diverge around 0 (theme.NEGATIVE
below, white at 0, theme.POSITIVE above: the canvas's weight colours, so an edge and its entry
in W[l] agree) over a symmetric range, ±max|x| of the matrix or a range the caller
fixes so several matrices compare. The items are made once; set_matrix only hands new numbers to
them, so stepping through backprop can redraw many times a second. The table is a model over the
array, never one item per cell, so a 20×12288 W[1] loads at once.
"""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetrics, QImage, QKeySequence, QPainter, QPalette, QPen,
                           QPixmap, QShortcut)
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QGraphicsRectItem, QHBoxLayout, QHeaderView, QLabel,
                               QSizePolicy, QStackedWidget, QTableView, QToolButton, QVBoxLayout, QWidget)

from . import theme

MIN_TABLE_POINTS = 10.0          # numbers never shrink below this: read from the back of the room
TABLE_ZOOMS = (1.0, 1.2, 1.45, 1.75, 2.1)
ZOOM_STEP = 0.8                  # heat map: each zoom-in shows 80% of the span
WIDEST_NUMBER = "-8.888e-88"     # the longest text short_number makes for everyday values
HIGHLIGHT_ALPHA = 70
MIN_GRID_CELL = 14               # px: cells this big get lines between them
MEASURED_ENTRIES = 2000         # up to this size the table's columns fit the numbers shown
MIN_OUTLINE = 9                  # px: the narrowest frame drawn around a followed column
HOVER_PROMPT = "Hover for an exact value"
_LAYER_NAME = re.compile(r"^(d?[A-Za-z]+)\[(\d+)\](.*)$")


# --- text ----------------------------------------------------------------------------------------
def short_number(x: float) -> str:
    """4 significant digits: "-0.0123", "0.5", "1.234e-05"; exponents only outside 10⁻³..10⁴."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.4g}"
    return f"{x:.3e}"


def rich_name(name: str) -> str:
    """"W[2]" → W<sup>[2]</sup>: the layer as the course writes it; other names unchanged."""
    match = _LAYER_NAME.match(name)
    if not match:
        return _escape(name)
    symbol, layer, rest = match.groups()
    return f"{_escape(symbol)}<sup>[{layer}]</sup>{_escape(rest)}"


def shape_text(shape) -> str:
    return "(" + ", ".join(f"{d:,}" for d in shape) + ")"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- colours -------------------------------------------------------------------------------------
# Deeper shades for the ends of the scale, so the largest entries stand out from merely large
# ones: deep blue for the theme's blue, orange-red for its orange; anything else is darkened.
_DEEPER = {"#0877bd": "#063c6a", "#f59322": "#b8360e"}


def deeper(color: str) -> QColor:
    return QColor(_DEEPER.get(color.lower(), QColor(color).darker(170).name()))


def hue_name(color: str) -> str:
    """"blue" or "orange" (or "red", "green", ...) for the words in tooltips and captions."""
    hue = QColor(color).hueF() * 360
    for limit, name in ((15, "red"), (50, "orange"), (70, "yellow"), (165, "green"), (260, "blue"), (330, "purple")):
        if hue < limit:
            return name
    return "red"


def diverging_lut(dark: bool) -> np.ndarray:
    """256 RGB rows: deep negative → theme.NEGATIVE → neutral 0 → theme.POSITIVE → deep positive.

    The neutral centre is white on a light theme and a soft grey on a dark one, where pure white
    for every near-zero entry glares on a projector.
    """
    centre = QColor("#d9dde3" if dark else "#ffffff")
    stops = [(0.0, deeper(theme.NEGATIVE)), (0.3, QColor(theme.NEGATIVE)), (0.5, centre),
             (0.7, QColor(theme.POSITIVE)), (1.0, deeper(theme.POSITIVE))]
    cmap = pg.ColorMap([p for p, _ in stops], [c for _, c in stops])
    return cmap.getLookupTable(0.0, 1.0, 256, alpha=False)


NEGATIVE_NAME, POSITIVE_NAME = hue_name(theme.NEGATIVE), hue_name(theme.POSITIVE)


def lut_pixmap(lut: np.ndarray, width: int, height: int, border: QColor) -> QPixmap:
    """The colour table as a horizontal bar, for the key under the heat map."""
    strip = np.ascontiguousarray(lut[None, :, :3].astype(np.uint8))
    image = QImage(strip.data, len(lut), 1, 3 * len(lut), QImage.Format_RGB888)
    pixmap = QPixmap(width, height)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.SmoothPixmapTransform)
    p.drawImage(QRectF(0, 0, width, height), image)
    p.setPen(QPen(border, 1))
    p.drawRect(0, 0, width - 1, height - 1)
    p.end()
    return pixmap


class ColourBar(QWidget):
    """The diverging scale as a bar that fills its width: the whole scale, however wide the key."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lut = diverging_lut(False)
        self.border = QColor("#888888")
        self._key, self._pixmap = None, None   # the bar drawn at (size, colours) = _key
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumWidth(40)

    def set_colours(self, lut: np.ndarray, border: QColor) -> None:
        self.lut, self.border = lut, QColor(border)
        self._key = None
        self.update()

    def sizeHint(self):
        return QSize(110, max(12, self.fontMetrics().height() - 4))

    def minimumSizeHint(self):
        return QSize(40, self.sizeHint().height())

    def paintEvent(self, event):
        # The bar changes only with its size or colours: drawn once, not at every step.
        key = (self.width(), self.height(), self.border.rgba())
        if self._key != key:
            self._key = key
            self._pixmap = lut_pixmap(self.lut, max(self.width(), 1), max(self.height(), 1), self.border)
        p = QPainter(self)
        p.drawPixmap(self.rect(), self._pixmap)
        p.end()


def symmetric_limit(array: np.ndarray) -> float:
    """max|x| over the finite entries; 1 when there is nothing to scale by (all zero, empty)."""
    finite = np.abs(array[np.isfinite(array)]) if array.size else array
    limit = float(finite.max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0


# --- the table -----------------------------------------------------------------------------------
class MatrixModel(QAbstractTableModel):
    """The array as a table: short numbers shown, the exact float in the tooltip, headers 1..n."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.array = np.zeros((0, 0))
        self.highlighted: int | None = None
        self.tint = QBrush(QColor(0, 0, 0, 0))

    def set_array(self, array: np.ndarray) -> None:
        if array.shape == self.array.shape:
            # Same shape (the next step of the same tensor): keep the scroll position and selection.
            self.array = array
            if array.size:
                self.dataChanged.emit(self.index(0, 0), self.index(array.shape[0] - 1, array.shape[1] - 1))
            return
        self.beginResetModel()
        self.array = array
        self.endResetModel()

    def set_highlighted(self, column: int | None) -> None:
        old, self.highlighted = self.highlighted, column
        for c in {old, column} - {None}:
            if c < self.columnCount():
                self.dataChanged.emit(self.index(0, c), self.index(self.rowCount() - 1, c), [Qt.BackgroundRole])
                self.headerDataChanged.emit(Qt.Horizontal, c, c)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.array.shape[0]

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.array.shape[1]

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return short_number(self.array[index.row(), index.column()])
        if role == Qt.ToolTipRole:
            value = float(self.array[index.row(), index.column()])
            return f"{value!r}\nrow {index.row() + 1}, column {index.column() + 1}"
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)   # digits line up down a column
        if role == Qt.BackgroundRole and index.column() == self.highlighted:
            return self.tint
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:
            return f"{section + 1:,}"   # course numbering: unit 1..n[l], example 1..m
        if role == Qt.FontRole and orientation == Qt.Horizontal and section == self.highlighted:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ToolTipRole:
            return f"{'Row' if orientation == Qt.Vertical else 'Column'} {section + 1:,}"
        return None


# --- the heat map's axes -------------------------------------------------------------------------
class IndexAxis(pg.AxisItem):
    """Whole row or column numbers 1, 2, … at cell centres, spaced so that no two labels touch."""

    def tickValues(self, minVal, maxVal, size):
        minVal, maxVal = sorted((minVal, maxVal))   # an inverted axis (rows downward) gives them reversed
        lo, hi = max(1, int(np.ceil(minVal))), int(np.floor(maxVal))
        if hi < lo or size <= 0:
            return []
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        horizontal = self.orientation in ("top", "bottom")
        gap = metrics.horizontalAdvance(f"{hi:,}") + 14 if horizontal else metrics.height() * 1.4
        per_cell = size / max(maxVal - minVal, 1e-9)
        step = next(s for s in _nice_steps() if s * per_cell >= gap)
        first = lo if step == 1 else int(np.ceil(lo / step) * step)
        values = list(range(first, hi + 1, step))
        if step > 1 and lo == 1 and (not values or values[0] - 1 >= 0.75 * step):
            values.insert(0, 1)   # the first row/column is always named, unless it would crowd
        return [(step, values)]

    def tickStrings(self, values, scale, spacing):
        return [f"{int(round(v)):,}" for v in values]


def _nice_steps():
    scale = 1
    while True:
        for m in (1, 2, 5):
            yield m * scale
        scale *= 10


# --- the widget ----------------------------------------------------------------------------------
class MatrixView(QWidget):
    """A named 2-D array: title with the live shape, heat map or numbers, a followed column."""

    mode_changed = Signal(str)   # "heatmap" or "numbers"
    column_clicked = Signal(int)  # a column (0-based) clicked: its header in the table, or on the map

    def __init__(self, parent=None):
        super().__init__(parent)
        self._name = ""
        self._array = np.zeros((0, 0))
        self._fixed_limit: float | None = None
        self._limit = 1.0
        self._column: int | None = None
        self._table_zoom = 0
        self._number_width = 0
        self._cells_stale = False   # the table's column widths wait for the table to show
        self._accent = theme.ACCENT
        self.setAccessibleName("Matrix view")
        self._build_header()
        self._build_heatmap()
        self._build_table()
        self._build_footer()
        self._build_shortcuts()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(self._header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)
        self._style()
        self.show_numbers(False)

    # --- public API -------------------------------------------------------------------------------
    def set_matrix(self, name: str, array: np.ndarray) -> None:
        """Show `array` (2-D; a 1-D array is a column) under `name`, e.g. "W[2]" or "A[1]".

        The array is kept, not copied (the engine never changes one in place). The same shape as
        before keeps the zoom, the scroll position and the table's selection."""
        array = np.asarray(array, dtype=np.float64)
        if array.ndim != 2:
            array = array.reshape(-1, 1) if array.ndim < 2 else array.reshape(array.shape[0], -1)
        reshaped = array.shape != self._array.shape
        self._name, self._array = name, array
        self.model.set_array(array)
        self._show_image(reshaped)
        self._follow_column()
        if reshaped:
            self._number_width = 0
        if reshaped or array.size <= MEASURED_ENTRIES:
            # Measuring every number is for the table: while the heat map shows, it waits until
            # the table is shown (a step of 400 examples measured 1,600 numbers per view).
            self._cells_stale = True
            if self.stack.currentWidget() is self.table:
                self._fit_cells()

    def set_levels(self, limit: float | None) -> None:
        """Colour range ±limit for every matrix from now on; None: ±max|x| of each matrix."""
        self._fixed_limit = None if limit is None or not np.isfinite(limit) or limit <= 0 else float(limit)
        self._apply_levels()

    def highlight_column(self, column: int | None) -> None:
        """Follow one column (0-based, e.g. the example a student traces); None: no column.

        Ignored (nothing highlighted) while the matrix has fewer columns, e.g. for W or b."""
        self._column = column
        self._follow_column()

    def show_numbers(self, numbers: bool) -> None:
        """The table of numbers (True) or the heat map (False)."""
        (self.numbers_button if numbers else self.heatmap_button).setChecked(True)
        if numbers and self._cells_stale:
            self._fit_cells()
        self.stack.setCurrentWidget(self.table if numbers else self.plot)
        # Colours mean nothing beside the numbers: the table's line is the hint instead of the key.
        self.footer.setCurrentWidget(self.hint if numbers else self.key)
        self._follow_column()
        self.mode_changed.emit("numbers" if numbers else "heatmap")

    def set_tools_visible(self, visible: bool) -> None:
        """Show or hide the row of view switch and zoom buttons, e.g. where a panel switches every
        view at once; the wheel and Ctrl+= / Ctrl+- / Ctrl+0 still zoom."""
        for button in (self.heatmap_button, self.numbers_button, self.zoom_out, self.zoom_in, self.zoom_fit):
            button.setVisible(visible)

    def name(self) -> str:
        return self._name

    def matrix(self) -> np.ndarray:
        return self._array

    def levels(self) -> tuple[float, float]:
        return -self._limit, self._limit

    def highlighted_column(self) -> int | None:
        """The column shown as followed: None when there is none or the matrix is too narrow."""
        c = self._column
        return c if c is not None and 0 <= c < self._array.shape[1] else None

    def table_text(self, row: int, col: int) -> str:
        return self.model.data(self.model.index(row, col), Qt.DisplayRole)

    def image(self) -> np.ndarray:
        return self.image_item.image

    def sizeHint(self):
        return QSize(520, 380)

    # --- building ---------------------------------------------------------------------------------
    def _build_header(self) -> None:
        self.title = _named(QLabel(), "Matrix name and shape",
                            "The matrix shown and its shape (rows, columns), as in the course notation")
        self.title.setTextFormat(Qt.RichText)
        # Its own row, never narrower than its text: the name, the shape and the followed column
        # are what the view is about, so the view grows rather than clip them.
        self.title.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.heatmap_button = _tool_button("Heat map", "Heat map view",
                                           f"Colours: {NEGATIVE_NAME} below 0, white at 0, {POSITIVE_NAME} above 0")
        self.numbers_button = _tool_button("Numbers", "Numbers view",
                                           "Every entry as a number; hover a cell for its exact value")
        group = QButtonGroup(self)
        group.setExclusive(True)
        for button in (self.heatmap_button, self.numbers_button):
            button.setCheckable(True)
            group.addButton(button)
        # A segmented switch: the chosen half filled with the accent, readable in both themes.
        segment = ("QToolButton {{ padding: 3px 7px; border: 1px solid palette(mid); background: palette(button);"
                   " color: palette(button-text); {corners} }}"
                   "QToolButton:checked {{ background: palette(highlight); color: palette(highlighted-text);"
                   " border-color: palette(highlight); }}"
                   "QToolButton:hover:!checked {{ background: palette(alternate-base); }}")
        self.heatmap_button.setStyleSheet(segment.format(
            corners="border-top-left-radius: 5px; border-bottom-left-radius: 5px; border-right: none;"))
        self.numbers_button.setStyleSheet(segment.format(
            corners="border-top-right-radius: 5px; border-bottom-right-radius: 5px;"))
        self.heatmap_button.clicked.connect(lambda: self.show_numbers(False))
        self.numbers_button.clicked.connect(lambda: self.show_numbers(True))
        self._header = QHBoxLayout()
        self._header.setSpacing(0)
        self._header.addWidget(self.heatmap_button)
        self._header.addWidget(self.numbers_button)
        self._header.addStretch(1)

    def _build_heatmap(self) -> None:
        # The bottom and right axes stay hidden; none of the four has a label or SI prefix to
        # rewrite whenever the range changes.
        axes = {"left": IndexAxis("left"), "top": IndexAxis("top"),
                "bottom": pg.AxisItem("bottom"), "right": pg.AxisItem("right")}
        for axis in axes.values():
            axis.enableAutoSIPrefix(False)
        # No context menu (the view's own buttons and keys zoom): not building pyqtgraph's
        # menu makes a view ~15 % quicker to create, and the step panel makes a dozen at once.
        box = pg.ViewBox(enableMenu=False)
        self.plot = _named(pg.PlotWidget(viewBox=box, axisItems=axes), "Heat map",
                           "Each cell is one entry: row i of the matrix is row i here, top to bottom.\n"
                           "Hover a cell: its exact value, in place of the colour key below.\n"
                           "Wheel: zoom · drag: pan · Ctrl+= / Ctrl+- / Ctrl+0: zoom in, out, fit")
        self.plot.setFocusPolicy(Qt.StrongFocus)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("right")   # shown by pyqtgraph because it was passed in
        self.plot.setMinimumSize(120, 70)
        self.view_box = self.plot.getViewBox()
        self.view_box.invertY(True)          # row 1 at the top, as the notebook prints it
        self.view_box.setDefaultPadding(0.0)
        # No downsampling: averaging 12288 columns onto a few hundred pixels would wash every
        # weight out to white; Qt's scaling shows real entries, and zooming shows them all.
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image_item)
        # Lines between cells once they are big enough to read one by one.
        self.cell_grid = pg.PlotCurveItem(connect="pairs")
        self.cell_grid.setZValue(5)
        self.plot.addItem(self.cell_grid)
        self.view_box.sigRangeChanged.connect(self._on_view_changed)
        # The followed column: a dark outline with a light core reads on every colour of the scale.
        self.outline_halo = QGraphicsRectItem()
        self.outline = QGraphicsRectItem()
        for item, z in ((self.outline_halo, 10), (self.outline, 11)):
            item.setZValue(z)
            item.setBrush(Qt.NoBrush)
            item.setVisible(False)
            self.plot.addItem(item)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _build_table(self) -> None:
        self.model = MatrixModel(self)
        self.table = _named(QTableView(), "Numbers table",
                            "Rows 1..n and columns 1..m; hover a cell for its exact value")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.ContiguousSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.horizontalHeader().sectionClicked.connect(self.column_clicked.emit)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            # Fixed, uniform sections: no measuring of 12288 columns.
            header.setSectionResizeMode(QHeaderView.Fixed)
            header.setHighlightSections(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.table)

    def _build_footer(self) -> None:
        self.low_label = _named(QLabel(), "Lowest colour value", f"The value drawn deepest {NEGATIVE_NAME}")
        self.bar = _named(ColourBar(), "Colour bar", "")
        self.high_label = _named(QLabel(), "Highest colour value", f"The value drawn deepest {POSITIVE_NAME}")
        # The entry under the mouse takes the colour key's line while the mouse is over the map, as
        # wide as the view: the exact value first, so a narrow view cuts the position, never the
        # number. One line for both leaves the map a line taller (a panel of small views, such as
        # the step panel in presentation type, had 75 px maps under two lines of 20 px).
        self.hover = _named(QLabel(HOVER_PROMPT), "Entry under the mouse",
                            "The exact value of the entry under the mouse pointer")
        self.hint = _named(QLabel("Hover for an exact value"), "Hint",
                           "The table rounds to 4 significant digits")
        for label in (self.hover, self.hint):
            label.setForegroundRole(QPalette.PlaceholderText)
            label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)   # never widens the view
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.key = QWidget()
        key = QHBoxLayout(self.key)
        key.setContentsMargins(0, 0, 0, 0)
        key.setSpacing(5)
        for w in (self.low_label, self.bar, self.high_label):
            key.addWidget(w)
        key.setStretch(1, 1)
        self.zoom_out = _tool_button("−", "Zoom out", "Zoom out (Ctrl+-)")
        self.zoom_in = _tool_button("+", "Zoom in", "Zoom in (Ctrl+=)")
        self.zoom_fit = _tool_button("Fit", "Zoom to fit", "Show the whole matrix (Ctrl+0)")
        self.zoom_out.clicked.connect(lambda: self.zoom(-1))
        self.zoom_in.clicked.connect(lambda: self.zoom(+1))
        self.zoom_fit.clicked.connect(self.fit)
        for button in (self.zoom_out, self.zoom_in, self.zoom_fit):
            self._header.addSpacing(3)
            self._header.addWidget(button)
        self.footer = QStackedWidget()
        for page in (self.key, self.hover, self.hint):
            self.footer.addWidget(page)
        self.footer.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.plot.viewport().installEventFilter(self)   # leaving the map brings the key back

    def _build_shortcuts(self) -> None:
        for keys, action in ((("Ctrl+=", "Ctrl++"), lambda: self.zoom(+1)),
                             (("Ctrl+-",), lambda: self.zoom(-1)), (("Ctrl+0",), self.fit)):
            for key in keys:
                QShortcut(QKeySequence(key), self, action, context=Qt.WidgetWithChildrenShortcut)

    # --- zoom -------------------------------------------------------------------------------------
    def zoom(self, direction: int) -> None:
        """+1 zooms in, -1 out: the heat map's view, or the size of the numbers in the table."""
        if self.stack.currentWidget() is self.table:
            self._table_zoom = min(max(self._table_zoom + direction, 0), len(TABLE_ZOOMS) - 1)
            self._size_table()
            return
        factor = ZOOM_STEP if direction > 0 else 1 / ZOOM_STEP
        self.view_box.scaleBy((factor, factor))

    def fit(self) -> None:
        if self.stack.currentWidget() is self.table:
            self._table_zoom = 0
            self._size_table()
            return
        n, m = self._array.shape
        self.view_box.setRange(xRange=(0.5, max(m, 1) + 0.5), yRange=(0.5, max(n, 1) + 0.5), padding=0)

    # --- drawing ----------------------------------------------------------------------------------
    def _show_image(self, reshaped: bool) -> None:
        array = self._array
        n, m = array.shape
        if array.size == 0:
            self.image_item.clear()
            return
        shown = array if np.isfinite(array).all() else np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0)
        self._limit = self._fixed_limit or symmetric_limit(array)
        self.image_item.setImage(shown, autoLevels=False, levels=(-self._limit, self._limit))
        if reshaped:
            self.image_item.setRect(QRectF(0.5, 0.5, m, n))   # cell (i, j) centred on (j+1, i+1)
            self.view_box.setLimits(xMin=0.5, xMax=m + 0.5, yMin=0.5, yMax=n + 0.5,
                                    minXRange=min(m, 3), minYRange=min(n, 3))
            self._make_cell_grid(n, m)
            self.fit()
            # Move the map to its new range now: pyqtgraph would do it while painting, which
            # dirties the scene and paints the view a second time.
            self.view_box.updateMatrix()
        self._show_key()

    def _make_cell_grid(self, n: int, m: int) -> None:
        x = np.concatenate([np.repeat(np.arange(1.5, m), 2), np.tile([0.5, m + 0.5], n - 1)])
        y = np.concatenate([np.tile([0.5, n + 0.5], m - 1), np.repeat(np.arange(1.5, n), 2)])
        self.cell_grid.setData(x, y)
        self._on_view_changed()

    def _on_view_changed(self, *_) -> None:
        """Zoom or resize: the cell lines only where each visible cell is ≥ MIN_GRID_CELL px."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        width, height = self.view_box.width(), self.view_box.height()
        big = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9)) >= MIN_GRID_CELL
        self.cell_grid.setVisible(bool(big and self._array.size))
        self._place_outline()

    def _apply_levels(self) -> None:
        self._limit = self._fixed_limit or symmetric_limit(self._array)
        if self._array.size:
            self.image_item.setLevels((-self._limit, self._limit))
        self._show_key()

    def _show_key(self) -> None:
        v = short_number(self._limit)
        self.low_label.setText(f"−{v}")
        self.high_label.setText(f"+{v}")
        why = ("a fixed range shared with the other matrices, so their colours compare"
               if self._fixed_limit else "the largest |entry| of this matrix")
        self.bar.setToolTip(f"Colours from −{v} ({NEGATIVE_NAME}) through 0 (white) to +{v} "
                            f"({POSITIVE_NAME}): ±{why}")

    def _show_shape(self) -> None:
        if not self._name:
            self.title.setText("<i>no matrix</i>")
            self.setAccessibleName("Matrix view")
            return
        followed = self.highlighted_column()
        column = (f"&nbsp;&nbsp;<span style='color:{self._accent}'>▮ column {followed + 1:,}</span>"
                  if followed is not None else "")
        self.title.setText(f"<b>{rich_name(self._name)}</b>&nbsp;&nbsp;{shape_text(self._array.shape)}{column}")
        self.setAccessibleName(f"Matrix {self._name} {shape_text(self._array.shape)}")

    def _follow_column(self) -> None:
        column = self.highlighted_column()
        self.model.set_highlighted(column)
        self._show_shape()
        for item in (self.outline_halo, self.outline):
            item.setVisible(column is not None)
        self._place_outline()
        if column is not None and self.stack.currentWidget() is self.table:
            self.table.scrollTo(self.model.index(0, column), QAbstractItemView.EnsureVisible)

    def _place_outline(self) -> None:
        column = self.highlighted_column()
        if column is None:
            return
        # Columns thinner than MIN_OUTLINE px (400 examples side by side) still get a frame one
        # can find from the back of the room: it is widened around the column's centre.
        (x0, x1), _ = self.view_box.viewRange()
        px_per_column = self.view_box.width() / max(x1 - x0, 1e-9)
        width = max(1.0, MIN_OUTLINE / px_per_column) if px_per_column > 0 else 1.0
        rect = QRectF(column + 1 - width / 2, 0.5, width, self._array.shape[0])
        self.outline_halo.setRect(rect)
        self.outline.setRect(rect)

    def _on_mouse_moved(self, scene_pos) -> None:
        n, m = self._array.shape
        point = self.view_box.mapSceneToView(scene_pos)
        row, col = int(round(point.y())), int(round(point.x()))
        inside = self.view_box.sceneBoundingRect().contains(scene_pos) and 1 <= row <= n and 1 <= col <= m
        self.hover.setText(f"{float(self._array[row - 1, col - 1])!r}   at row {row:,}, column {col:,}"
                           if inside else HOVER_PROMPT)
        self._show_hover(inside)

    def _on_mouse_clicked(self, event) -> None:
        """A plain click (not the end of a drag that pans) on a cell names its column."""
        if event.button() != Qt.LeftButton or event.double():
            return
        n, m = self._array.shape
        point = self.view_box.mapSceneToView(event.scenePos())
        row, col = int(round(point.y())), int(round(point.x()))
        if self.view_box.sceneBoundingRect().contains(event.scenePos()) and 1 <= row <= n and 1 <= col <= m:
            self.column_clicked.emit(col - 1)

    def _show_hover(self, hovering: bool) -> None:
        """The value under the mouse in place of the colour key, the key again once it leaves."""
        if self.footer.currentWidget() is not self.hint:   # the table has tooltips of its own
            self.footer.setCurrentWidget(self.hover if hovering else self.key)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Leave and watched is self.plot.viewport():
            self._show_hover(False)
        return super().eventFilter(watched, event)

    # --- look -------------------------------------------------------------------------------------
    def _style(self) -> None:
        pal = self.palette()
        dark = theme.is_dark(pal)
        text, mid, base = pal.color(QPalette.Text), pal.color(QPalette.Mid), pal.color(QPalette.Base)
        self.lut = diverging_lut(dark)
        self.image_item.setLookupTable(self.lut)
        self.plot.setBackground(base)
        for name in ("left", "top"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(mid))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(self.font())
        # Half a line under the map: the last row's number (at the bottom edge, with no axis
        # below) was cut in half.
        half = QFontMetrics(self.font()).height() // 2
        self.plot.getPlotItem().layout.setContentsMargins(0, 0, 2, half)
        halo, core = (QColor("#000000"), QColor("#ffffff")) if not dark else (QColor("#000000"), QColor("#ffe066"))
        for item, color, width in ((self.outline_halo, halo, 5.0), (self.outline, core, 2.0)):
            pen = QPen(color, width)
            pen.setCosmetic(True)   # the same thickness at every zoom
            pen.setJoinStyle(Qt.MiterJoin)
            item.setPen(pen)
        tint = QColor(pal.color(QPalette.Highlight))
        tint.setAlpha(HIGHLIGHT_ALPHA)
        self.model.tint = QBrush(tint)
        self._accent = pal.color(QPalette.Link).name()
        grid = QPen(base, 1)
        grid.setCosmetic(True)
        self.cell_grid.setPen(grid)
        self.bar.set_colours(self.lut, mid)
        self.title.setFont(_scaled(self.font(), 1.1))
        for button in (self.heatmap_button, self.numbers_button):
            button.setMinimumWidth(0)
            button.setMinimumWidth(button.sizeHint().width())   # the switch's words are never cut
        self._size_table()

    def _size_table(self) -> None:
        """Numbers at the zoom's size (never below MIN_TABLE_POINTS), in uniform cells."""
        font = _scaled(self.font(), TABLE_ZOOMS[self._table_zoom])
        font.setPointSizeF(max(font.pointSizeF(), MIN_TABLE_POINTS))
        for widget in (self.table, self.table.horizontalHeader(), self.table.verticalHeader()):
            widget.setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(QFontMetrics(font).height() + 8)
        self._number_width = 0
        self._fit_cells()

    def _fit_cells(self) -> None:
        """Columns as wide as the longest number (measured for small matrices), the row header
        as wide as n. Columns only grow while the shape stays: stepping never makes them jump."""
        self._cells_stale = False
        metrics = QFontMetrics(self.table.font())
        a = self._array
        longest = (max((short_number(x) for x in a.flat), key=len) if 0 < a.size <= MEASURED_ENTRIES
                   else WIDEST_NUMBER)
        needed = max(metrics.horizontalAdvance(longest), metrics.horizontalAdvance("-0.0000")) + 16
        if needed > self._number_width:
            self._number_width = needed
            self.table.horizontalHeader().setDefaultSectionSize(needed)
        rows = max(a.shape[0], 1)
        self.table.verticalHeader().setFixedWidth(metrics.horizontalAdvance(f"{rows:,}") + 16)

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "hint"):   # the first events arrive before the widgets exist
                self._style()
        super().changeEvent(event)


def _named(widget, accessible_name: str, tooltip: str):
    widget.setAccessibleName(accessible_name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def _tool_button(text: str, accessible_name: str, tooltip: str) -> QToolButton:
    button = _named(QToolButton(), accessible_name, tooltip)
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonTextOnly)
    button.setMinimumWidth(28)
    return button


def _scaled(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    return scaled


__all__ = ["MatrixView", "MatrixModel", "short_number", "rich_name", "diverging_lut", "symmetric_limit"]
