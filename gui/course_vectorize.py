"""Course view, week 2: vectorization. Explicit loops against NumPy, timed live on this machine.

The current network's forward pass over the current data runs once as the course's for-loops and
once as the engine's Z = W·A_prev + b (core.course.time_forward), and the notes' demo times a
dot product of a million numbers. Measuring runs on a worker thread polled by a timer, so the
window never blocks; Stop sets a threading.Event the loop checks after each example.
A drawing of Z = W·X + b shows the shapes and how b is broadcast across the m columns.
"""
from __future__ import annotations

import math
import threading

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from core.course import DOT_SIZE, Stopped, time_dot, time_forward
from . import theme

LOOP_BUDGET_SECONDS = 4.0   # the loop stops here on large data; NumPy is timed on the same examples
POLL_MS = 50

LOOP_CODE = """for i in range(m):                 # every example
    for j in range(n[l]):          # every unit
        z = b[j]
        for k in range(n[l-1]):    # every input
            z += W[j, k] * a_prev[k]
        Z[j, i] = z"""
NUMPY_CODE = """Z = np.dot(W, A_prev) + b          # b (n[l], 1) broadcast
A = g(Z)                           # over all m columns"""


class Job:
    """fn(stop, progress) on a Python thread; the GUI polls `progress`, `result` and `error`."""

    def __init__(self, fn):
        self.stop = threading.Event()
        self.progress = (0, 1)
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()

    def _run(self, fn):
        try:
            self.result = fn(self.stop, self._progress)
        except Stopped:
            self.error = "stopped"
        except MemoryError:
            self.error = "not enough memory"

    def _progress(self, done, total):
        self.progress = (done, total)

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def cancel(self) -> None:
        self.stop.set()
        self.thread.join()


class Measurement(QGroupBox):
    """A button that starts a Job, a progress bar while it runs, a result line after."""

    running_changed = Signal(bool)   # started (True) or its result is on screen (False)

    def __init__(self, title: str, button: str, tip: str, code_loop: str, code_numpy: str, parent=None):
        super().__init__(title, parent)
        self.job: Job | None = None
        self.start_button = QPushButton(button)
        self.start_button.setToolTip(tip)
        self.start_button.setAccessibleName(button)
        self.start_button.setMinimumHeight(40)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop measuring")
        self.stop_button.setAccessibleName(f"Stop: {button}")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.cancel)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(f"Progress: {title}")
        self.bar.setToolTip("How far the for-loop has got")
        self.bar.setFormat("")
        self.result = QLabel("Not measured yet.")
        self.result.setTextFormat(Qt.RichText)
        self.result.setWordWrap(True)
        self.result.setAccessibleName(f"Result: {title}")
        big = QFont(self.result.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.result.setFont(big)
        self.result.setMinimumHeight(QFontMetrics(big).height() * 3)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.Monospace)
        mono.setPointSizeF(self.font().pointSizeF() * 1.05)
        codes = QHBoxLayout()
        for heading, code in (("Explicit loops", code_loop), ("Vectorized (NumPy)", code_numpy)):
            box = QVBoxLayout()
            h = QLabel(f"<b>{heading}</b>")
            c = QLabel(code)
            c.setFont(mono)
            c.setTextInteractionFlags(Qt.TextSelectableByMouse)
            c.setAccessibleName(f"{heading} code")
            c.setAlignment(Qt.AlignTop | Qt.AlignLeft)
            box.addWidget(h)
            box.addWidget(c, 1)
            codes.addLayout(box, 1)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.bar, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(codes)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._describe = None

    def start(self, fn, describe) -> None:
        """Run fn(stop, progress) off the GUI thread; describe(result) writes the result line."""
        if self.job is not None and self.job.running:
            return
        self._describe = describe
        self.job = Job(fn)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.bar.setRange(0, 0)  # busy until the first progress arrives
        self.bar.setFormat("measuring…")
        self.result.setText("Measuring… (the window stays usable)")
        self.timer.start()
        self.running_changed.emit(True)

    @property
    def busy(self) -> bool:
        """Measuring, until the result is on screen."""
        return self.timer.isActive()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._poll()

    def _poll(self) -> None:
        job = self.job
        if job is None:
            return
        done, total = job.progress
        if done:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.bar.setFormat(f"loop: {done:,} / {total:,}")
        if job.running:
            return
        self.timer.stop()
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if job.result is not None else 0)
        self.bar.setFormat("done" if job.result is not None else job.error or "")
        if job.result is not None:
            self.result.setText(self._describe(job.result))
        else:
            self.result.setText(f"Not measured: {job.error}.")
        self.running_changed.emit(False)


