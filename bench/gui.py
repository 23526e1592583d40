"""GUI benchmarks, offscreen: redraws per second while training, training throughput inside the
window, start-up time, and the latency of one step in step-through mode.

Run on its own it prints one JSON object (bench.run starts it in a process of its own, so Qt never
loads into the process that times the engine):

    python -m bench.gui --seconds 4

and where a frame's time goes, per view, in milliseconds of the GUI thread (no worker; see
frame_costs):

    python -m bench.gui --frames 90

What is counted is real drawing, not timer ticks: the boundary's ImageItem.setImage calls, the
canvas's neuron-map evaluations (NeuronMaps.update) and its paint events, and the cost curve's
setData calls, each wrapped on the live objects of a real MainWindow.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import select
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHOWN_ENV = "DEEPSTEP_EXIT_ON_SHOW"   # gui/app.py: print "shown" once the window has painted, then quit
LONG_RUN = 10 ** 8                    # iterations: the run must outlast the measurement


# --- start-up: a fresh `python main.py` until its first painted window --------------------------

def startup_seconds(repeats: int = 3) -> list[float]:
    """Wall time from launching `python main.py` to the window's first paint, per launch.

    Each launch gets an empty settings directory (a first start, the same every time) and the
    offscreen platform. One untimed launch first warms the file cache.
    """
    times = []
    with tempfile.TemporaryDirectory(prefix="deepstep-bench-") as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", SHOWN_ENV: "1", "XDG_CONFIG_HOME": home,
               "XDG_DATA_HOME": home}   # no settings and no recovery file: a first start
        for r in range(repeats + 1):
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # A dialog before the window (or a hang) must not hang the bench: wait 60 s at most.
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            if not ready:
                proc.kill()
                proc.communicate()
                raise RuntimeError("main.py painted no window within 60 s (a dialog before it, or a hang)")
            line = proc.stdout.readline()
            seconds = time.perf_counter() - t0
            _, err = proc.communicate(timeout=30)
            if line.strip() != "shown":
                raise RuntimeError(f"main.py did not report its first window (exit status "
                                   f"{proc.returncode}): {err.strip()[-400:]}")
            if r:
                times.append(seconds)
    return times


# --- in-process measurements on one window -------------------------------------------------------

class Counter:
    """Counts calls of a bound method by replacing it on the instance (the caller's code unchanged)."""

    def __init__(self, obj, name: str):
        self.count = 0
        original = getattr(obj, name)

        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        setattr(obj, name, counted)


def _paint_counter(widget):
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                self.count += 1
            return False

    counter = PaintCounter(widget)
    widget.installEventFilter(counter)
    return counter


def make_window():
    from gui.app import create_application
    from gui.main_window import MainWindow
    from PySide6.QtWidgets import QApplication
    app = create_application()
    window = MainWindow(restore_settings=False)
    window.resize(1600, 960)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    return app, window


def run_events(app, seconds: float) -> None:
    """The event loop for `seconds` (a local loop: app.quit would close the window too)."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def headless_rate(data, network, seconds: float, record_every: int, snapshot_every: int) -> float:
    """Iterations per second of core.training.train with no window, for about `seconds`."""
    from core.training import TrainConfig, TrainControl, train
    control = TrainControl()
    config = TrainConfig(learning_rate=1.2, iterations=LONG_RUN, record_every=record_every,
                         snapshot_every=snapshot_every)
    net = network.copy()
    t0 = time.perf_counter()
    done = 0
    for snap in train(net, data.X, data.Y, config, control=control):
        done = snap.iteration
        if time.perf_counter() - t0 >= seconds:
            control.stop()
    return done / (time.perf_counter() - t0)


WHAT_IFS = ("fixed-cost-range", "no-cost-updates")


def live_training(app, window, seconds: float, what_if: str | None = None, settle: float = 0.5) -> dict:
    """Train the course's flower network in the window with every live view showing; count draws.

    what_if (for the profile notes, not the goals): "fixed-cost-range" holds the cost plot at one
    range for the whole run (not even the few steps of its following range), "no-cost-updates"
    leaves the cost curve still, to show what they cost.
    """
    training, canvas = window.training, window.canvas
    if what_if == "fixed-cost-range":
        box = window.cost_panel.plot.getViewBox()
        box.disableAutoRange()
        box.setRange(xRange=(0, 10 ** 6), yRange=(0, 1))
    elif what_if == "no-cost-updates":
        training.run_updated.disconnect(window.cost_panel.update_run)
    assert window.boundary_panel.isVisible() and window.cost_panel.isVisible() and canvas.isVisible()
    boundary = Counter(window.boundary_panel.image, "setImage")
    maps = Counter(canvas._maps, "update")
    canvas_paints = _paint_counter(canvas)
    boundary_paints = _paint_counter(window.boundary_panel.plot.viewport())
    cost_paints = _paint_counter(window.cost_panel.plot.viewport())
    curves = []

    def count_new_curves():        # the cost panel makes a run's curves when the run starts
        for c in window.cost_panel.curves.values():
            if all(c.train is not k for k, _ in curves):
                curves.append((c.train, Counter(c.train, "setData")))

    # The run must outlast the measurement, yet record its cost as the run a user starts does
    # (the window records at a stride that depends on "Stop at": every 4th for the default 10,000).
    import gui.training_controller as tc
    stride = window_record_stride(window)
    original_stride = tc.record_stride
    tc.record_stride = lambda iterations: stride
    try:
        training.set_hyperparameters(iterations=LONG_RUN)
        training.play()
    finally:
        tc.record_stride = original_stride
    run_events(app, settle)         # first frames: the run and its curves exist
    count_new_curves()
    counts0 = (boundary.count, maps.count, canvas_paints.count, boundary_paints.count,
               cost_paints.count, sum(c.count for _, c in curves))
    it0, t0, cpu0 = training.iteration, time.perf_counter(), time.thread_time()
    run_events(app, seconds)
    it1, t1, cpu1 = training.iteration, time.perf_counter(), time.thread_time()
    counts1 = (boundary.count, maps.count, canvas_paints.count, boundary_paints.count,
               cost_paints.count, sum(c.count for _, c in curves))
    training.stop()
    elapsed = t1 - t0
    rates = [(b - a) / elapsed for a, b in zip(counts0, counts1)]
    return {"seconds": elapsed, "iterations_per_second": (it1 - it0) / elapsed,
            "boundary_setImage_per_second": rates[0], "neuron_maps_per_second": rates[1],
            "canvas_paints_per_second": rates[2], "boundary_paints_per_second": rates[3],
            "cost_paints_per_second": rates[4], "cost_setData_per_second": rates[5],
            "cost_curves_counted": len(curves), "gui_thread_cpu_share": (cpu1 - cpu0) / elapsed}


# --- where a frame's time goes: the GUI thread's CPU per view ------------------------------------

# Methods timed, by the view they draw (the class-level function is wrapped before the window is
# built, so signal connections made in __init__ reach the timed one). Time is exclusive: a timed
# method called inside another counts for its own view only. Paint events of pyqtgraph views are
# told apart by their widget (see _plot_names).
FRAME_PARTS = {
    "cost curve": [("gui.cost_panel", "CostPanel", "update_run"), ("gui.cost_panel", "CostPanel", "sync")],
    "boundary": [("gui.boundary_panel", "BoundaryPanel", "_redraw")],
    "canvas": [("gui.network_canvas", "NetworkCanvas", "refresh")],
    "canvas paint": [("gui.network_canvas", "NetworkCanvas", "paintEvent")],
    "neuron maps": [("gui.network_canvas", "NetworkCanvas", "_refresh_maps")],
    "gradients": [("gui.gradient_panel", "GradientPanel", "update_run")],
    "runs list": [("gui.runs_panel", "RunsPanel", "update_row"), ("gui.runs_panel", "RunsPanel", "_fill_due_rows")],
    "training panel": [("gui.training_panel", "TrainingPanel", "_on_snapshot"),
                       ("gui.training_panel", "TrainingPanel", "_show_snapshot")],
    "cost readout": [("gui.cost_panel", "Readout", "show_run")],
    "timeline": [("gui.timeline", "TimelineBar", "refresh")],
    "predictions": [("gui.predictions", "PredictionUpdater", "show_snapshot"),
                    ("gui.predictions", "PredictionUpdater", "schedule"),
                    ("gui.predictions", "PredictionUpdater", "update_now")],
    "layer panel": [("gui.layer_panel", "LayerPanel", "refresh")],
    "stepping": [("gui.step_controller", "StepController", "_on_network_changed")],
    "window": [("gui.main_window", "MainWindow", "_update_iteration"),
               ("gui.main_window", "MainWindow", "_update_status"),
               ("gui.main_window", "MainWindow", "_update_actions")],
    "controllers": [("gui.training_controller", "TrainingController", "_on_snapshot"),
                    ("gui.controller", "SessionController", "set_parameters")],
}


class _FrameClock:
    """Exclusive CPU time of this thread per label: a timed call nested in another is its own."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stack: list[list] = []     # [label, start, time of timed children]

    def timed(self, label, function):
        import functools

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            label_now = label(args[0]) if callable(label) else label
            self._stack.append([label_now, time.thread_time(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, start, children = self._stack.pop()
                spent = time.thread_time() - start
                self.seconds[name] = self.seconds.get(name, 0.0) + spent - children
                if self._stack:
                    self._stack[-1][2] += spent
        return wrapper


def frame_costs(frames: int = 60, iterations_per_frame: int = 300, state: str = "running") -> dict:
    """Milliseconds of the GUI thread's CPU per frame, per view, while the flower network trains.

    No worker: the engine runs in this thread between frames (untimed), so nothing competes for
    the GIL and the numbers are the drawing's own. Each frame hands the window one snapshot the
    way the Trainer does, draws every throttled view at once and handles the paints. What no timed
    method covers (Qt's own painting of labels and tables, layouts, the event loop) is "Qt, rest".
    """
    import importlib
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg
    from core.training import TrainConfig, TrainControl, train
    clock = _FrameClock()
    plot_names: dict[int, str] = {}
    patched = []
    for label, methods in FRAME_PARTS.items():
        for module, cls_name, name in methods:
            cls = getattr(importlib.import_module(module), cls_name, None)
            if cls is None or name not in vars(cls):
                continue
            original = vars(cls)[name]
            patched.append((cls, name, original))
            setattr(cls, name, clock.timed(label, original))
    original_paint = pg.GraphicsView.paintEvent
    patched.append((pg.GraphicsView, "paintEvent", original_paint))
    pg.GraphicsView.paintEvent = clock.timed(lambda view: plot_names.get(id(view), "other plots"), original_paint)
    try:
        app, window = make_window()
        plot_names.update({id(window.cost_panel.plot): "cost curve paint",
                           id(window.boundary_panel.plot): "boundary paint"})
        gradient_plot = getattr(window.gradient_panel, "plot", None)
        if gradient_plot is not None:
            plot_names[id(gradient_plot)] = "gradients paint"
        training = window.training
        training._begin_run()           # what play() does before the first snapshot arrives
        training._state = state         # "running" as while a worker trains: texts keep their pace
        data, network = window.controller.data, window.controller.network.copy()
        config = TrainConfig(learning_rate=window.controller.session.hyper.learning_rate,
                             iterations=frames * iterations_per_frame, record_every=1,
                             snapshot_every=iterations_per_frame)
        throttles = [window.boundary_panel._throttle, window.canvas._map_throttle]
        totals, costs, snaps = [], [], []
        for snap in train(network, data.X, data.Y, config, data.X_test, data.Y_test, TrainControl()):
            costs.extend(snap.new_costs)
            snaps.append(snap)
            clock.seconds.clear()
            t0 = time.thread_time()
            training.trainer.snapshot.emit(snap, costs, [], snaps)
            for t in throttles:
                t.flush()
            for _ in range(3):
                QApplication.processEvents()
            total = time.thread_time() - t0
            costs, snaps = [], []
            if snap.iteration == 0:
                continue               # the first frame builds the run's curves: not a typical one
            parts = dict(clock.seconds)
            parts["Qt, rest"] = total - sum(parts.values())
            totals.append(parts)
        training._state = "idle"
        window.close()
    finally:
        for cls, name, original in patched:
            setattr(cls, name, original)
    labels = sorted({k for parts in totals for k in parts})
    per_view = {k: 1000 * statistics.median(p.get(k, 0.0) for p in totals) for k in labels}
    means = {k: 1000 * statistics.fmean(p.get(k, 0.0) for p in totals) for k in labels}
    frame = [1000 * sum(p.values()) for p in totals]
    return {"frames": len(totals), "iterations_per_frame": iterations_per_frame,
            "frame_ms_median": statistics.median(frame), "frame_ms_mean": statistics.fmean(frame),
            "per_view_ms_median": per_view, "per_view_ms_mean": means}


def step_latency(app, window, steps: int) -> list[float]:
    """Seconds from "next step" to the window having drawn it (every event handled, throttled views
    included), for `steps` steps of the step-through mode: forward, cost, backward, update, ..."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication
    window.step_actions.mode.setChecked(True)
    for _ in range(5):
        QApplication.processEvents()
    throttles = [window.boundary_panel._throttle, window.canvas._map_throttle]
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        window.step_actions.next.trigger()
        QApplication.processEvents()
        while any(t.pending for t in throttles):   # a redraw waiting for its frame budget
            for t in throttles:
                if t.pending:
                    t.flush()
            QApplication.processEvents(QEventLoop.AllEvents)
        times.append(time.perf_counter() - t0)
    window.step_actions.mode.setChecked(False)
    for t in throttles:
        t.ready_at = 0.0
    return times


def window_record_stride(window) -> int:
    """The cost-recording stride of the run a user starts in this window (its "Stop at")."""
    from gui.training_controller import record_stride
    return record_stride(window.controller.session.hyper.iterations)


def measure(seconds: float = 4.0, steps: int = 24, startup_repeats: int = 3) -> dict:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    out: dict = {"startup_seconds": startup_seconds(startup_repeats)}
    app, window = make_window()
    data, network = window.controller.data, window.controller.network
    # Headless before and after the window's run, so a change in load shows as a spread.
    stride = window_record_stride(window)
    cli = [headless_rate(data, network, seconds / 2, 100, 100)]
    gui_config = [headless_rate(data, network, seconds / 2, stride, 1000)]
    out["live"] = live_training(app, window, seconds)
    cli.append(headless_rate(data, network, seconds / 2, 100, 100))
    gui_config.append(headless_rate(data, network, seconds / 2, stride, 1000))
    out["window_record_every"] = stride
    out["headless_iterations_per_second"] = cli
    out["headless_gui_config_iterations_per_second"] = gui_config
    window.training.reset()
    out["step_seconds"] = step_latency(app, window, steps)
    out["network"] = f"{list(network.layer_sizes)} {', '.join(network.activations)}, {data.name} (m = {data.m})"
    window.close()
    out["frame_costs"] = frame_costs(60)   # where a frame's time goes, per view (its own window)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of the live-training measurement")
    parser.add_argument("--steps", type=int, default=24, help="steps timed in step-through mode")
    parser.add_argument("--startup-repeats", type=int, default=3)
    parser.add_argument("--what-if", choices=WHAT_IFS,
                        help="only the live-training measurement, with one view's cost taken out")
    parser.add_argument("--frames", type=int, default=0,
                        help="only the per-view cost of this many frames (GUI thread CPU ms, no worker)")
    args = parser.parse_args(argv)
    if args.frames:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(json.dumps(frame_costs(args.frames), indent=1))
        return 0
    if args.what_if:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app, window = make_window()
        print(json.dumps(live_training(app, window, args.seconds, args.what_if)))
        window.close()
        return 0
    print(json.dumps(measure(args.seconds, args.steps, args.startup_repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
