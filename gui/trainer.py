"""Training off the GUI thread: the engine's trainer in a process of its own, the newest snapshot polled.

core.training.train runs in a child process (core.train_process), so the engine and the window
never share one GIL: sharing it, the window drew 6 frames a second and training ran at a fifth of
its headless speed. A QThread here only reads what the child sends and stores it (under a lock):
the newest snapshot and the cost points since the last poll. A QTimer on the GUI thread takes them at
most 40 times a second, so the engine never waits for a redraw and the window never waits for
the engine. Pause and stop are threading.Event flags in core.training.TrainControl: a worker busy
in its loop never sees a queued signal.
"""
from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from core.errors import DeepStepError
from core.train_process import POOL, ProcessError, RemoteControl, train_remotely
from core.training import TrainConfig, TrainControl, train

STOP_WAIT_MS = 10_000  # a run told to stop ends within an iteration; past this, its child is killed
FRAME_MS = 25  # the poll: a little faster than the ~30 redraws a second the views aim at, so
               # a late tick still leaves a frame for each of them


class _Worker(QThread):
    """Stores what the engine yields for the GUI thread to take. In a child process when one can
    be started (`control` a RemoteControl); in this thread otherwise (a TrainControl)."""

    def __init__(self, network, data, config, control):
        super().__init__()
        self.network, self.data, self.config, self.control = network, data, config, control
        self.lock = threading.Lock()
        self.latest = None
        self.costs: list = []
        self.test_costs: list = []
        self.snaps: list = []        # every snapshot since the last poll, not only the newest
        self.error: str | None = None
        self.process = None          # the child process, while it trains

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def run(self):
        try:
            if isinstance(self.control, RemoteControl):
                self._train_in_child()
            else:
                self._train_here(self.control)
        except DeepStepError as e:
            self.error = str(e)
        except MemoryError:
            self.error = "not enough memory to train this network on this data"

    def _train_here(self, control: TrainControl):
        d = self.data
        for snap in train(self.network, d.X, d.Y, self.config, d.X_test, d.Y_test, control):
            self._store(snap)

    def _train_in_child(self):
        try:
            process = POOL.acquire()
        except ProcessError:
            # No child to be had (a system that forbids them): train in this thread instead,
            # steered by a TrainControl the RemoteControl forwards to. Slower, but it trains.
            local = TrainControl()
            self.control.train_here(local)
            self._train_here(local)
            return
        self.process = process
        try:
            for kind, value in train_remotely(process, self.control, self.network, self.data, self.config):
                if kind == "snapshot":
                    self._store(value)
                else:
                    self.error = value
        except ProcessError:
            process.close(timeout=0.5)
            raise
        POOL.release(process)

    def kill_child(self) -> None:
        if self.process is not None:
            self.process.popen.kill()

    def _store(self, snap):
        with self.lock:
            self.latest = snap
            self.costs.extend(snap.new_costs)
            # the test set's cost on the train cost's schedule, not one point a frame
            self.test_costs.extend(snap.new_test_costs)
            # each one's gradient norms and parameters go into the run's history and
            # timeline: a slow frame must not make the timeline depend on the clock
            self.snaps.append(snap)

    def take(self):
        with self.lock:
            taken = self.latest, self.costs, self.test_costs, self.snaps
            self.latest, self.costs, self.test_costs, self.snaps = None, [], [], []
        return taken


class Trainer(QObject):
    """Runs one worker at a time and hands its snapshots to the GUI thread, at most 40 a second."""
    # (the newest Snapshot, new (i, cost) points, new (i, test cost) points, every Snapshot since
    # the last signal, the newest included: the first iteration's too, which a slow frame would skip)
    snapshot = Signal(object, list, list, list)
    state_changed = Signal(str)             # "idle", "running", "paused"
    finished = Signal(object)               # the final Snapshot of a run (stopped says why)
    error = Signal(str, str)

    # Train in a child process (False: in a thread of this process, sharing its GIL; for
    # comparison, or where DEEPSTEP_TRAIN_IN_THREAD=1 asks for it).
    use_process = os.environ.get("DEEPSTEP_TRAIN_IN_THREAD", "") in ("", "0")

    def __init__(self, parent=None):
        super().__init__(parent)
        if self.use_process:  # the first run should not wait for a child's imports
            QTimer.singleShot(1000, POOL.prewarm)
        self._worker: _Worker | None = None
        self._control: TrainControl | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._poll)
        self._state = "idle"
        self._final = None

    @property
    def state(self) -> str:
        return self._state

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.isRunning()

    def start(self, network, data, config: TrainConfig) -> bool:
        """Train a copy of `network` (the caller keeps its own) on the data with this config."""
        self.stop()
        try:
            config.validate(data.m)
        except DeepStepError as e:
            self.error.emit("Cannot start training", str(e))
            return False
        self._control = RemoteControl() if self.use_process else TrainControl()
        self._worker = _Worker(network.copy(), data, config, self._control)
        worker = self._worker
        # The worker's own identity travels with its signal: a late "finished" from a worker
        # that was already stopped and replaced must not end the new one.
        worker.finished.connect(lambda: self._on_worker_finished(worker))
        worker.start()
        self._timer.start()
        self._set_state("running")
        return True

    def pause(self) -> None:
        """Ask the worker to pause; the state says "paused" once it has (within a frame or two)."""
        if self._control is not None and self.running:
            self._control.pause()

    def resume(self) -> None:
        if self._control is not None and self.running:
            self._control.resume()
            self._control.request_snapshot()
            self._set_state("running")

    def set_hyperparameters(self, learning_rate=None, l2=None) -> None:
        """Applied from the next iteration of a running worker."""
        if self._control is not None:
            self._control.set_hyperparameters(learning_rate=learning_rate, l2=l2)

    def stop(self, discard: bool = False) -> None:
        """Stop the worker and wait for it: nothing is left running.

        Its last snapshots are handed on, unless `discard` (the network they belong to was
        edited away: they no longer fit it).
        """
        if self._worker is None:
            return
        self._control.stop()
        if not self._worker.wait(STOP_WAIT_MS):
            # A child that does not end its run when told (it never should) is killed: the
            # window must not hang on it. Its reader then ends with "stopped unexpectedly".
            self._worker.kill_child()
            self._worker.wait()
        if not discard:
            self._poll()
        self._discard()

    def _discard(self) -> None:
        if self._worker is not None:
            self._worker.deleteLater()
        self._worker = None
        self._control = None
        self._timer.stop()
        self._set_state("idle")

    def _poll(self) -> None:
        if self._worker is None:
            return
        control = self._control
        settled = control is not None and control.pause_requested and control.waiting
        snap, costs, test_costs, snaps = self._worker.take()
        if control is not None and not control.pause_requested:
            control.request_snapshot()  # the next frame's snapshot, whatever k is
        if snap is not None:
            if snap.stopped is not None:
                self._final = snap
            self.snapshot.emit(snap, costs, test_costs, snaps)
        if settled:  # read before take(): the snapshot taken is the one it waits at
            self._set_state("paused")

    def _on_worker_finished(self, worker) -> None:
        if worker is not self._worker:
            return
        self._poll()
        error = worker.error
        final = self._final
        self._final = None
        self._discard()
        if error:
            self.error.emit("Training stopped", error)
        elif final is not None:
            self.finished.emit(final)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)