def _ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:,.1f} ms"
    return f"{seconds * 1e6:,.1f} µs"


def describe_forward(t) -> str:
    part = "" if t.columns == t.m else (f" (the loop stopped after {LOOP_BUDGET_SECONDS:g} s: both timed on the "
                                        f"first {t.columns:,} of {t.m:,} examples)")
    return (f"Loops <b>{_ms(t.loop_seconds)}</b> · NumPy <b>{_ms(t.numpy_seconds)}</b> · "
            f"NumPy is <b style='color:{theme.ACCENT}'>{t.ratio:,.0f}×</b> faster{part}.<br>"
            f"The same Z: largest difference {t.max_difference:.1e} (rounding only).")


def describe_dot(t) -> str:
    return (f"for-loop <b>{_ms(t.loop_seconds)}</b> · np.dot <b>{_ms(t.numpy_seconds)}</b> · "
            f"<b style='color:{theme.ACCENT}'>{t.ratio:,.0f}×</b> (the notes quote about 300×).<br>"
            f"c = {t.loop_value:,.4f} by the loop, {t.numpy_value:,.4f} by np.dot.")


class BroadcastDiagram(QWidget):
    """Z = W·A_prev + b drawn as blocks with their shapes; b's one column copied across m."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.l, self.n, self.n_prev, self.m = 1, 4, 2, 400
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setAccessibleName("Vectorized Z = W·A + b with shapes")

    def set_shapes(self, l: int, n: int, n_prev: int, m: int) -> None:
        self.l, self.n, self.n_prev, self.m = l, n, n_prev, m
        self.setToolTip(self.describe())
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        a = "X" if self.l == 1 else f"A[{self.l - 1}]"
        return (f"Z[{self.l}] ({self.n}, {self.m}) = W[{self.l}] ({self.n}, {self.n_prev}) · {a} "
                f"({self.n_prev}, {self.m}) + b[{self.l}] ({self.n}, 1), broadcast to ({self.n}, {self.m})")

    def paintEvent(self, _):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.Base))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        p.setFont(font)
        fm = QFontMetrics(font)
        l = self.l
        a_name = "X" if l == 1 else f"A[{l - 1}]"
        # Sizes on a log-ish scale: 1 unit to 12,288 inputs must all fit, and bigger must look bigger.
        rows, cols_prev, cols_m = _extent(self.n), _extent(self.n_prev), _extent(self.m)
        scale = min(1.0, (self.height() - 2.5 * fm.height() - 20) / max(rows, cols_prev))
        rows, cols_prev, cols_m = rows * scale, cols_prev * scale, cols_m * scale
        top = 14 + fm.height()
        x = 20
        blocks = [(f"Z[{l}]", rows, cols_m, (self.n, self.m), theme.ACCENT), ("=", 0, 0, None, None),
                  (f"W[{l}]", rows, cols_prev, (self.n, self.n_prev), theme.POSITIVE), ("·", 0, 0, None, None),
                  (a_name, cols_prev, cols_m, (self.n_prev, self.m), "#6e7781"), ("+", 0, 0, None, None),
                  (f"b[{l}]", rows, 14, (self.n, 1), theme.NEGATIVE), ("→", 0, 0, None, None),
                  (f"b[{l}] broadcast", rows, cols_m, (self.n, self.m), theme.NEGATIVE)]
        text = pal.color(QPalette.Text)
        for name, h, w, shape, color in blocks:
            if shape is None:
                p.setPen(text)
                p.drawText(QRectF(x, top, 40, rows), Qt.AlignCenter, name)
                x += 40
                continue
            c = QColor(color)
            fill = QColor(c)
            fill.setAlpha(60)
            p.setPen(QPen(c, 2))
            p.setBrush(fill)
            if name.endswith("broadcast"):
                # The one column of b, copied across the m columns: faint repeats.
                step = max(6.0, w / min(self.m, 24))
                k = 0.0
                while k < w - 1:
                    p.drawRect(QRectF(x + k, top, min(step, w - k), h))
                    k += step
            else:
                p.drawRect(QRectF(x, top, w, h))
            p.setPen(text)
            label_w = max(w, fm.horizontalAdvance(name) + 6, fm.horizontalAdvance(f"({shape[0]:,}, {shape[1]:,})"))
            p.drawText(QRectF(x + w / 2 - label_w / 2, top - fm.height() - 4, label_w, fm.height()),
                       Qt.AlignCenter, name)
            p.drawText(QRectF(x + w / 2 - label_w / 2, top + h + 4, label_w, fm.height()), Qt.AlignCenter,
                       f"({shape[0]:,}, {shape[1]:,})")
            x += max(w, label_w) + 10
        p.end()


def _extent(k: int) -> float:
    """Pixels for a dimension of k on a log scale: 1 unit and 12,288 inputs both fit, bigger looks bigger."""
    return 18 + 10 * min(14.0, max(0.0, math.log2(k)))


WAIT_NOTE = " (after the other measurement: two loops at once would time each other)"


class VectorizationView(QWidget):
    """The window: the forward pass timed both ways, the dot-product demo, and the broadcast drawing."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Vectorization (week 2)")
        self.setAccessibleName("Vectorization view")
        self.forward = Measurement("Forward pass over the current data", "Time the forward pass",
                                   "Run the current network's forward pass over every training example "
                                   "as for-loops and as NumPy, and compare", LOOP_CODE, NUMPY_CODE)
        self.forward.start_button.clicked.connect(self.measure_forward)
        self.dot = Measurement(f"The notes' demo: a dot product of {DOT_SIZE:,} numbers",
                               "Time the dot product",
                               f"c = Σ a[i]·b[i] over {DOT_SIZE:,} random numbers: for-loop against np.dot",
                               "c = 0\nfor i in range(1000000):\n    c += a[i] * b[i]", "c = np.dot(a, b)")
        self.dot.start_button.clicked.connect(self.measure_dot)
        # One measurement at a time: two Python loops sharing the interpreter slow each other
        # (the forward loop took 36 ms beside the dot product's loop, 3.4 ms alone: a ratio 10× too high).
        for one, other in ((self.forward, self.dot), (self.dot, self.forward)):
            one.running_changed.connect(lambda running, other=other: self._other_waits(other, running))
        self.layer = QComboBox()
        self.layer.setToolTip("Which layer's Z = W·A_prev + b to draw")
        self.layer.setAccessibleName("Layer drawn")
        self.layer.currentIndexChanged.connect(self._draw_shapes)
        self.diagram = BroadcastDiagram()
        self.shapes_caption = QLabel()
        # One line: a wrapped label (height for width) let the window lay out shorter than its
        # contents, and presentation type clipped the loop code above.
        self.shapes_caption.setAccessibleName("Shapes of the vectorized expression")
        shapes = QGroupBox("Z = W·A_prev + b for all m examples at once")
        sl = QVBoxLayout(shapes)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer)
        row.addWidget(self.shapes_caption, 1)
        sl.addLayout(row)
        sl.addWidget(self.diagram, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.forward)
        layout.addWidget(self.dot)
        layout.addWidget(shapes)
        layout.addStretch(1)
        controller.network_changed.connect(self._fill_layers)
        controller.data_changed.connect(self._fill_layers)
        self._fill_layers()
        self.resize(1300, 940)

    def _other_waits(self, other: Measurement, running: bool) -> None:
        other.start_button.setEnabled(not running and not other.busy)
        other.start_button.setToolTip(other.start_button.toolTip().split(WAIT_NOTE)[0]
                                      + (WAIT_NOTE if running else ""))

    def measure_forward(self) -> None:
        if self.dot.busy:
            return
        net, data = self.controller.network, self.controller.data
        X, parameters, activations = data.X, dict(net.parameters), net.activations  # a fixed copy to time
        self.forward.start(lambda stop, progress: time_forward(X, parameters, activations, LOOP_BUDGET_SECONDS,
                                                               stop, progress), describe_forward)

    def measure_dot(self) -> None:
        if self.forward.busy:
            return
        self.dot.start(lambda stop, progress: time_dot(DOT_SIZE, stop=stop, progress=progress), describe_dot)

    def shutdown(self) -> None:
        """Stop and join any measurement still running (the window is closing)."""
        self.forward.cancel()
        self.dot.cancel()

    def closeEvent(self, event):
        self.shutdown()
        super().closeEvent(event)

    def _fill_layers(self) -> None:
        net = self.controller.network
        keep = self.layer.currentIndex()
        self.layer.blockSignals(True)
        self.layer.clear()
        for l in range(1, net.L + 1):
            self.layer.addItem(f"{l} ({net.activations[l - 1]})", l)
        self.layer.setCurrentIndex(min(max(keep, 0), net.L - 1))
        self.layer.blockSignals(False)
        self._draw_shapes()

    def _draw_shapes(self, *_) -> None:
        net, m = self.controller.network, self.controller.data.m
        l = self.layer.currentData() or 1
        self.diagram.set_shapes(l, net.layer_sizes[l], net.layer_sizes[l - 1], m)
        self.shapes_caption.setText(f"One matrix product for all {m:,} examples; b[{l}] has one column and "
                                    f"NumPy broadcasts it across the {m:,} columns of W·A.")
