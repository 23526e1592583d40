"""The data panel: choose or open a data set, tune the generator, and see (or click in) the examples.

Every change goes through the controller as an undoable command; the panel redraws only when the
controller says the data changed, so undo, redo, presets and clicks all look the same here.
2-D points are drawn as a scatter plot (train filled, test hollow, the course's red and blue);
image data sets as a grid of thumbnails.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QFileDialog, QGridLayout,
                               QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpinBox,
                               QStackedWidget, QStyle, QVBoxLayout, QWidget)

from core.generators import DEFAULTS, GENERATORS, MAX_NOISE, MAX_SAMPLES, MIN_SAMPLES
from core.session import DataSettings

from . import theme
from .controller import SessionController
from .thumbnail_grid import ThumbnailGrid

GENERATOR_LABELS = {
    "flower": "Flower (course, week 3)",
    "circles": "Circles",
    "moons": "Moons",
    "blobs": "Blobs",
    "quantiles": "Gaussian quantiles",
    "xor": "XOR",
    "spiral": "Spiral",
    "gaussians": "Two gaussians",
}
POINT_SIZE = 10          # px: readable on a projector
PICK_RADIUS = 12         # px: how near a right click must be to remove a point
MAX_GUI_SAMPLES = min(MAX_SAMPLES, 100_000)   # beyond this the scatter plot stops being live
FILE_FILTERS = "Data sets (*.h5 *.hdf5 *.csv *.txt);;All files (*)"


# ---------------------------------------------------------------------------------------------
# Opening files


def companion_test_file(path) -> Path | None:
    """The course's test file beside a training file (train_X.h5 → test_X.h5), if it exists."""
    path = Path(path)
    if not re.search("train", path.name, re.IGNORECASE):
        return None
    swap = {"train": "test", "Train": "Test", "TRAIN": "TEST"}
    name = re.sub("train", lambda m: swap.get(m.group(0), "test"), path.name, flags=re.IGNORECASE)
    candidate = path.with_name(name)
    return candidate if candidate.is_file() else None


def open_data_path(controller: SessionController, path) -> bool:
    """Load a data file (with its test file when one sits beside it) as an undoable change.

    False, with the controller's `error` emitted and the data unchanged, if it cannot be used.
    """
    path = Path(path)
    test = companion_test_file(path)
    settings = DataSettings(source=str(path), test_path=None if test is None else str(test))
    return controller.set_data_settings(settings, text=f"Open {path.name}")


def open_data_file(parent, controller: SessionController) -> bool:
    """Ask for a data file and load it; False if cancelled or the file cannot be used."""
    current = Path(controller.session.data_settings.source)
    start = str(current.parent) if current.is_file() else str(Path.cwd())
    path, _ = QFileDialog.getOpenFileName(parent, "Open data set", start, FILE_FILTERS)
    return bool(path) and open_data_path(controller, path)


# ---------------------------------------------------------------------------------------------
# Small helpers


def source_kind(source: str) -> str:
    """"generator", "custom" or "file": what DataSettings.source names."""
    if source in GENERATORS:
        return "generator"
    return "custom" if source == "custom" else "file"


@contextmanager
def signals_blocked(*widgets):
    """Update widgets from the session without their signals calling back into it."""
    previous = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, previous):
            w.blockSignals(was)


def dot_icon(color: str, size: int = 14) -> QIcon:
    """A dot of the class colour; white when the button is checked (on its class colour)."""
    icon = QIcon()
    for fill, state in ((color, QIcon.Off), ("white", QIcon.On)):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawEllipse(1, 1, size - 2, size - 2)
        painter.end()
        icon.addPixmap(pixmap, QIcon.Normal, state)
    return icon


def _is_point_edit(old, new) -> bool:
    """Whether new is old with one point added or removed (or the undo of that): the view keeps
    its zoom then, so a teacher can click point after point in a zoomed-in region."""
    if old is None or old.n_x != 2 or new.n_x != 2 or "custom" not in (old.name, new.name):
        return False
    return abs((old.m + old.m_test) - (new.m + new.m_test)) == 1


def _accessible(widget, name: str, tip: str):
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


# ---------------------------------------------------------------------------------------------
# The panel


