"""Training as the user drives it: play, pause, one step, reset, hyperparameters, runs.

Owns the Trainer (the worker thread) and the RunBook. Each snapshot's parameters go into the
session through the SessionController, so every panel that draws the network redraws. Editing the
network or the data pauses and resets cleanly: the worker stops and the run ends.
"""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from PySide6.QtCore import QObject, Signal

from core.errors import ConfigError
from core.history import CostHistory, ThinnedSeries
from core.runs import RunBook, fingerprint, keep_in_timeline
from core.session import Hyperparameters, InitSettings
from core.training import TrainConfig, check_l2, check_learning_rate
from .trainer import Trainer

GRAD_HISTORY_LIMIT = 2000
MERGE_SECONDS = 1.5   # changes to one setting this close together are one change (a slider drag)
FALLBACK_SNAPSHOT_EVERY = 1000   # snapshots come on request every frame; this is a floor


def record_stride(iterations: int, capacity: int = CostHistory().capacity) -> int:
    """Record the cost every k-th iteration: k the smallest power of two that keeps a run of
    `iterations` within the cost history's capacity. Finer points would only be thinned away
    again, and on a small network each recorded cost (and test cost) costs as much as a layer:
    recording all 10,000 of the flower's iterations held training to 75 % of its speed."""
    k = 1
    while iterations // k + 1 > capacity - 2:
        k *= 2
    return k


