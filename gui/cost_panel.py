"""The cost panel: cost against iteration for every ticked run, and the accuracies in large type.

Each run gets its colour (gui.run_colors): train cost a solid line, test cost a dashed one. The
legend names only what differed between the runs shown ("lr 0.03" / "lr 0.3"), so a lecture hall
reads the comparison at a glance. Curves are created once per run and afterwards only get setData,
and a snapshot updates only its own run's curves.

The axes follow the runs in steps, not every frame: a new range makes pyqtgraph re-tick both axes
and repaint the whole plot (8 of a frame's 11 ms when it auto-ranged at 30 frames a second). The
x axis ends at the next 1-2-5 step past the last iteration (so it roughly doubles when a run passes
it), the y axis at the next fine step above the highest cost; neither moves while every point is
inside them. Zooming or panning stops the following; the "A" button (or the log toggle) resumes it.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.runs import comparison_title, differences
from . import theme
from .pacing import Pace
from .run_colors import LINE_WIDTH, TEST_LINE_WIDTH, clipped_positive, run_color, run_plot, style_plot

CURRENT_Z = 100  # the run in progress is drawn over the others
PAST_COLOR = "#c25e00"   # the timeline's moment in the past (as the presentation caption says it)
SIDE_MIN_WIDTH = 150
# The widest texts the side column must hold; its width follows them in the fonts in use, so a
# larger font (presentation mode) widens the column instead of clipping "100.0 %".
WIDEST_ACCURACY = "100.0 %"
WIDEST_LINE = "iteration 100,000"
X_STEPS = (1, 2, 5)                                       # × 10^k: the x axis's ends, each ≥ 2× the last
Y_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)           # × 10^k: at most 25 % headroom over the costs
LOG_STEP = 0.1          # decades: the log axis's ends move in tenths of a decade
MIN_X_END = 10          # iterations: the smallest x axis, for a run of a step or two
RANGE_PADDING = 0.02    # of each axis: the first and last points are not cut by the frame


def step_up(value: float, steps=Y_STEPS) -> float:
    """The smallest steps[i] × 10^k at or above value (value > 0)."""
    k = math.floor(math.log10(value))
    for decade in (k, k + 1):
        for s in steps:
            if s * 10.0 ** decade >= value * (1 - 1e-12):
                return s * 10.0 ** decade
    return 10.0 ** (k + 1)


def following_range(x_last: float, y_low: float, y_high: float, log: bool, x_end: float | None = None):
    """((x0, x1), (y0, y1)): the stepped range that holds points up to iteration x_last with values
    in [y_low, y_high] (log10 of the costs on a log axis). Deterministic, so the range changes
    only when a point leaves it. x_end, the iteration the run stops at, ends the x axis when the
    next step would pass it: a finished run fills the plot."""
    x1 = step_up(max(x_last, MIN_X_END), X_STEPS)
    if x_end is not None and x_last <= x_end < x1:
        x1 = float(x_end)
    x = (0.0, x1)
    if log:   # half a step of room at either end: a tick label at the edge is not drawn
        low = math.floor((y_low - LOG_STEP / 2) / LOG_STEP + 1e-9) * LOG_STEP
        high = math.ceil((y_high + LOG_STEP / 2) / LOG_STEP - 1e-9) * LOG_STEP
        return x, (low, high if high > low else low + LOG_STEP)
    low = 0.0 if y_low >= 0 else -step_up(-y_low)
    high = step_up(y_high) if y_high > 0 else 1.0
    return x, (low, high)


def contains(view, x_last: float, y_low: float, y_high: float) -> bool:
    (x0, x1), (y0, y1) = view
    return x_last <= x1 and y0 <= y_low and y_high <= y1


def latest_run(training):
    """The run in progress, else the newest one kept (what a reader means by "the run")."""
    if training.current is not None:
        return training.current
    return training.runs.runs[-1] if training.runs.runs else None


def percent(accuracy: float | None) -> str:
    return "—" if accuracy is None else f"{100 * accuracy:.1f} %"


def cache_axes(plot: pg.PlotWidget, on: bool = True) -> None:
    """Keep the axes (their labels, ticks and grid) as pixmaps between frames.

    With a grid, an axis spans the whole plot, so every new point of a curve repaints both axes:
    their tick labels are drawn again each frame (4 of the plot's 6 ms). Cached, they are drawn
    again only when the range, the font or the colours change."""
    mode = QGraphicsItem.DeviceCoordinateCache if on else QGraphicsItem.NoCache
    for name in ("left", "bottom"):
        plot.getAxis(name).setCacheMode(mode)


class RunCurves:
    """The two lines of one run: train cost solid, test cost dashed, in the run's colour."""

    def __init__(self, plot: pg.PlotWidget, number: int):
        self.number = number
        self.train = _curve_item(plot)
        self.test = _curve_item(plot)
        self.has_test = False
        self._points = (np.empty(0), np.empty(0))    # every point drawn, for the plot's range

    def recolor(self, dark: bool, scale: float = 1.0) -> None:
        color = run_color(self.number, dark)
        self.train.setPen(pg.mkPen(color, width=LINE_WIDTH * scale))
        self.test.setPen(pg.mkPen(color, width=TEST_LINE_WIDTH * scale, style=Qt.DashLine))

    def show(self, run) -> None:
        x, y = run.costs.iterations, clipped_positive(run.costs.costs)
        self.train.setData(x, y)
        self.has_test = len(run.test_costs) > 0
        if self.has_test:
            xt, yt = run.test_costs.iterations, clipped_positive(run.test_costs.costs)
            self.test.setData(xt, yt)
            x, y = np.concatenate([x, xt]), np.concatenate([y, yt])
        self._points = x, y

    def extent(self, log: bool):
        """(last iteration, lowest, highest cost) of the finite points drawn (log10 of the costs
        on a log axis), or None before the first point."""
        x, y = self._points
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y)
        finite = np.isfinite(y)
        if not finite.any():
            return None
        y = y[finite]
        return float(x[finite].max()), float(y.min()), float(y.max())

    def set_visible(self, visible: bool) -> None:
        self.train.setVisible(visible)
        self.test.setVisible(visible and self.has_test)

    def raise_to(self, z: float) -> None:
        self.train.setZValue(z + 1)  # the train line over its own test line
        self.test.setZValue(z)

    def remove_from(self, plot: pg.PlotWidget) -> None:
        plot.removeItem(self.train)
        plot.removeItem(self.test)


