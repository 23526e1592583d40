"""Step-through mode: one pass of gradient descent, a step at a time, on a chosen batch.

Wraps core.stepper.Stepper (the engine's own per-layer functions). While stepping, training is
stopped. The pass uses the session's current parameters; when a pass is complete (the update is
done), the next step applies the updated parameters to the network and begins a new pass, so
stepping is training, one layer at a time.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.stepper import Stepper

MAX_SHOWN_EXAMPLES = 16


class StepController(QObject):
    changed = Signal()            # the current step (or the pass) changed
    active_changed = Signal(bool)

    def __init__(self, controller, training, parent=None):
        super().__init__(parent)
        self.controller, self.training = controller, training
        self.active = False
        self.batch_size: int | None = 4    # the first k examples; None: the whole training set
        self.follow: int | None = None     # the example (column) highlighted everywhere
        self.passes = 0                    # passes completed (updates applied) in this session
        self.stepper: Stepper | None = None
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
            self._rebuild()
        else:
            self.stepper = None
            self.changed.emit()
        self.active_changed.emit(on)

    def set_batch_size(self, k: int | None) -> None:
        self.batch_size = k
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
        if self.stepper is None:
            return
        if self.stepper.done:  # the pass is complete: its update goes into the network
            self._apply_update()
            return
        self.stepper.forward_step()
        self.changed.emit()

    def previous(self) -> None:
        if self.stepper is not None and self.stepper.results:
            self.stepper.back_step()
            self.changed.emit()

    def run_to_end(self) -> None:
        if not self.active:
            self.set_active(True)
        if self.stepper is not None:
            self.stepper.run_to_end()
            self.changed.emit()

    def restart(self) -> None:
        if self.stepper is not None:
            self.stepper.restart()
            self.changed.emit()

    # --- plumbing ---------------------------------------------------------------------------------
    def _apply_update(self) -> None:
        parameters = self.stepper.parameters
        self._applying = True
        try:
            self.controller.set_parameters(parameters)
        finally:
            self._applying = False
        self.passes += 1
        self._rebuild()

    def _on_network_changed(self) -> None:
        if not self._applying:
            self._rebuild()

    def _rebuild(self) -> None:
        """A fresh pass from the session's current parameters and the chosen batch."""
        if not self.active:
            return
        data, network = self.controller.data, self.controller.network
        k = self.m
        hyper = self.controller.session.hyper
        self.stepper = Stepper(network, data.X[:, :k], data.Y[:, :k], hyper.learning_rate, hyper.l2)
        self.changed.emit()
