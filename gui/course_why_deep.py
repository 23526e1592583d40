"""Course, week 4: why deep. A deep narrow network and a shallow wide one of the same parameter count,
trained one after the other on the same XOR-of-XORs data and compared as runs on the cost plot.

The pair lives in resources/course/why_deep.json (core.course.load_why_deep). Applying it works like
the Examples menu's hidden-size sweep (gui/presets_menu.py): each network is set through the
controllers, reset to its seeded start and played; when one reaches its iterations the next starts.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from core.course import WhyDeep, load_why_deep
from core.session import DataSettings
from .presets_menu import apply_network


class WhyDeepRunner(QObject):
    finished = Signal()   # both runs trained

    def __init__(self, window, preset: WhyDeep | None = None):
        super().__init__(window)
        self.window = window
        self.preset = preset or load_why_deep()
        self._queue: list[int] = []   # networks still to train
        self._current: int | None = None  # the network training now
        self.runs: list = []   # the runs this pair trained, deep first
        window.training.state_changed.connect(self._on_state)

    @property
    def running(self) -> bool:
        return bool(self._queue) or self._current is not None

    def apply(self) -> bool:
        """Open the data, then train the deep network and after it the shallow one."""
        w, p = self.window, self.preset
        training = w.training
        training.stop()
        w.stepping.set_active(False)
        self._queue, self._current, self.runs = [], None, []
        if not w.controller.set_data(p.data(), DataSettings(source="custom"), f"Example: {p.title}"):
            return False
        for run in training.runs.runs:  # the pair alone on the plot
            training.set_run_visible(run.number, False)
        self._queue = list(range(len(p.networks)))
        w.statusBar().showMessage(f"{p.title}: {p.shows}", 15000)
        w.training_panel.status.setText(p.shows)
        return self._next()

    def _next(self) -> bool:
        if not self._queue:
            self._current = None
            QTimer.singleShot(0, self._report)  # after the trainer's own "Stopped at N" note
            self.finished.emit()
            return True
        k = self._queue.pop(0)
        w, p = self.window, self.preset
        training = w.training
        name, hidden = p.networks[k]
        if not apply_network(w, hidden, p.init, p.hyper, p.title, label=name):
            self._queue, self._current = [], None
            return False
        self._current = k
        training.reset()
        training.play()
        if training.current is not None:
            self.runs.append(training.current)
        return True

    def _on_state(self, state: str) -> None:
        t = self.window.training
        if state != "idle" or self._current is None:
            return
        if not self.runs or t.current is not self.runs[-1]:
            # Something else was trained meanwhile (another example, an edit): the pair is abandoned.
            self._queue, self._current = [], None
            return
        if t.iteration >= t.session.hyper.iterations:
            # Later, not now: the trainer says "idle" just before "finished", and the next network
            # set now would end this run as "edited" before it is marked completed.
            QTimer.singleShot(0, self._next)

    def _report(self) -> None:
        names = [name for name, _ in self.preset.networks]
        parts = [f"{name}: {run.train_accuracy:.0%}" for name, run in zip(names, self.runs)
                 if run.train_accuracy is not None]
        if parts:
            text = "Why deep, training accuracy · " + " · ".join(parts)
            self.window.statusBar().showMessage(text, 20000)
            self.window.training_panel.status.setText(text)