DOWNSAMPLE_PER_PIXEL = 1.0   # "peak" buckets per pixel column: its lowest and highest point each


def _curve_item(plot: pg.PlotWidget) -> pg.PlotDataItem:
    item = pg.PlotDataItem(antialias=True, connect="finite")
    plot.addItem(item)   # first: PlotItem.addItem resets the item's downsampling to the plot's
    # A long run draws two points per pixel column (its lowest and highest), spikes kept: the
    # stroke of a 3 px antialiased line costs by the point, and 4,000 points took 4 ms a frame.
    item.setDownsampling(auto=True, method="peak")
    item.opts["autoDownsampleFactor"] = DOWNSAMPLE_PER_PIXEL   # pyqtgraph's default draws 5 a pixel
    item.setClipToView(True)
    return item


class Readout(QWidget):
    """The run's name, train and test accuracy in large type, its cost and iteration."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Accuracies")
        self.run_name = QLabel()
        self.run_name.setAccessibleName("Run shown")
        self.run_name.setToolTip("The run in progress, or the last run when none is")
        self.train_caption, self.train_accuracy = self._value("Train accuracy",
                                 "Share of the training examples the network classifies correctly")
        self.test_caption, self.test_accuracy = self._value("Test accuracy",
                                "Share of the held-out test examples classified correctly; "
                                "— when the data set has no test set")
        self.cost = QLabel()
        self.cost.setAccessibleName("Current cost")
        self.cost.setToolTip("Cost J of the last recorded iteration (training set)")
        self.iteration = QLabel()
        self.iteration.setAccessibleName("Iteration")
        self.iteration.setToolTip("Iterations done in this run")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.run_name)
        layout.addSpacing(6)
        for caption, value in ((self.train_caption, self.train_accuracy),
                               (self.test_caption, self.test_accuracy)):
            layout.addWidget(caption)
            layout.addWidget(value)
            layout.addSpacing(4)
        layout.addSpacing(2)
        layout.addWidget(self.cost)
        layout.addWidget(self.iteration)
        self.restyle()

    def _value(self, caption_text: str, tip: str) -> tuple[QLabel, QLabel]:
        caption, value = QLabel(caption_text), QLabel("—")
        caption.setForegroundRole(QPalette.PlaceholderText)  # quieter than the number under it
        for label in (caption, value):
            label.setToolTip(tip)
        value.setAccessibleName(caption_text)
        value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        return caption, value

    def restyle(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 2.1)  # read from the back of the room
        big.setBold(True)
        for value in (self.train_accuracy, self.test_accuracy):
            value.setFont(big)
        medium = QFont(self.font())
        medium.setPointSizeF(self.font().pointSizeF() * 1.15)
        for label in (self.cost, self.iteration):
            label.setFont(medium)
        bold = QFont(self.font())
        bold.setBold(True)
        self.run_name.setFont(bold)

    def show_run(self, run, dark: bool) -> None:
        if run is None:
            self.run_name.setText("No run yet")
            self.train_accuracy.setText("—")
            self.test_accuracy.setText("—")
            self.cost.setText("cost —")
            self.iteration.setText("iteration 0")
            return
        color = run_color(run.number, dark)
        self.run_name.setText(f'<span style="color:{color.name()}">■</span> {run.name}')
        self.train_accuracy.setText(percent(run.train_accuracy))
        self.test_accuracy.setText(percent(run.test_accuracy))
        last = run.costs.last()
        self.cost.setText("cost —" if last is None else f"cost {last[1]:.4f}")
        self.iteration.setText(f"iteration {run.iterations:,}")

    def pin(self, width: int) -> None:
        """The numbers' labels at a fixed size (the side column's width, one line of their font):
        a new number then repaints its label only, where a label free to resize relaid out the
        panel, its dock and the window's other docks (Qt passes the request up to a fixed size)."""
        for label in (self.train_accuracy, self.test_accuracy, self.cost, self.iteration):
            label.setFixedSize(width, label.fontMetrics().height() + 2 * label.margin())

    def needed_width(self) -> int:
        """The width that shows the largest accuracy and the longest line unclipped."""
        return max(self.train_accuracy.fontMetrics().horizontalAdvance(WIDEST_ACCURACY),
                   self.iteration.fontMetrics().horizontalAdvance(WIDEST_LINE),
                   self.test_caption.fontMetrics().horizontalAdvance(self.test_caption.text())) + 8


