"""Gradient check: is backprop right? core.gradcheck against centred differences, off the GUI thread.

One bar per tensor (dW[1], db[1], ...) on a log axis of the relative difference, a line at the
course's threshold 10⁻⁷, green bars left of it, red ones right of it, and a table with one row
per layer: its dW[l] and db[l] differences and the layer's verdict (both under the threshold).
The chart is as tall as its bars need, whatever the number of layers, so labels never overlap. The check runs on a worker thread (a Python thread: it holds no Qt object, so nothing can
be destroyed under it) and hands its outcome back by a queued signal; closing the panel waits
for it. An edit of the network makes the results stale: they stay on screen, greyed, until the
next check.
"""
from __future__ import annotations

import math
import threading
import time
from typing import NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QTextDocumentFragment
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QBoxLayout, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from core.errors import DeepStepError
from core.gradcheck import EPSILON, THRESHOLD, TensorCheck, by_layer, gradient_check
from core.network import parameter_count
from . import theme

BATCH_SIZES = range(1, 17)         # "first k examples"; ALL_EXAMPLES for every training example
DEFAULT_BATCH = 4
ALL_EXAMPLES = 0
AUTO, ALL_ENTRIES = "auto", None
SAMPLED_ENTRIES = (30, 100, 300)
AUTO_SAMPLE = 30                   # entries per tensor when "auto" samples: the cat net in seconds
AUTO_ALL_PARAMETERS = 2_000        # "auto" perturbs every entry of networks up to this size
PASS_COLORS = {False: "#2e9e4f", True: "#43c06a"}   # (light, dark): green, readable on each Base
FAIL_COLORS = {False: "#d1352b", True: "#f0645a"}
MAX_SECONDS = 20                   # longer checks are refused: they cannot be cancelled
FORWARD_OVERHEAD, FLOPS = 5e-5, 3e10
STALE_ALPHA = 70                   # results of an edited network: faded to this opacity (of 255)
SIDE_BY_SIDE_WIDTH = 640           # px: from here on, chart and table share the height
TABLE_ROWS = 5                     # layers shown before the table scrolls
BAR_PITCH = 1.05                   # a bar's row, in lines of the tick font: labels never touch
LAYER_GAP = 0.35                   # extra space between layers' pairs of bars (in bar rows)
ROUNDING_HINT = ("Tiny gradients (a deep network with small initial weights, a db near 0, many examples) "
                 "can fail from rounding alone: J(θ ± ε) then differ only in their last digits. "
                 "A ReLU whose Z lies within ε of 0 fails too: θ ± ε straddles its kink.")


class Outcome(NamedTuple):
    """What the worker hands back: the checks or an error, for the network of `generation`."""
    results: list | None
    error: str | None
    seconds: float
    generation: int
    examples: int


def display_name(name: str) -> str:
    """"dW12" → "dW[12]", the course's bracketed layer."""
    kind = name.rstrip("0123456789")
    return f"{kind}[{name[len(kind):]}]"


def superscript_power(exponent: int) -> str:
    if exponent == 0:
        return "1"
    return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def rule_text() -> str:
    """The course's rule, with core.gradcheck's own ε and threshold."""
    eps, threshold = (superscript_power(round(math.log10(v))) for v in (EPSILON, THRESHOLD))
    return ("<b>difference = ‖grad − approx‖ / (‖grad‖ + ‖approx‖)</b>, approx = "
            f"(J(θ + ε) − J(θ − ε)) / 2ε, ε = {eps}. "
            f"Under {threshold}: right · near 10⁻⁵: take a look · over 10⁻³: wrong.")


def entries_limit(choice, network) -> int | None:
    """max_entries for gradient_check: None (every entry) or a sample size per tensor."""
    if choice == AUTO:
        return ALL_ENTRIES if parameter_count(network.layer_sizes) <= AUTO_ALL_PARAMETERS else AUTO_SAMPLE
    return choice


def estimated_seconds(network, examples: int, max_entries: int | None) -> float:
    """Roughly how long gradient_check takes: two forward passes per entry checked, each a
    fixed Python cost plus about 2·(parameters)·m flops at ~30 GFLOP/s (measured: 0.7 s for
    the cat network, 30 entries per tensor, 209 examples)."""
    sizes = [W.size for W in network.parameters.values()]
    entries = sum(n if max_entries is None else min(n, max_entries) for n in sizes)
    return 2 * entries * (FORWARD_OVERHEAD + 2 * sum(sizes) * examples / FLOPS)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.0f} h"


