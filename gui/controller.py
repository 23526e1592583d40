"""The one Qt-side owner of the Session: every edit goes through here, is undoable, and is announced.

Panels never change the session themselves: they call a method here and redraw when a signal
says their part changed. Architecture and data edits are QUndoStack commands holding the state
before and after (the data, its settings and the network), so undo restores exactly.
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.dataset import DataSet
from core.generators import GENERATORS
from core.errors import ConfigError, DeepStepError
from core.network import Network, check_parameters
from core.propagation import forward
from core.session import DataSettings, Session, load_data, with_point, without_point


class State(NamedTuple):
    """The undoable part of a session."""
    data: DataSet
    data_settings: DataSettings
    network: Network


class _StateCommand(QUndoCommand):
    def __init__(self, controller: "SessionController", text: str, before: State, after: State):
        super().__init__(text)
        self.controller, self.before, self.after = controller, before, after

    def redo(self):
        self.controller._apply(self.after)

    def undo(self):
        self.controller._apply(self.before)


class SessionController(QObject):
    data_changed = Signal()          # the data set (and so n[0], m) changed
    network_changed = Signal()       # architecture or parameters changed
    structure_changed = Signal()     # an edit of the architecture or the data (undo/redo included)
    selection_changed = Signal(int)  # the selected layer l (1..L), or 0 for none
    error = Signal(str, str)         # (title, message) for the window to show

    def __init__(self, session: Session | None = None, parent=None):
        super().__init__(parent)
        self.session = session or Session()
        self.undo_stack = QUndoStack(self)
        self._selected = 0
        self._forward = None

    # --- reading --------------------------------------------------------------------------------
    @property
    def data(self) -> DataSet:
        return self.session.data

    @property
    def network(self) -> Network:
        return self.session.network

    @property
    def selected_layer(self) -> int:
        return self._selected

    def forward_pass(self):
        """(A[L], caches) of the engine's forward pass over the training data, cached until an edit."""
        if self._forward is None:
            self._forward = forward(self.data.X, self.network.parameters, self.network.activations)
        return self._forward

    # --- selection --------------------------------------------------------------------------------
    def select_layer(self, l: int) -> None:
        l = l if 0 <= l <= self.network.L else 0
        if l != self._selected:
            self._selected = l
            self.selection_changed.emit(l)

    # --- architecture edits (undoable) ------------------------------------------------------------
    def insert_layer(self, l: int, units: int = 4, activation: str = "relu") -> bool:
        return self._edit(f"Add hidden layer {l}", "insert_layer", l, units, activation)

    def remove_layer(self, l: int) -> bool:
        return self._edit(f"Remove hidden layer {l}", "remove_layer", l)

    def set_units(self, l: int, units: int) -> bool:
        if units == self.network.layer_sizes[l]:
            return True
        return self._edit(f"Layer {l}: {units} units", "set_units", l, units)

    def set_activation(self, l: int, activation: str) -> bool:
        if activation == self.network.activations[l - 1]:
            return True
        return self._edit(f"Layer {l}: {activation}", "set_activation", l, activation)

    def _edit(self, text: str, edit: str, *args) -> bool:
        try:
            network = self.session.edited(edit, *args)
        except DeepStepError as e:
            self.error.emit("Cannot change the network", str(e))
            return False
        self._push(text, self._state()._replace(network=network))
        return True

    def set_network(self, network: Network, text: str = "Replace the network") -> bool:
        """A whole network (e.g. imported from a model file) for the current data."""
        if network.layer_sizes[0] != self.data.n_x:
            self.error.emit("Cannot use this network", f"it takes {network.layer_sizes[0]:,} inputs, "
                                                        f"the data has n[0] = {self.data.n_x:,}")
            return False
        self._push(text, self._state()._replace(network=network))
        return True

    # --- data edits (undoable) --------------------------------------------------------------------
    def set_data_settings(self, settings: DataSettings, text: str = "Change data set") -> bool:
        """Make the data from settings (a generator or a file); on error the data stays as it was."""
        same = settings == self.session.data_settings
        if same and settings.source in GENERATORS:
            return True  # a generator makes the same points again: nothing to do, no empty undo step
        if same and settings.source == "custom":
            return True
        try:
            data = load_data(settings)   # a file is read again: it may have changed on disk
        except DeepStepError as e:
            self.error.emit("Cannot use this data set", str(e))
            return False
        except MemoryError:
            self.error.emit("Cannot use this data set", "not enough memory to load it")
            return False
        if same and _same_data(data, self.data):
            return True
        return self.set_data(data, settings, text)

    def set_data(self, data: DataSet, settings: DataSettings, text: str = "Change data set") -> bool:
        try:
            network = self.session.network_for(data)
        except DeepStepError as e:
            self.error.emit("Cannot use this data set", str(e))
            return False
        self._push(text, State(data, settings, network))
        return True

    def add_point(self, x: float, y: float, label: int) -> bool:
        return self._custom(f"Add a class-{label} point", with_point, x, y, label)

    def remove_point(self, index: int, test: bool = False) -> bool:
        return self._custom("Remove a point", without_point, index, test)

    def _custom(self, text, fn, *args) -> bool:
        try:
            data = fn(self.data, *args)
        except DeepStepError as e:
            self.error.emit("Cannot edit the points", str(e))
            return False
        settings = replace(self.session.data_settings, source="custom")
        return self.set_data(data, settings, text)

    # --- parameters (not undoable: training changes them all the time) ---------------------------
    def set_parameters(self, parameters: dict) -> bool:
        """New values for the current architecture (training, stepping, the timeline, a reset).

        Parameters of another shape (a late snapshot of a network since edited) are refused.
        """
        try:
            check_parameters(parameters, self.session.network.layer_sizes)
        except ConfigError:
            return False
        self.session.network.parameters = parameters
        self._forward = None
        self.network_changed.emit()
        return True

    def reset_parameters(self) -> None:
        self.set_parameters(self.session.initial_parameters())

    # --- a whole session (not undoable) ----------------------------------------------------------
    def load_session(self, session: Session) -> None:
        """Another whole session (a file opened, or a new one): the undo history starts afresh."""
        self.undo_stack.clear()
        self.session.init, self.session.hyper = session.init, session.hyper
        parameters = session.network.parameters
        self._apply(State(session.data, session.data_settings, session.network))
        if self.session.network.parameters is not parameters:  # a listener reset them, as after an edit
            self.set_parameters(parameters)

    # --- plumbing -----------------------------------------------------------------------------
    def _state(self) -> State:
        s = self.session
        return State(s.data, s.data_settings, s.network)

    def _push(self, text: str, after: State) -> None:
        self.undo_stack.push(_StateCommand(self, text, self._state(), after))

    def _apply(self, state: State) -> None:
        s = self.session
        data_changed = state.data is not s.data
        network_changed = state.network is not s.network
        s.data, s.data_settings, s.network = state
        self._forward = None
        if self._selected > s.network.L:
            self.select_layer(0)
        if data_changed:
            self.data_changed.emit()
        if network_changed or data_changed:  # m changes the shapes of Z and A too
            self.structure_changed.emit()
            self.network_changed.emit()


def _same_data(a: DataSet, b: DataSet) -> bool:
    """Whether a file read again gave exactly the examples already loaded."""
    def same(x, y):
        return (x is None and y is None) or (x is not None and y is not None and np.array_equal(x, y))
    return same(a.X, b.X) and same(a.Y, b.Y) and same(a.X_test, b.X_test) and same(a.Y_test, b.Y_test)