class CostPanel(QWidget):
    """Cost curves of the ticked runs, a legend of what differed, accuracies beside them."""

    def __init__(self, training, parent=None):
        super().__init__(parent)
        self.training = training
        self.setAccessibleName("Cost panel")
        self.curves: dict[int, RunCurves] = {}   # run number → its lines
        self.line_scale = 1.0                     # lines ×, e.g. for a projector (presentation mode)

        self.heading = QLabel()
        self.heading.setAccessibleName("Runs compared")
        self.heading.setToolTip("What differs between the runs drawn (set in the runs list)")
        self.heading.setWordWrap(True)

        self.plot = run_plot("Cost plot", "Cost J against iteration: solid lines train, dashed lines test")
        self.legend = self.plot.getPlotItem().legend
        self.following = True        # the range follows the runs (in steps) until the user zooms
        box = self.plot.getViewBox()
        box.disableAutoRange()       # never re-ranged by pyqtgraph each frame: see the module's note
        box.sigRangeChangedManually.connect(self._stop_following)
        item = self.plot.getPlotItem()
        item.autoBtn.clicked.disconnect(item.autoBtnClicked)
        item.autoBtn.clicked.connect(self.follow)
        item.updateButtons = self._update_auto_button   # "A" shows while not following, as before
        cache_axes(self.plot)
        self._test_sample = pg.PlotDataItem()   # the legend's "dashed = test" key, never plotted

        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setAccessibleName("Log scale cost axis")
        self.log_scale.setToolTip("Cost on a logarithmic axis: late, small improvements stay visible")
        self.log_scale.toggled.connect(self._set_log)

        # The moment the timeline shows, when it is not the present: where the past sits on the curve.
        self.moment_line = pg.InfiniteLine(angle=90, movable=False)
        self.moment_line.setZValue(CURRENT_Z + 10)
        self.moment_line.setVisible(False)
        self.plot.addItem(self.moment_line, ignoreBounds=True)

        self.readout = Readout()
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.readout)
        side.addStretch(1)
        side.addWidget(self.log_scale)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
        self.side = side_widget

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.plot, 1)
        row.addWidget(side_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addLayout(row, 1)

        self._readout_pace = Pace(lambda: self.readout.show_run(latest_run(self.training), self._dark()),
                                  parent=self, training=training)
        training.runs_changed.connect(self.sync)
        training.run_started.connect(lambda run: self.sync())
        training.run_updated.connect(self.update_run)
        training.run_finished.connect(lambda run: self.sync())
        training.timeline_changed.connect(self._show_moment)
        training.was_reset.connect(self._show_moment)
        self._style()
        self.sync()

    # --- reacting to the training -------------------------------------------------------------
    def sync(self) -> None:
        """Match the curves to the run book: new runs get lines, removed ones lose them."""
        runs = {run.number: run for run in self.training.runs.runs}
        for number in [n for n in self.curves if n not in runs]:
            self.curves.pop(number).remove_from(self.plot)
        dark = self._dark()
        current = self.training.current
        for number, run in runs.items():
            curves = self.curves.get(number)
            if curves is None:
                curves = self.curves[number] = RunCurves(self.plot, number)
                curves.recolor(dark, self.line_scale)
                curves.show(run)
            curves.raise_to(CURRENT_Z if run is current else 0)
            curves.set_visible(run.visible)
        self._relabel()
        self.readout.show_run(latest_run(self.training), dark)
        if self.following:
            self.fit()

    def update_run(self, run) -> None:
        """New points of one run: only its own lines change (called at up to ~30 per second)."""
        curves = self.curves.get(run.number)
        if curves is None:
            self.sync()
            return
        had_test = curves.has_test
        curves.show(run)
        if curves.has_test != had_test:  # its first test point: the dashed line joins the legend
            curves.set_visible(run.visible)
            self._relabel()
        if self.following and run.visible:
            extent = curves.extent(self.log_scale.isChecked())
            if extent is not None and not contains(self.plot.getViewBox().viewRange(), *extent):
                self.fit()          # a point left the range: the next step (rare, not every frame)
        if run is latest_run(self.training):
            # The numbers beside the curve change at most 10 times a second while training runs.
            self._readout_pace.ask()

    def _show_moment(self) -> None:
        viewing = self.training.viewing
        self.moment_line.setVisible(viewing is not None)
        if viewing is not None:
            self.moment_line.setPos(viewing)
            self.moment_line.setToolTip(f"The network, boundary and neuron maps show iteration {viewing:,}")

    # --- the range ------------------------------------------------------------------------------
    def follow(self) -> None:
        """Follow the runs again (the "A" button): every point of every ticked run in view."""
        self.following = True
        self.plot.getPlotItem().autoBtn.hide()
        self.fit()

    def fit(self) -> None:
        """The stepped range over every point of the ticked runs (see following_range)."""
        log = self.log_scale.isChecked()
        extents = [c.extent(log) for n, c in self.curves.items() if self._shown(n)]
        extents = [e for e in extents if e is not None]
        if not extents:
            return
        x_last = max(e[0] for e in extents)
        low, high = min(e[1] for e in extents), max(e[2] for e in extents)
        x, y = following_range(x_last, low, high, log, x_end=self.training.session.hyper.iterations)
        box = self.plot.getViewBox()
        box.setRange(xRange=x, yRange=y, padding=RANGE_PADDING)

    def _shown(self, number: int) -> bool:
        run = self.training.runs.get(number)
        return run is not None and run.visible

    def _stop_following(self, *_) -> None:
        self.following = False          # the user's zoom or pan stays until "A" is clicked

    def _update_auto_button(self) -> None:
        try:
            item = self.plot.getPlotItem()
            if item.autoBtn is not None:
                item.autoBtn.setVisible(item._exportOpts is False and item.mouseHovering
                                        and not item.buttonsHidden and not self.following)
        except RuntimeError:
            pass    # the plot is being deleted (as pyqtgraph's own updateButtons allows)

    # --- legend and heading ---------------------------------------------------------------------
    def _relabel(self) -> None:
        shown = self.training.runs.visible()
        self.legend.clear()
        labels = differences(shown)
        any_test = any(self.curves[r.number].has_test for r in shown if r.number in self.curves)
        if len(shown) == 1:
            curves = self.curves.get(shown[0].number)
            if curves is not None:
                self.legend.addItem(curves.train, "train")
                if curves.has_test:
                    self.legend.addItem(curves.test, "test")
        else:
            for run in shown:
                if run.number in self.curves:
                    self.legend.addItem(self.curves[run.number].train, labels[run.number])
            if any_test:  # one key for every dashed line, rather than a second entry per run
                self.legend.addItem(self._test_sample, "dashed: test")
        self.legend.setColumnCount(2 if len(self.legend.items) > 5 else 1)
        self.legend.setVisible(bool(shown))
        self.heading.setText(self._heading(shown))

    def _heading(self, shown) -> str:
        if not self.training.runs.runs:
            return "Press Play: the cost of every iteration is drawn here"
        if not shown:
            return "No run ticked: tick runs in the runs list to draw them"
        if len(shown) == 1:
            return shown[0].summary()
        return comparison_title(shown)

    # --- look -------------------------------------------------------------------------------------
    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self.plot.getViewBox().disableAutoRange()   # setLogMode turns pyqtgraph's on
        self.follow()  # the old range means nothing on the other scale

    def _dark(self) -> bool:
        return theme.is_dark(self.palette())

    def _style(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette, self.font(), "iteration", "cost")
        dark = self._dark()
        for curves in self.curves.values():
            curves.recolor(dark, self.line_scale)
        grey = palette.color(QPalette.PlaceholderText)
        self._test_sample.setPen(pg.mkPen(grey, width=TEST_LINE_WIDTH * self.line_scale, style=Qt.DashLine))
        past = pg.mkPen(PAST_COLOR, width=2 * self.line_scale, style=Qt.DotLine)
        self.moment_line.setPen(past)
        heading = QFont(self.font())
        heading.setBold(True)
        self.heading.setFont(heading)
        self.readout.restyle()
        self.readout.show_run(latest_run(self.training), dark)
        self.side.setFixedWidth(max(SIDE_MIN_WIDTH, self.readout.needed_width(),
                                    self.log_scale.sizeHint().width()))
        self.readout.pin(self.side.width())

    def set_line_scale(self, k: float) -> None:
        """Cost lines × k (presentation mode: a projector needs them thicker)."""
        if k != self.line_scale:
            self.line_scale = k
            self._style()

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "readout"):  # the first events arrive before the widgets exist
                self._style()
        super().changeEvent(event)

    def render(self, *args, **kwargs):
        """Exports (gui.exports) paint the axes afresh: an SVG keeps their text as text, not as
        the cached pixmaps, and a PNG at slide resolution gets sharp labels."""
        cache_axes(self.plot, False)
        try:
            return super().render(*args, **kwargs)
        finally:
            cache_axes(self.plot, True)


__all__ = ["CostPanel", "RunCurves", "Readout", "cache_axes", "following_range", "latest_run", "percent"]