class DataPanel(QWidget):
    """Data set chooser, generator settings, summary, and the examples drawn (points or images)."""

    def __init__(self, controller: SessionController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._shown = None               # the DataSet drawn last, to tell new data from an edit
        self._build_settings()
        self._build_summary()
        self._build_pages()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(self._settings_layout)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        self._style_plot()
        controller.data_changed.connect(self.refresh)
        self.refresh()

    # --- building ---------------------------------------------------------------------------------
    def _build_settings(self) -> None:
        self.combo = _accessible(QComboBox(), "Data set",
                                 "The data set to learn from: a built-in generator, or a file "
                                 "opened with File ▸ Open data set")
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        for name, make in GENERATORS.items():
            self.combo.addItem(GENERATOR_LABELS.get(name, name.capitalize()), name)
            tip = (make.__doc__ or "").strip().splitlines()[0] if make.__doc__ else name
            self.combo.setItemData(self.combo.count() - 1, tip, Qt.ToolTipRole)
        self.combo.currentIndexChanged.connect(self._on_generator_chosen)

        self.regenerate = _accessible(QPushButton("Regenerate"), "Regenerate",
                                      "Draw the data again with the next data seed")
        self.regenerate.setIcon(self.style().standardIcon(QStyle.SP_BrowserReload))
        self.regenerate.clicked.connect(self._on_regenerate)

        self.samples = self._spin(QSpinBox(), "Samples",
                                  "m: how many examples to draw (training and test together)")
        self.samples.setRange(MIN_SAMPLES, MAX_GUI_SAMPLES)
        self.samples.setSingleStep(50)
        self.noise = self._spin(QDoubleSpinBox(), "Noise",
                                "How far the points are scattered from the ideal shape "
                                "(standard deviation of the gaussian noise)")
        self.noise.setRange(0.0, MAX_NOISE)
        self.noise.setDecimals(2)
        self.noise.setSingleStep(0.05)
        self.seed = self._spin(QSpinBox(), "Data seed",
                               "The random seed of the draw: the same settings and seed always "
                               "give the same points")
        self.seed.setRange(0, 2**31 - 1)
        self.test_fraction = self._spin(QDoubleSpinBox(), "Test fraction",
                                        "Part of the examples held out as a test set, drawn "
                                        "hollow; 0 trains on every example")
        self.test_fraction.setRange(0.0, 0.9)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setSingleStep(0.05)
        for spin in (self.samples, self.noise, self.seed, self.test_fraction):
            spin.valueChanged.connect(lambda _value, spin=spin: self._on_setting_changed(spin))

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        top.addWidget(self.regenerate)
        grid.addLayout(top, 0, 0, 1, 4)
        self._labels = {}
        for i, spin in enumerate((self.samples, self.noise, self.test_fraction, self.seed)):
            row, col = 1 + i // 2, 2 * (i % 2)
            label = self._labels[spin] = QLabel(spin.accessibleName())
            label.setBuddy(spin)
            grid.addWidget(label, row, col)
            grid.addWidget(spin, row, col + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self._settings_layout = grid

    def _spin(self, spin, name: str, tip: str):
        # Apply on Enter, focus loss or an arrow step, not on every keystroke: each apply is an
        # undo step and a new data set.
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setMinimumWidth(72)   # below its size hint ("100000" still fits): a narrower Data dock
        return _accessible(spin, name, tip)

    def _build_summary(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Data summary")
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)

    def _build_pages(self) -> None:
        self.stack = QStackedWidget()
        self.scatter_page = self._build_scatter_page()
        self.stack.addWidget(self.scatter_page)
        self.thumbnails = ThumbnailGrid()
        self.stack.addWidget(self.thumbnails)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setAccessibleName("Data description")
        self.stack.addWidget(self.message)

    def _build_scatter_page(self) -> QWidget:
        page = QWidget()
        self.class_group = QButtonGroup(page)
        self.class_group.setExclusive(True)
        chooser = QHBoxLayout()
        chooser.setSpacing(6)
        adds = QLabel("Click adds:")
        chooser.addWidget(adds)
        self.class_buttons = []
        for label in (0, 1):
            button = _accessible(QPushButton(), f"Class {label} for new points",
                                 f"Left clicks on the plot add points of class y = {label}")
            button.setCheckable(True)
            button.setIcon(dot_icon(theme.CLASS_COLORS[label]))
            button.setIconSize(QSize(14, 14))
            button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            color = QColor(theme.CLASS_COLORS[label])
            button.setStyleSheet(
                "QPushButton { padding: 5px 8px; border-radius: 5px; border: 1px solid palette(mid);"
                " background: palette(button); color: palette(button-text); }"
                f" QPushButton:checked {{ background: {color.name()}; color: white;"
                f" border: 1px solid {color.darker(130).name()}; }}")
            self.class_group.addButton(button, label)
            self.class_buttons.append(button)
            chooser.addWidget(button, 1)
        self.class_buttons[1].setChecked(True)

        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Data plot")
        self.plot.setToolTip("Left click: add a point of the chosen class · "
                             "right click: remove the nearest point · drag: pan · wheel: zoom")
        # Small enough that a laptop's left column (1366×768) holds this panel and the boundary's
        # without scrolling, which cut the x axis off; a larger screen gives it more.
        self.plot.setMinimumHeight(130)
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)      # right click removes points instead
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.getViewBox().disableAutoRange()   # framed on new data only, not on each click
        # pyqtgraph's "A" button (after a zoom) frames all the data again; it comes with no words.
        self.plot.getPlotItem().autoBtn.setToolTip("Show all the data again (after a zoom or a pan)")
        self._items = {(test, label): self._scatter_item(test, label)
                       for test in (False, True) for label in (0, 1)}
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)

        self.legend = QLabel("● filled: training · ○ hollow: test\n"
                             "Left click adds a point · right click removes one")
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("Plot legend")
        self.legend.setToolTip("Test points are not used for training; they measure how well "
                               "the network generalises")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(chooser)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        return page

    def _scatter_item(self, test: bool, label: int) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=POINT_SIZE, pxMode=True)
        item.setZValue(1 if test else 0)      # hollow test points on top, so they are not hidden
        self.plot.addItem(item)
        return item

    # --- look ------------------------------------------------------------------------------------
    def _style_plot(self) -> None:
        """Plot colours from the palette: white background when light, dark when dark."""
        palette = self.palette()
        base, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
        self.plot.setBackground(base)
        for name, title in (("bottom", "x1"), ("left", "x2")):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(palette.color(QPalette.Mid)))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(self.font())
            axis.setLabel(title, color=text.name(), **{"font-size": f"{self.font().pointSize()}pt"})
        for (test, label), item in self._items.items():
            color = theme.class_color(label)
            if test:
                item.setPen(pg.mkPen(color, width=2.2))
                item.setBrush(pg.mkBrush(base.red(), base.green(), base.blue(), 140))
            else:
                item.setPen(pg.mkPen(base, width=1))   # a rim separates crowded points
                item.setBrush(pg.mkBrush(color))
        self.legend.setStyleSheet(f"color: {palette.color(QPalette.PlaceholderText).name()}")

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange,
                            QEvent.FontChange):
            self._style_plot()
        super().changeEvent(event)

    # --- reading the session -------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the controller's data and settings (on data_changed, and after a refused edit)."""
        data = self.controller.data
        frame = data is not self._shown and not _is_point_edit(self._shown, data)
        self._show_settings()
        self._show_summary()
        self._show_examples(frame=frame)
        self._shown = data

    def _show_settings(self) -> None:
        settings = self.controller.session.data_settings
        data = self.controller.data
        kind = source_kind(settings.source)
        spins = (self.samples, self.noise, self.seed, self.test_fraction)
        with signals_blocked(self.combo, *spins):
            self._set_extra_entry(kind, settings)
            if kind == "generator":
                self.combo.setCurrentIndex(self.combo.findData(settings.source))
                defaults = DEFAULTS[settings.source]
                self.samples.setValue(defaults["samples"] if settings.samples is None
                                      else settings.samples)
                self.noise.setValue(defaults["noise"] if settings.noise is None else settings.noise)
                self.seed.setValue(defaults["seed"] if settings.seed is None else settings.seed)
            self.test_fraction.setValue(settings.test_fraction)
        # Generator settings mean nothing for a file or clicked points: hidden, not left showing
        # stale numbers.
        for spin in (self.samples, self.noise, self.seed):
            spin.setVisible(kind == "generator")
            self._labels[spin].setVisible(kind == "generator")
        self.regenerate.setEnabled(kind == "generator")
        own_test_set = settings.test_path is not None or (
            data.X_test is not None and not settings.test_fraction)
        self.test_fraction.setEnabled(kind != "custom" and not own_test_set)

    def _set_extra_entry(self, kind: str, settings: DataSettings) -> None:
        """The last combo entry names the data when it is not a generator: a file or clicks."""
        extra = len(GENERATORS)
        if self.combo.count() > extra:
            self.combo.removeItem(extra)
        if kind == "generator":
            return
        if kind == "file":
            text, tip = f"File: {Path(settings.source).name}", settings.source
            if settings.test_path:
                tip += f"\ntest set: {settings.test_path}"
        else:
            text, tip = "Custom points", "Points added or removed by clicking on the plot"
        self.combo.addItem(text)
        self.combo.setItemData(extra, tip, Qt.ToolTipRole)
        item = self.combo.model().item(extra)
        item.setFlags(item.flags() & ~(Qt.ItemIsSelectable | Qt.ItemIsEnabled))
        self.combo.setCurrentIndex(extra)

    def _show_summary(self) -> None:
        data = self.controller.data
        positives = int(data.Y.sum())
        self.summary.setText(f"m = {data.m} train · {data.m_test} test · n[0] = {data.n_x} · "
                             f"{positives} positives")
        kind = (f"each example is a {'×'.join(map(str, data.image_shape))} image"
                if data.image_shape else f"each example has {data.n_x} features")
        self.summary.setToolTip(f"X is ({data.n_x}, {data.m}) and Y is (1, {data.m}); {kind}. "
                                f"{positives} training examples have y = 1 "
                                f"({data.class_names[1]}).")
        names = self._class_labels()
        for button, name in zip(self.class_buttons, names):
            button.setText(name)

    def _class_labels(self) -> tuple[str, str]:
        names = self.controller.data.class_names
        if tuple(names) == ("0", "1"):
            return theme.CLASS_NAMES_DEFAULT
        return f"{names[0]} (y = 0)", f"{names[1]} (y = 1)"

    def _show_examples(self, frame: bool) -> None:
        data = self.controller.data
        if data.image_shape is not None:
            self.thumbnails.set_data(data)
            self.stack.setCurrentWidget(self.thumbnails)
            self._draw_points(None)
        elif data.n_x == 2:
            self.thumbnails.set_data(None)
            self._draw_points(data)
            self.stack.setCurrentWidget(self.scatter_page)
            if frame:
                self.plot.getViewBox().autoRange(padding=0.06)
        else:
            self.thumbnails.set_data(None)
            self._draw_points(None)
            self.message.setText(f"Each example has n[0] = {data.n_x} features.\n\n"
                                 f"DeepStep draws 2-D points and images; this data can still "
                                 f"be trained on.")
            self.stack.setCurrentWidget(self.message)

    def _draw_points(self, data) -> None:
        parts = {False: (None, None), True: (None, None)}
        if data is not None:
            parts = {False: (data.X, data.Y), True: (data.X_test, data.Y_test)}
        for (test, label), item in self._items.items():
            X, Y = parts[test]
            if X is None:
                item.setData(x=[], y=[])
                continue
            mask = Y[0] == label
            item.setData(x=X[0, mask], y=X[1, mask])

    # --- acting on the session --------------------------------------------------------------------
    def _on_generator_chosen(self, index: int) -> None:
        name = self.combo.itemData(index)
        if name is None:
            return
        settings = DataSettings(source=name, test_fraction=self.test_fraction.value())
        self._apply(settings, f"Data set: {GENERATOR_LABELS.get(name, name)}")

    def _on_setting_changed(self, spin) -> None:
        settings = self.controller.session.data_settings
        if source_kind(settings.source) == "generator":
            settings = DataSettings(source=settings.source, samples=self.samples.value(),
                                    noise=round(self.noise.value(), 6), seed=self.seed.value(),
                                    test_fraction=round(self.test_fraction.value(), 6),
                                    test_path=settings.test_path)
        else:       # a file without its own test set: only the test fraction applies
            settings = replace(settings, test_fraction=round(self.test_fraction.value(), 6))
        self._apply(settings, f"{spin.accessibleName()}: {spin.text()}")

    def _on_regenerate(self) -> None:
        self.seed.setValue(self.seed.value() + 1 if self.seed.value() < self.seed.maximum() else 0)

    def _apply(self, settings: DataSettings, text: str) -> None:
        if not self.controller.set_data_settings(settings, text=text):
            self.refresh()      # refused: the controls go back to what the session holds

    def chosen_class(self) -> int:
        """The class (0 or 1) a left click adds."""
        return max(0, self.class_group.checkedId())

    def set_chosen_class(self, label: int) -> None:
        self.class_buttons[1 if label else 0].setChecked(True)

    def _on_plot_clicked(self, event) -> None:
        view = self.plot.getViewBox()
        if event.double() or not view.sceneBoundingRect().contains(event.scenePos()):
            return
        data = self.controller.data
        if data.n_x != 2 or data.image_shape is not None:
            return
        point = view.mapSceneToView(event.scenePos())
        if event.button() == Qt.LeftButton:
            event.accept()
            self.controller.add_point(float(point.x()), float(point.y()), self.chosen_class())
        elif event.button() == Qt.RightButton:
            event.accept()
            nearest = self.nearest_point(point.x(), point.y())
            if nearest is not None:
                self.controller.remove_point(*nearest)

    def nearest_point(self, x: float, y: float) -> tuple[int, bool] | None:
        """(index, test) of the example nearest (x, y) within PICK_RADIUS screen pixels."""
        px, py = self.plot.getViewBox().viewPixelSize()     # data units per screen pixel
        best = None
        data = self.controller.data
        for test, X in ((False, data.X), (True, data.X_test)):
            if X is None or X.shape[1] == 0:
                continue
            distance = np.hypot((X[0] - x) / px, (X[1] - y) / py)
            i = int(np.argmin(distance))
            if distance[i] <= PICK_RADIUS and (best is None or distance[i] < best[0]):
                best = (distance[i], i, test)
        return None if best is None else (best[1], best[2])

    def plotted_counts(self) -> tuple[int, int]:
        """(training, test) points in the scatter plot."""
        def count(test):
            return sum(len(self._items[test, label].data) for label in (0, 1))
        return count(False), count(True)
