"""The Examples menu: lecture presets in one click, each saying in a line what it shows."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from core import architecture
from core.errors import DeepStepError
from core.presets import Preset, load_presets
from .data_panel import companion_test_file, open_data_file, open_data_path


def apply_network(window, hidden, init, hyper, title: str, label: str | None = None) -> bool:
    """Set the hidden layers [(units, activation), ...], the initialisation and the hyperparameters
    of an example through the controllers (undoable as "Example: label", validated); False after
    showing why not under `title`."""
    c, training = window.controller, window.training
    try:
        network = architecture.with_hidden(c.network, [n for n, _ in hidden], [a for _, a in hidden],
                                           init.scheme, init.seed)
    except DeepStepError as e:
        window.show_error(title, str(e))
        return False
    c.set_network(network, f"Example: {label or title}")
    training.set_init(scheme=init.scheme, seed=init.seed)
    training.set_hyperparameters(learning_rate=hyper.learning_rate, iterations=hyper.iterations,
                                 batch_size=hyper.batch_size, l2=hyper.l2, target_cost=hyper.target_cost)
    return True


class PresetRunner(QObject):
    """Applies a preset to the window's session; trains a sweep as compared runs, one after another."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._sweep: list[int] = []
        self._preset: Preset | None = None
        window.training.state_changed.connect(self._on_state)

    def apply(self, preset: Preset) -> bool:
        w = self.window
        c, training = w.controller, w.training
        training.stop()
        w.stepping.set_active(False)
        self._sweep = []
        if preset.data is not None:
            if not c.set_data_settings(preset.data, text=f"Example: {preset.title}"):
                return False
        elif c.data.n_x != preset.requires_images:
            answer = QMessageBox.question(
                w, preset.title, f"{preset.shows}\n\nThis example needs the course's cat images "
                f"({preset.requires_images:,} inputs). Open train_catvnoncat.h5 now?")
            if answer != QMessageBox.Yes or not open_data_file(w, c):
                return False
            if c.data.n_x != preset.requires_images:
                w.show_error(preset.title, f"These data have {c.data.n_x:,} inputs, not "
                                           f"{preset.requires_images:,}: open train_catvnoncat.h5.")
                return False
        if preset.data is None and c.data.X_test is None:
            # The images are open without their test set: the course's test file beside the
            # training file gives the test accuracy the lecture compares with.
            test = companion_test_file(c.session.data_settings.source)
            if test is not None:
                open_data_path(c, c.session.data_settings.source)
        if not apply_network(w, preset.hidden, preset.init, preset.hyper, preset.title):
            return False
        self._preset = preset
        w.statusBar().showMessage(f"{preset.title}: {preset.shows}", 15000)
        w.training_panel.status.setText(preset.shows)
        if preset.sweep:
            for run in training.runs.runs:  # the sweep's runs alone on the plot
                training.set_run_visible(run.number, False)
            self._sweep = list(preset.sweep)
            self._next_in_sweep()
        return True

    def forget(self) -> None:
        """A new or opened session replaces the example: no sweep goes on, no caption names it."""
        self._sweep = []
        self._preset = None

    def current(self) -> Preset | None:
        """The example last loaded, while the session is still that example (same data source,
        same layers and activations); None once the user has made it something else."""
        p, c = self._preset, self.window.controller
        if p is None:
            return None
        net = c.network
        if p.data is not None and c.session.data_settings.source != p.data.source:
            return None
        if p.data is None and c.data.n_x != p.requires_images:
            return None
        if list(net.activations) != p.activations():
            return None
        hidden = list(net.layer_sizes[1:-1])
        wanted = [n for n, _ in p.hidden]
        if hidden != wanted and not (p.sweep and hidden[1:] == wanted[1:] and hidden[0] in p.sweep):
            return None
        return p

    def _next_in_sweep(self) -> None:
        if not self._sweep:
            return
        units = self._sweep.pop(0)
        w = self.window
        if w.controller.network.L > 1:
            w.controller.set_units(1, units)
        w.training.reset()
        w.training.play()

    def _on_state(self, state: str) -> None:
        # The trainer says "idle" just before it reports how the run finished: the next size
        # waits for that report, or the edit would end the finished run as "edited", not "done".
        if state == "idle" and self._sweep:
            QTimer.singleShot(0, self, self._continue_sweep)

    def _continue_sweep(self) -> None:
        t = self.window.training
        if not self._sweep or t.state != "idle" or t.iteration < t.session.hyper.iterations:
            return   # stopped or paused part way: Play finishes this size, then the sweep goes on
        if self.current() is None:
            self._sweep = []   # the user made the session something else: no more sizes
            return
        self._next_in_sweep()


def install_presets(window) -> None:
    runner = PresetRunner(window)
    window.presets = runner
    menu = window.menuBar().addMenu("E&xamples")
    help_action = next((a for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"), None)
    if help_action is not None:
        window.menuBar().insertMenu(help_action, menu)
    window.preset_actions = {}
    for preset in load_presets():
        action = QAction(preset.title, window)
        action.setToolTip(preset.shows)
        action.setStatusTip(preset.shows)
        action.triggered.connect(lambda _=False, p=preset: runner.apply(p))
        menu.addAction(action)
        window.preset_actions[preset.id] = action
    menu.setToolTipsVisible(True)
