"""The timeline: scrub back through the moments of the current run; the canvas, boundary and
neuron maps show the network as it was then. Play (or "Present") goes on from the present."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from .pacing import Pace
from .train_actions import keep_keys


class TimelineBar(QWidget):
    def __init__(self, training, parent=None):
        super().__init__(parent)
        self.training = training
        self.setAccessibleName("Timeline")
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setToolTip("Drag back through the run: the network, boundary and neuron maps show "
                               "each moment as it was (training pauses)")
        self.slider.setAccessibleName("Timeline of the run")
        self.label = QLabel()
        # Never narrower than its text (a laptop's dock clipped "iteration 10,000 (prese"): the
        # slider gives way instead. Its size is fixed, and grows only when a text needs more
        # (see _fit_label): the moment's number changes 10 times a second while training, and a
        # label free to resize relaid out the training panel, its dock and the window's docks.
        self.label.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Preferred)
        self.label.setAccessibleName("Moment shown")
        self.label.setToolTip("The iteration shown: the present (the latest), or a past moment")
        self.present = QPushButton("Present")
        self.present.setToolTip("Back to the latest parameters (Play also goes on from the present)")
        self.present.setAccessibleName("Back to the present")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Timeline"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.present)
        self.slider.valueChanged.connect(self._moved)
        keep_keys(self.slider)
        self.present.clicked.connect(training.back_to_present)
        # While training runs, a moment is added every frame: the slider and its label follow at
        # most 10 times a second. Scrubbing, a reset or a pause show at once.
        self._pace = Pace(self.refresh, parent=self, training=training)
        training.timeline_changed.connect(self._on_timeline_changed)
        training.was_reset.connect(self._after_reset)
        self.refresh()

    def _on_timeline_changed(self) -> None:
        if self.training.viewing is None:
            self._pace.ask()
        else:
            self._pace.flush()    # a moment scrubbed to shows at once

    def refresh(self) -> None:
        moments = self.training.timeline()
        viewing = self.training.viewing
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(moments) - 1))
        if viewing is None:
            self.slider.setValue(self.slider.maximum())
        else:
            index = next((k for k, (i, _) in enumerate(moments) if i == viewing), self.slider.value())
            self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.slider.setEnabled(len(moments) > 1)
        self.present.setEnabled(viewing is not None)
        if viewing is not None:
            self._set_label(f"<b>{viewing:,}</b> (past)")   # the iteration: the status line names it
        elif moments:
            self._set_label(f"{moments[-1][0]:,} (present)")
        else:
            self._set_label("no moments yet")

    def _after_reset(self) -> None:
        self.refresh()
        self._fit_label(shrink=True)     # a new run: the label as narrow as its text again

    def _set_label(self, text: str) -> None:
        if text == self.label.text():
            return
        self.label.setText(text)
        self._fit_label()

    def _fit_label(self, shrink: bool = False) -> None:
        """A fixed size at least as wide as the text (a new digit widens it once)."""
        need = self.label.sizeHint()
        width = need.width() if shrink else max(need.width(), self.label.minimumWidth())
        if (width, need.height()) != (self.label.minimumWidth(), self.label.maximumHeight()):
            self.label.setFixedSize(width, need.height())

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.FontChange and hasattr(self, "label"):
            self._fit_label(shrink=True)   # the label's font follows ours (presentation mode)

    def _moved(self, index: int) -> None:
        if index == self.slider.maximum() and self.training.viewing is None:
            return
        self.training.show_past(index)