class TrainingController(QObject):
    state_changed = Signal(str)        # "idle", "running", "paused"
    snapshot = Signal(object)          # a Snapshot, after its parameters reached the session
    run_started = Signal(object)       # Run
    run_updated = Signal(object)       # Run, with new points
    run_finished = Signal(object)      # Run, its `stopped` says why
    runs_changed = Signal()            # runs added, removed or (un)ticked
    hyper_changed = Signal()           # session.hyper or session.init changed
    diverged = Signal(str)             # the reason, for a visible message
    was_reset = Signal()               # back at iteration 0 (reset, or an edit ended the run)
    timeline_changed = Signal()        # a moment added, or the view moved to the past or back
    message = Signal(str)              # a short status-bar note
    error = Signal(str, str)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.runs = RunBook()
        self.current = None            # the Run being trained, or None after a reset/edit
        self.iteration = 0             # iterations done in the current run
        self.same_start = True         # reset returns to the seeded start: runs compare fairly
        self.last_snapshot = None
        self.viewing = None            # the iteration shown from the timeline, or None: the present
        self._present = None           # the parameters of the present while the past is shown
        self._state = "idle"
        self._last_change = None       # the change a next one to the same setting merges into
        self.trainer = Trainer(self)
        self.trainer.snapshot.connect(self._on_snapshot)
        self.trainer.finished.connect(self._on_finished)
        self.trainer.error.connect(self.error)
        self.trainer.state_changed.connect(self._on_trainer_state)
        self._network = controller.network   # the network before the next edit
        controller.structure_changed.connect(self._on_edit)

    @property
    def session(self):
        return self.controller.session

    @property
    def state(self) -> str:
        return self._state

    # --- commands -------------------------------------------------------------------------------
    def toggle(self) -> None:
        self.pause() if self._state == "running" else self.play()

    # --- the timeline ------------------------------------------------------------------------------
    def timeline(self) -> list:
        """The moments of the run in progress. After a reset or an edit there is none: the network
        on screen is a new start, and an ended run's moments (perhaps of another shape) are not
        its past."""
        return self.current.timeline if self.current is not None else []

    def show_past(self, index: int) -> None:
        """Show the network as it was at timeline moment `index`; training pauses meanwhile."""
        moments = self.timeline()
        if not moments:
            return
        index = max(0, min(index, len(moments) - 1))
        if self._state == "running":
            self.pause()
        present = self.controller.network.parameters
        iteration, parameters = moments[index]
        if not self.controller.set_parameters(dict(parameters)):
            return  # a moment of another shape is never shown as the network's past
        if self._present is None:
            self._present = present
        self.viewing = iteration
        self.timeline_changed.emit()

    def back_to_present(self) -> None:
        if self._present is None:
            return
        present, self._present, self.viewing = self._present, None, None
        self.controller.set_parameters(present)
        self.timeline_changed.emit()

    def play(self) -> None:
        self.back_to_present()  # training resumes from the present, not from a moment shown
        if self._state == "paused" and self.trainer.running:
            self.trainer.resume()
            return
        if self._state == "running":
            return
        remaining = self.session.hyper.iterations - self.iteration
        if remaining <= 0:
            self.message.emit(f"Reached {self.session.hyper.iterations:,} iterations: raise the limit "
                              "or reset to train again")
            return
        self._start(remaining)

    def step(self) -> None:
        """One iteration, then stop (pauses a running run first)."""
        self.back_to_present()
        if self.trainer.running:
            self.trainer.stop()
        self._start(1)

    def pause(self) -> None:
        self.trainer.pause()

    def resume(self) -> None:
        """Take back a pause, whether or not it has taken effect yet."""
        self.trainer.resume()

    def stop(self) -> None:
        """Stop the worker; the run stays open and can go on."""
        self.trainer.stop()

    def reset(self) -> None:
        """Back to the initial weights: a new run begins at the next play."""
        self._present, self.viewing = None, None
        self.trainer.stop()
        self._end_run("reset")
        if not self.same_start:  # a new seed each time, so runs start differently
            init = self.session.init
            self.session.init = replace(init, seed=init.seed + 1)
            self.hyper_changed.emit()
        self.controller.reset_parameters()
        self.iteration = 0
        self.last_snapshot = None
        self.was_reset.emit()
        self.message.emit("Reset to the initial weights")

    def shutdown(self) -> None:
        """Stop and join the worker (the window is closing)."""
        self.trainer.stop()

    def set_hyperparameters(self, **changes) -> bool:
        """learning_rate, iterations, batch_size, l2, target_cost; checked before use.

        A running worker takes the learning rate and λ from its next iteration; other changes
        restart it from the current parameters, the run going on.
        """
        old = self.session.hyper
        try:
            new = replace(old, **changes)
            _check(new, self.controller.data.m)
        except (ConfigError, TypeError) as e:
            self.error.emit("Cannot use this setting", str(e))
            return False
        if new == old:
            return True
        self.session.hyper = new
        if self.current is not None:
            for key, value in changes.items():
                if getattr(old, key) != value:
                    self._log_change(key, getattr(old, key), value)
            self.run_updated.emit(self.current)
        self.hyper_changed.emit()
        if self.trainer.running:
            live = {k for k in changes if k in ("learning_rate", "l2")}
            if live == set(changes):
                self.trainer.set_hyperparameters(learning_rate=changes.get("learning_rate"), l2=changes.get("l2"))
            else:
                paused = self._state == "paused"
                self.trainer.stop()
                if not paused:
                    self.play()
        return True

    def _log_change(self, key: str, before, after) -> None:
        """Note a change in the run's log, merged with the previous one when it goes on with it.

        A slider dragged over fifty positions is one change ("lr 1.2 → 0.05"), not fifty: changes
        to the same setting merge while no iteration ran in between (the values in between were
        never used) or while they come less than MERGE_SECONDS apart (a drag over a running run).
        """
        run, now = self.current, time.monotonic()
        last = self._last_change
        if (last is not None and last["run"] is run and last["key"] == key
                and len(run.changes) in (last["index"], last["index"] + 1)
                and (last["iteration"] == self.iteration or now - last["time"] < MERGE_SECONDS)):
            del run.changes[last["index"]:]
            before, iteration = last["before"], last["iteration"]
        else:
            last = self._last_change = {"run": run, "key": key, "before": before,
                                        "index": len(run.changes), "iteration": self.iteration}
            iteration = self.iteration
        last["time"] = now
        if after != before:  # dragged back to where it began: nothing changed
            run.changes.append((iteration, f"{_SHORT[key]} {_fmt(before)} → {_fmt(after)}"))

    def set_init(self, scheme: str | None = None, seed: int | None = None) -> None:
        """A new initialisation is a new start: the run ends and the weights reset."""
        init = self.session.init
        self.session.init = InitSettings(scheme or init.scheme, init.seed if seed is None else seed, init.scale)
        self.hyper_changed.emit()
        self.reset()

    def set_run_visible(self, number: int, visible: bool) -> None:
        run = self.runs.get(number)
        if run is not None and run.visible != visible:
            run.visible = visible
            self.runs_changed.emit()

    def restore_runs(self, runs, current: int | None = None, iteration: int = 0) -> None:
        """The runs of an opened session file; the open one (if any) goes on from `iteration`."""
        self.trainer.stop(discard=True)
        self._present, self.viewing = None, None
        self.runs.restore(runs)
        self.current = self.runs.get(current) if current is not None else None
        if self.current is not None and not isinstance(self.current.grad_norms, ThinnedSeries):
            self.current.grad_norms = ThinnedSeries(GRAD_HISTORY_LIMIT, self.current.grad_norms)
        self._last_change = None
        self.iteration = iteration if self.current is not None else 0
        self.last_snapshot = None
        self.runs_changed.emit()
        self.hyper_changed.emit()
        self.was_reset.emit()
        self.timeline_changed.emit()

    def remove_run(self, number: int) -> None:
        if self.current is not None and self.current.number == number:
            return  # the run in progress stays
        self.runs.remove(number)
        self.runs_changed.emit()

    # --- plumbing -------------------------------------------------------------------------------
    def _start(self, iterations: int) -> None:
        hyper, data, network = self.session.hyper, self.controller.data, self.controller.network
        # One iteration at a time records each; a run records at the stride its length needs.
        record_every = 1 if iterations == 1 else record_stride(hyper.iterations)
        config = TrainConfig(learning_rate=hyper.learning_rate, iterations=iterations,
                             batch_size=hyper.batch_size, l2=hyper.l2, record_every=record_every,
                             snapshot_every=FALLBACK_SNAPSHOT_EVERY, target_cost=hyper.target_cost,
                             seed=self.session.init.seed, start_iteration=self.iteration)
        if self.current is None:
            self._begin_run()
        else:
            self.current.stopped = None  # going on: a run that had completed is open again
        self.trainer.start(network, data, config)

    def _begin_run(self) -> None:
        s = self.session
        net = s.network
        self.current = self.runs.new(data_name=s.data.name or "data", layer_sizes=net.layer_sizes,
                                     activations=net.activations, init=s.init, hyper=s.hyper,
                                     start=fingerprint(net.parameters))
        # The norms of a long run thinned evenly over all of it, the first and latest kept.
        self.current.grad_norms = ThinnedSeries(GRAD_HISTORY_LIMIT)
        self._drop_old_timelines()
        self.run_started.emit(self.current)
        self.runs_changed.emit()

    def _end_run(self, reason: str) -> None:
        run = self.current
        if run is None:
            return
        # run.hyper stays the settings the run started with (the legend compares starts);
        # what changed on the way is in run.changes.
        run.stopped = run.stopped or reason
        self.current = None
        self._drop_old_timelines()
        self.run_finished.emit(run)

    def _drop_old_timelines(self) -> None:
        """Only the run in progress can be scrubbed (see timeline()); the newest keeps its moments
        too, for the script export's first moment.

        The moments of older runs are dead weight: up to 64 MB each, 50 runs kept.
        """
        keep = self.current or (self.runs.runs[-1] if self.runs.runs else None)
        for run in self.runs.runs:
            if run is not keep:
                run.timeline.clear()

    def _on_snapshot(self, snap, costs, test_costs, snaps) -> None:
        self.iteration = snap.iteration
        self.last_snapshot = snap
        run = self.current
        if self._present is not None:  # the past is on screen: the present moves on behind it
            self._present = dict(snap.parameters)
        else:
            self.controller.set_parameters(dict(snap.parameters))
        if run is not None:
            for each in snaps:  # every snapshot the engine yielded, not only this frame's
                keep_in_timeline(run, each.iteration, each.parameters)
                if each.grad_norms is not None:
                    run.grad_norms.append((each.iteration, each.grad_norms))  # bounded, even
            self.timeline_changed.emit()
            run.costs.extend(costs)
            run.test_costs.extend(test_costs)
            run.iterations = snap.iteration
            run.train_accuracy, run.test_accuracy = snap.train_accuracy, snap.test_accuracy
            self.run_updated.emit(run)
        self.snapshot.emit(snap)

    def _on_finished(self, snap) -> None:
        if snap.diverged:
            if self.current is not None:
                self.current.stopped = snap.stopped
            # The engine's words name the iteration that failed and the one whose parameters
            # are kept, the iteration the panel shows.
            self.diverged.emit(snap.stopped[0].upper() + snap.stopped[1:])
        elif snap.stopped.startswith("target") and self.current is not None:
            self.current.stopped = snap.stopped
            self.message.emit(snap.stopped[0].upper() + snap.stopped[1:])
        elif snap.stopped == "completed" and self.iteration >= self.session.hyper.iterations:
            if self.current is not None:
                self.current.stopped = "completed"
            self.message.emit(f"Stopped at {self.iteration:,} iterations")
        if self.current is not None:
            self.run_updated.emit(self.current)

    def _on_trainer_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _on_edit(self) -> None:
        """The architecture or data changed: the worker stops, the run ends and the weights reset.

        An edit keeps every tensor that still fits, trained or not; training on from those would
        start the next run somewhere no reset ever returns to (a tanh-trained net switched to ReLU
        began at cost 125), and runs compared afterwards would not share their start. So the
        weights go back to the session's initial parameters, as R does, unless the new network
        came with weights of its own (an imported model).
        """
        self._present, self.viewing = None, None
        self.trainer.stop(discard=True)
        self._end_run("network or data edited")
        before, self._network = self._network, self.controller.network
        if _derived(self._network, before):
            self.controller.reset_parameters()
        self.iteration = 0
        self.last_snapshot = None
        self.was_reset.emit()


def _derived(network, before) -> bool:
    """Whether `network` came from editing `before`: some tensor of it is one kept from `before`.

    An edit (architecture.rebuild, a data change) keeps every tensor that still fits; an imported
    model brings tensors of its own, which match none of the old ones. All-zero tensors (the b's
    of an untrained network) say nothing either way, so they are not compared.
    """
    if network is before:
        return True
    old = [v for v in before.parameters.values() if v.any()]
    return any(v.shape == o.shape and np.array_equal(v, o)
               for v in network.parameters.values() for o in old)


_SHORT = {"learning_rate": "lr", "iterations": "N", "batch_size": "batch", "l2": "λ", "target_cost": "target"}


def _fmt(value) -> str:
    return "full" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _check(hyper: Hyperparameters, m: int) -> None:
    check_learning_rate(hyper.learning_rate)
    check_l2(hyper.l2)
    TrainConfig(learning_rate=hyper.learning_rate, iterations=hyper.iterations, batch_size=hyper.batch_size,
                l2=hyper.l2, target_cost=hyper.target_cost).validate(m)


__all__ = ["TrainingController"]