class DecadeAxis(pg.AxisItem):
    """A log10 axis labelled 10⁻¹², 10⁻⁹, …: decades anchored on the threshold, none overlapping."""

    def tickValues(self, minVal, maxVal, size):
        lo, hi = math.ceil(minVal), math.floor(maxVal)
        if hi < lo or size <= 0:
            return []
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        gap = metrics.horizontalAdvance("10⁻¹⁶") + 16
        per_decade = size / max(maxVal - minVal, 1e-9)
        step = next(s for s in (1, 2, 3, 4, 5, 10) if s * per_decade >= gap or s == 10)
        anchor = round(math.log10(THRESHOLD))
        labelled = [d for d in range(lo, hi + 1) if (d - anchor) % step == 0]
        return [(step, labelled), (1, [d for d in range(lo, hi + 1) if d not in labelled])]

    def tickStrings(self, values, scale, spacing):
        return [superscript_power(round(v)) for v in values]


class GradCheckPanel(QWidget):
    """A "Check gradients" button, the batch and entries to check, and the differences found."""

    finished = Signal(list)              # the TensorChecks of a completed check
    _delivered = Signal(object)          # worker → GUI thread (queued): an Outcome

    def __init__(self, controller, stepping=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._thread: threading.Thread | None = None
        self._generation = 0             # counts network edits; an outcome of an older one is stale
        self._shown: Outcome | None = None
        self._stale = False
        self.setAccessibleName("Gradient check panel")
        self._build()
        self._delivered.connect(self._on_delivered)
        controller.network_changed.connect(self._on_network_changed)
        controller.structure_changed.connect(self._label_choices)   # not on every training frame
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._label_choices()
        self._style()
        if stepping is not None:
            # "The current batch": a check after stepping with the first 8 examples uses those 8
            # (it can still be changed here, until the step batch changes again).
            self._follow_step_batch(stepping.batch_size)
            stepping.batch_changed.connect(self._follow_step_batch)

    # --- public API -------------------------------------------------------------------------------
    def run_check(self) -> bool:
        """Start a check of the network as it is now; False when one is already running."""
        if self.running():
            return False
        network, data = self.controller.network, self.controller.data
        k = self.batch_combo.currentData()
        k = data.m if k == ALL_EXAMPLES else min(k, data.m)
        max_entries = entries_limit(self.entries_combo.currentData(), network)
        seconds = estimated_seconds(network, k, max_entries)
        if seconds > MAX_SECONDS:
            # gradient_check cannot be interrupted, and closing the panel waits for it.
            self.status.setText(self._colored(f"That check would take about {_duration(seconds)}", False)
                                + ": choose fewer entries or examples.")
            return False
        arguments = dict(X=data.X[:, :k], Y=data.Y[:, :k],
                         # A private copy: training or an edit may replace the parameters meanwhile.
                         parameters={name: W.copy() for name, W in network.parameters.items()},
                         activations=tuple(network.activations), l2=self.controller.session.hyper.l2,
                         max_entries=max_entries)
        self._thread = threading.Thread(target=self._work, args=(arguments, self._generation, k),
                                        name="gradient-check", daemon=True)
        self._set_busy(True, k, seconds)
        self._thread.start()
        return True

    def results(self) -> list[TensorCheck] | None:
        """The last check's results; None before any, after an error, or once the network changed."""
        if self._shown is None or self._stale:
            return None
        return self._shown.results

    def is_stale(self) -> bool:
        return self._stale

    def running(self) -> bool:
        """From the start of a check until its answer has reached the GUI thread: a worker that
        has finished but whose answer is still queued counts (a second check would race it)."""
        return self._thread is not None

    def shutdown(self) -> None:
        """Wait for a running check (MAX_SECONDS at most): no thread outlives the panel."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def closeEvent(self, event):
        self.shutdown()
        super().closeEvent(event)

    def sizeHint(self):
        return QSize(560, 520)

    # --- the worker -------------------------------------------------------------------------------
    def _work(self, arguments: dict, generation: int, examples: int) -> None:
        """On the worker thread: only the engine, and one signal at the end."""
        start = time.perf_counter()
        results, error = None, None
        try:
            results = gradient_check(**arguments)
        except DeepStepError as e:
            error = str(e)
        except MemoryError:
            error = "not enough memory to check this network on this many examples"
        except Exception as e:   # noqa: BLE001 - the panel must always get an answer, or it stays busy
            error = f"{type(e).__name__}: {e}"
        outcome = Outcome(results, error, time.perf_counter() - start, generation, examples)
        try:
            self._delivered.emit(outcome)
        except RuntimeError:
            pass   # the panel was deleted meanwhile: nobody is waiting for the answer

    def _on_delivered(self, outcome: Outcome) -> None:
        self.shutdown()   # the worker has emitted its last signal: joining returns at once
        self._set_busy(False)
        self._shown = outcome
        self._stale = outcome.generation != self._generation
        self._show_outcome()
        if outcome.results is not None:
            self.finished.emit(list(outcome.results))

    # --- building ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.check_button = _named(QPushButton("Check gradients"), "Check gradients",
                                   "Compare backprop's dW[l], db[l] with centred differences of the cost")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_check)
        self.busy = _named(QProgressBar(), "Checking", "The gradient check is running")
        self.busy.setRange(0, 0)          # no percentage: an indeterminate "working" bar
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(90)
        self.busy.setVisible(False)
        self.status = _named(QLabel(), "Check status", "What the last check found")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.RichText)
        top = QHBoxLayout()
        top.addWidget(self.check_button)
        top.addWidget(self.busy)
        top.addWidget(self.status, 1)

        self.batch_combo = _named(QComboBox(), "Examples to check on",
                                  "The cost J is taken over these training examples (columns of X); it follows "
                                  "the step-through batch")
        for k in BATCH_SIZES:
            self.batch_combo.addItem("", k)
        self.batch_combo.addItem("", ALL_EXAMPLES)
        self.batch_combo.setCurrentIndex(self.batch_combo.findData(DEFAULT_BATCH))
        self.entries_combo = _named(QComboBox(), "Entries per tensor",
                                    "How many entries of each W[l], b[l] are nudged by ±ε. Each costs two "
                                    "forward passes, so a large network samples some at random")
        self.entries_combo.addItem("", AUTO)
        self.entries_combo.addItem("all", ALL_ENTRIES)
        for n in SAMPLED_ENTRIES:
            self.entries_combo.addItem(f"{n} sampled", n)
        # Side by side when there is room, else one under the other: a combo never cuts its text.
        self.choices = QBoxLayout(QBoxLayout.LeftToRight)
        self.choices.setSpacing(4)
        # Alt+X and Alt+E belong to the Examples and Edit menus, Alt+M to the step panel.
        for text, combo in (("Exam&ples", self.batch_combo), ("Entr&ies", self.entries_combo)):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            label = QLabel(text)
            label.setBuddy(combo)
            pair = QHBoxLayout()
            pair.addWidget(label)
            pair.addWidget(combo)
            pair.setAlignment(Qt.AlignLeft)   # its natural width, at the left, in either direction
            self.choices.addLayout(pair)
        self.choices.addStretch(1)

        self.rule = _named(QLabel(rule_text()), "The rule", "The course's gradient check (week 1 of course 2)")
        self.rule.setWordWrap(True)
        self.rule.setTextFormat(Qt.RichText)
        self.banner = _named(QLabel("Network changed: check again"), "Results are out of date",
                             "The network was edited or trained since this check")
        self.banner.setVisible(False)
        self.details = _named(QLabel(), "Check details", "The examples used and how long the check took")
        self.details.setWordWrap(True)

        self._build_plot()
        self.table = _named(QTableWidget(0, 4), "Gradient check results",
                            "One row per layer: the relative differences of dW[l] and db[l], and the "
                            "layer's verdict (it passes when both are under the threshold)")
        self.table.setHorizontalHeaderLabels(["Layer", "dW[l]", "db[l]", "Layer"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)   # sized to fit its columns
        # Chart above table when narrow, side by side when wide (where 8 bars need the height).
        self.results_layout = QBoxLayout(QBoxLayout.TopToBottom)
        self.results_layout.setSpacing(8)
        self.results_layout.addWidget(self.plot, 1)
        self.results_layout.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(self.choices)
        layout.addWidget(self.banner)
        layout.addWidget(self.details)
        layout.addLayout(self.results_layout, 1)
        layout.addWidget(self.rule)

    def _build_plot(self) -> None:
        self.plot = _named(pg.PlotWidget(axisItems={"bottom": DecadeAxis("bottom")}), "Differences plot",
                           "One bar per gradient, as long as log10 of its relative difference: bars that "
                           "end left of the 10⁻⁷ line pass (green), bars crossing it fail (red)")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)   # a fixed chart: nothing to explore
        self.plot.setMinimumHeight(120)
        self.plot.getViewBox().invertY(True)          # dW[1] at the top, as the table lists it
        self.plot.getAxis("left").setStyle(tickLength=0)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.62, pen=pg.mkPen(None))
        self.fail_zone = pg.LinearRegionItem((math.log10(THRESHOLD), 0.3), movable=False)
        self.fail_zone.setZValue(-10)
        for line in self.fail_zone.lines:
            line.setPen(pg.mkPen(None))
        self.threshold = pg.InfiniteLine(math.log10(THRESHOLD), angle=90, movable=False)
        threshold = superscript_power(round(math.log10(THRESHOLD)))
        self.threshold_label = pg.InfLineLabel(self.threshold, f" threshold {threshold}", position=0.04,
                                               anchors=[(0, 0), (0, 0)])
        self.placeholder = pg.TextItem("no check yet", anchor=(0.5, 0.5))
        self.layer_labels: list[pg.TextItem] = []   # "✓ layer l" beside each pair of bars
        for item in (self.fail_zone, self.bars, self.threshold, self.placeholder):
            self.plot.addItem(item)

    # --- showing ----------------------------------------------------------------------------------
    def _label_choices(self) -> None:
        """Option texts that name what they mean today: m, and what "auto" picks for this network."""
        m = self.controller.data.m
        for i in range(self.batch_combo.count()):
            k = self.batch_combo.itemData(i)
            text = f"all {m:,}" if k == ALL_EXAMPLES else f"first {k}"
            self.batch_combo.setItemText(i, text)
        auto = entries_limit(AUTO, self.controller.network)
        self.entries_combo.setItemText(0, "auto: all" if auto is None else f"auto: {auto} sampled")

    def _follow_step_batch(self, k: int | None) -> None:
        index = self.batch_combo.findData(ALL_EXAMPLES if k is None else k)
        if index >= 0:
            self.batch_combo.setCurrentIndex(index)

    def _set_busy(self, busy: bool, examples: int = 0, seconds: float = 0.0) -> None:
        self.check_button.setEnabled(not busy)
        self.check_button.setText("Checking…" if busy else "Check gradients")
        self.busy.setVisible(busy)
        if busy:
            tensors = 2 * self.controller.network.L
            about = f" (about {_duration(seconds)})" if seconds >= 1 else ""
            self.status.setText(f"Checking {tensors} gradients on {examples:,} "
                                f"example{'s' if examples > 1 else ''}{about}…")

    def _on_network_changed(self) -> None:
        self._generation += 1
        if self._shown is not None and not self._stale:
            self._stale = True
            self._show_outcome()

    def _show_outcome(self) -> None:
        outcome = self._shown
        self.banner.setVisible(self._stale and outcome is not None and outcome.results is not None)
        self.details.setVisible(False)
        if outcome is None:
            self.status.setText("Press <b>Check gradients</b> to test backprop on this network.")
            self._draw([])
            return
        if outcome.error:
            self.status.setText(self._colored(f"Could not check: {_escape(outcome.error)}", passed=False))
            self._draw([])
            return
        results = outcome.results
        layers = by_layer(results)
        failed = [c.layer for c in layers if not c.passed]
        if not failed:
            self.status.setText(self._colored(f"<b>✓ All {len(layers)} layers pass</b>", True)
                                + ": backprop is right")
        else:
            names = ", ".join(str(l) for l in failed)
            self.status.setText(self._colored(f"<b>✗ Layer{'s' if len(failed) > 1 else ''} {names} "
                                              f"fail{'s' if len(failed) == 1 else ''}</b>", False)
                                + f" ({len(failed)} of {len(layers)} layers)")
        took = f"{outcome.seconds:.2f} s" if outcome.seconds >= 0.01 else "under 0.01 s"
        sampled = [r for r in results if r.checked < r.total]
        entries = f"up to {sampled[0].checked:,} entries per tensor" if sampled else "every entry"
        self.details.setText(f"{outcome.examples:,} example{'s' if outcome.examples > 1 else ''} · {entries} · "
                             f"{took}" + (f". {ROUNDING_HINT}" if failed else ""))
        self.details.setVisible(not self._stale)   # the banner says what matters then
        self._draw(results)
        self._fit_wrapped_labels()

    def _faded(self, color: QColor) -> QColor:
        """Results of a network that has changed since: the same picture, faded."""
        color = QColor(color)
        if self._stale:
            color.setAlpha(STALE_ALPHA)
        return color

    def _verdict_color(self, passed: bool) -> QColor:
        return self._faded(self._pass_color if passed else self._fail_color)

    def _colored(self, html: str, passed: bool) -> str:
        color = self._pass_color if passed else self._fail_color
        if self._stale:
            color = self.palette().color(QPalette.PlaceholderText)
        return f"<span style='color:{color.name()}'>{html}</span>"

    def _bar_rows(self, count: int) -> list[float]:
        """y of each bar: dW[l], db[l] together, a little gap between layers."""
        return [i + LAYER_GAP * (i // 2) for i in range(count)]

    def _draw(self, results: list[TensorCheck]) -> None:
        logs = [math.log10(r.difference) if r.difference > 0 else -math.inf for r in results]
        finite = [v for v in logs if math.isfinite(v)]
        # The left edge: a decade below the smallest difference, the threshold always well inside.
        left = max(-17, min([-12] + [math.floor(v) - 1 for v in finite]))
        ends = [max(v, left) for v in logs]
        brushes = [pg.mkBrush(self._verdict_color(r.passed)) for r in results]
        ys = self._bar_rows(len(results))
        self.bars.setOpts(x0=[left] * len(results), y=ys, width=[e - left for e in ends], brushes=brushes)
        left_axis = self.plot.getAxis("left")
        left_axis.setTicks([[(y, display_name(r.name)) for y, r in zip(ys, results)], []])
        left_axis.setTextPen(pg.mkPen(self._faded(self.palette().color(QPalette.Text))))
        rows = max(len(results), 4)
        bottom = self._bar_rows(rows)[-1]
        self.placeholder.setVisible(not results)
        self.placeholder.setPos((left + math.log10(THRESHOLD)) / 2, bottom / 2)
        # A band above the first bar holds the threshold's label.
        self.plot.setRange(xRange=(left, 0.3), yRange=(-1.3, bottom + 0.6), padding=0)
        self._label_layers(results, ys)
        self._fit_plot_height(bottom + 1.9)
        self._fill_table(results)

    def _label_layers(self, results: list[TensorCheck], ys: list[float]) -> None:
        """Each layer's verdict beside its two bars, in the empty right part of the chart."""
        layers = by_layer(results) if results else []
        while len(self.layer_labels) < len(layers):
            label = pg.TextItem(anchor=(1, 0.5))
            self.plot.addItem(label)
            self.layer_labels.append(label)
        for label, c in zip(self.layer_labels, layers):
            color = self._verdict_color(c.passed)
            label.setHtml(f"<span style='color:{color.name(QColor.HexArgb)}'><b>{'✓' if c.passed else '✗'} "
                          f"layer {c.layer}</b></span>")
            label.setFont(self.font())
            label.setPos(0.2, (ys[2 * c.layer - 2] + ys[2 * c.layer - 1]) / 2)
            label.setVisible(True)
        for label in self.layer_labels[len(layers):]:
            label.setVisible(False)

    def layer_verdicts(self) -> list[str]:
        """The verdicts written on the chart, e.g. "✓ layer 1", for tests."""
        return [QTextDocumentFragment.fromHtml(label.toHtml()).toPlainText().strip()
                for label in self.layer_labels if label.isVisible()]

    def _fit_plot_height(self, rows: float) -> None:
        """Tall enough that every bar's label has a line of its own (8 bars of the cat network
        once shared 100 px and overlapped)."""
        line = QFontMetrics(self.plot.getAxis("left").style.get("tickFont") or self.font()).height()
        axis = self.plot.getAxis("bottom").height() or 2 * line
        self.plot.setMinimumHeight(int(rows * BAR_PITCH * line + axis))

    def _fill_table(self, results: list[TensorCheck]) -> None:
        layers = by_layer(results) if results else []
        self.table.setRowCount(len(layers))
        text = self._faded(self.palette().color(QPalette.Text))
        for row, c in enumerate(layers):
            verdict = QTableWidgetItem("✓ pass" if c.passed else "✗ fail")
            verdict.setToolTip(f"Layer {c.layer} passes when both dW[{c.layer}] and db[{c.layer}] are "
                               f"under {THRESHOLD:.0e}")
            cells = [QTableWidgetItem(str(c.layer))]
            for r in (c.dW, c.db):
                item = QTableWidgetItem(f"{r.difference:.1e} {'✓' if r.passed else '✗'}")
                item.setToolTip(f"{display_name(r.name)}: {r.difference!r}\n"
                                f"{r.checked:,} of {r.total:,} entries checked")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setForeground(self._verdict_color(r.passed) if not r.passed else text)
                cells.append(item)
            cells.append(verdict)
            cells[0].setForeground(text)
            cells[0].setTextAlignment(Qt.AlignCenter)
            verdict.setForeground(self._verdict_color(c.passed))
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        self._fit_table_height()

    def _fit_table_height(self) -> None:
        """Below the chart: tall enough for TABLE_ROWS rows (then it scrolls), the chart gets the
        rest. Beside it: the full height, and as wide as its columns."""
        table = self.table
        if self.results_layout.direction() == QBoxLayout.LeftToRight:
            table.setMinimumHeight(0)
            table.setMaximumHeight(16777215)
            header = table.horizontalHeader()
            columns = sum(max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
                          for c in range(table.columnCount()))
            scroll = table.verticalScrollBar().sizeHint().width() if table.rowCount() > 12 else 0
            table.setFixedWidth(columns + 2 * table.frameWidth() + scroll + 4)
            return
        table.setMinimumWidth(0)
        table.setMaximumWidth(16777215)
        rows = min(max(table.rowCount(), 1), TABLE_ROWS)
        row_height = table.verticalHeader().defaultSectionSize()
        header_height = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header_height + rows * row_height + 2 * table.frameWidth())

    def _fit_wrapped_labels(self) -> None:
        """A wrapped label's minimum height is its height at the panel's width, so the panel's
        minimum size (what the dock scrolls below) leaves room for every line."""
        width = self.width() - 16
        for label in (self.details, self.rule):
            label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)
        status = self.status.width() if self.status.width() > 50 else width // 2
        self.status.setMinimumHeight(self.status.heightForWidth(status) if self.status.text() else 0)

    def resizeEvent(self, event):
        one_row = sum(self.choices.itemAt(i).sizeHint().width() for i in range(self.choices.count())
                      if self.choices.itemAt(i).layout() is not None)
        one_row += self.choices.spacing() + 2 * 8   # and the panel's margins
        self.choices.setDirection(QBoxLayout.LeftToRight if event.size().width() >= one_row
                                  else QBoxLayout.TopToBottom)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        direction = QBoxLayout.LeftToRight if wide else QBoxLayout.TopToBottom
        if direction != self.results_layout.direction():
            self.results_layout.setDirection(direction)
            self._fit_table_height()
        super().resizeEvent(event)
        self._fit_wrapped_labels()

    # --- look -------------------------------------------------------------------------------------
    def _style(self) -> None:
        pal = self.palette()
        dark = theme.is_dark(pal)
        base, text, mid = pal.color(QPalette.Base), pal.color(QPalette.Text), pal.color(QPalette.Mid)
        self._pass_color, self._fail_color = QColor(PASS_COLORS[dark]), QColor(FAIL_COLORS[dark])
        self.plot.setBackground(base)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(mid))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(self.font())
        zone = QColor(self._fail_color)
        zone.setAlpha(20 if dark else 28)   # a hint of "fail" behind the bars, not a red wall
        self.fail_zone.setBrush(pg.mkBrush(zone))
        self.threshold.setPen(pg.mkPen(text, width=2, style=Qt.DashLine))
        self.threshold_label.setColor(text)
        self.threshold_label.setFont(self.font())
        self.placeholder.setColor(pal.color(QPalette.PlaceholderText))
        self.placeholder.setFont(self.font())
        muted = pal.color(QPalette.PlaceholderText).name()
        self.rule.setStyleSheet(f"color: {muted}")
        self.details.setStyleSheet(f"color: {muted}")
        self.table.verticalHeader().setDefaultSectionSize(QFontMetrics(self.font()).height() + 6)
        self._fit_table_height()
        warn_bg, warn_fg = ("#4a3b12", "#ffe08a") if dark else ("#fff4d1", "#6b4e00")
        self.banner.setStyleSheet(f"background: {warn_bg}; color: {warn_fg}; border: 1px solid {warn_fg};"
                                  "border-radius: 5px; padding: 5px 8px; font-weight: bold;")
        self._show_outcome()

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.FontChange):
            if hasattr(self, "table"):   # the first events arrive before the widgets exist
                self._style()
        super().changeEvent(event)


def _named(widget, accessible_name: str, tooltip: str):
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["GradCheckPanel", "Outcome", "DecadeAxis", "display_name", "entries_limit"]
