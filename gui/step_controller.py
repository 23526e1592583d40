"""Step-through mode: one pass of gradient descent, a step at a time, on a chosen batch.

Wraps core.stepper.Stepper (the engine's own per-layer functions). While stepping, training is
stopped and the timeline shows the present. The pass uses the session's current parameters; the
update step puts the updated parameters into the network (the canvas shows them change) and the
next step begins a new pass, so stepping is training, one layer at a time. The network always
holds the parameters of the step on screen: stepping back over the update, even from the next
pass, restores the parameters from before it.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.stepper import Stepper

MAX_SHOWN_EXAMPLES = 16
MAX_PASSES_KEPT = 20    # completed passes one can step back into (a cat-sized pass holds ~5 MB)


class StepController(QObject):
    changed = Signal()            # the current step (or the pass) changed
    active_changed = Signal(bool)
    batch_changed = Signal(object)   # k, or None for the whole training set

    def __init__(self, controller, training, parent=None):
        super().__init__(parent)
        self.controller, self.training = controller, training
        self.active = False
        self.batch_size: int | None = 4    # the first k examples; None: the whole training set
        self.follow: int | None = None     # the example (column) highlighted everywhere
        self.passes = 0                    # passes completed (updates applied) in this session
        self.stepper: Stepper | None = None
        self._earlier: list[Stepper] = []  # completed passes before this one, newest last
        self._applied = None               # the parameter dict last put into the network
        self._applying = False
        controller.network_changed.connect(self._on_network_changed)
        controller.data_changed.connect(self._rebuild)
        # Training and stepping are two ways through the same pass: playing leaves stepping.
        training.state_changed.connect(lambda state: state == "running" and self.set_active(False))

    # --- mode -------------------------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        if on:
            self.training.stop()
            # A pass of a moment shown from the timeline would update the past: step the present.
            self.training.back_to_present()
            self._rebuild()
        else:
            self.stepper = None
            self._earlier.clear()
            self.changed.emit()
        self.active_changed.emit(on)

    def set_batch_size(self, k: int | None) -> None:
        changed = k != self.batch_size
        self.batch_size = k
        if changed:
            self.batch_changed.emit(k)
        if self.follow is not None and self.follow >= self.m:
            self.follow = None
        self._rebuild()

    def set_follow(self, i: int | None) -> None:
        self.follow = i if i is None or 0 <= i < self.m else None
        self.changed.emit()

    @property
    def m(self) -> int:
        m = self.controller.data.m
        return m if self.batch_size is None else min(self.batch_size, m)

    @property
    def result(self):
        """The StepResult on screen, or None before the first step."""
        if self.stepper is None or not self.stepper.results:
            return None
        return self.stepper.results[-1]

    # --- moving -----------------------------------------------------------------------------------
    def next(self) -> None:
        if not self.active:
            self.set_active(True)
        self.training.back_to_present()   # the timeline was moved meanwhile: the pass restarts there
        if self.stepper is None:
            return
        if self.stepper.done:  # the update is in the network: the next pass starts from it
            self._earlier = (self._earlier + [self.stepper])[-MAX_PASSES_KEPT:]
            self.passes += 1
            self._new_pass()
            return
        self.stepper.forward_step()
        self._moved()

    def previous(self) -> None:
        if self.stepper is None:
            return
        if not self.stepper.results:
            if not self._earlier:
                return
            # Back across the start of a pass: the previous pass, at its update step.
            self.stepper = self._earlier.pop()
            self.passes -= 1
        else:
            self.stepper.back_step()
        self._moved()

    def run_to_end(self) -> None:
        if not self.active:
            self.set_active(True)
        self.training.back_to_present()
        if self.stepper is not None:
            self.stepper.run_to_end()
            self._moved()

    def restart(self) -> None:
        if self.stepper is not None:
            self.stepper.restart()
            self._moved()

    # --- plumbing ---------------------------------------------------------------------------------
    def _moved(self) -> None:
        """The network takes the parameters of the step now current: updated at the update step,
        as they were before it at every other step."""
        parameters = self.stepper.parameters
        if parameters is not self._applied:
            self._applied = parameters
            self._applying = True
            try:
                self.controller.set_parameters(parameters)
            finally:
                self._applying = False
        self.changed.emit()

    def _on_network_changed(self) -> None:
        if not self._applying:
            self._rebuild()

    def _rebuild(self) -> None:
        """A fresh pass from the session's current parameters and the chosen batch; the network,
        data or batch changed, so earlier passes can no longer be stepped back into."""
        if not self.active:
            return
        self._earlier.clear()
        self._new_pass()

    def _new_pass(self) -> None:
        data, network = self.controller.data, self.controller.network
        k = self.m
        hyper = self.controller.session.hyper
        self.stepper = Stepper(network, data.X[:, :k], data.Y[:, :k], hyper.learning_rate, hyper.l2)
        self._applied = self.stepper.parameters   # equal to the network's: nothing to put back
        self.changed.emit()
