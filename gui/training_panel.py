"""The training panel: play/pause/step/reset, progress, and the hyperparameters, checked at the control.

A value the engine must not get (a learning rate ≤ 0 or NaN, a batch larger than m, ...) is refused
here with an explanation beside the field; it never reaches the engine.
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QSlider, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from core.network import INIT_SCHEMES
from .pacing import Pace
from .timeline import TimelineBar
from .train_actions import keep_keys

LR_MIN_EXP, LR_MAX_EXP, LR_STEPS_PER_DECADE = -5, 1, 100
INIT_NAMES = {"zeros": "zeros", "small": "small random × 0.01", "xavier": "Xavier ÷ √n[l−1]",
              "he": "He × √(2/n[l−1])"}


def read_learning_rate(text: str) -> tuple[float | None, str]:
    """A typed learning rate: (α, "") or (None, what is wrong with the text, in words)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        return None, f"“{text}” is not a learning rate: type a number > 0, e.g. 0.01"
    return value, ""


class TrainingPanel(QWidget):
    def __init__(self, training, actions, parent=None):
        super().__init__(parent)
        self.training = training
        self.controller = training.controller
        self.setAccessibleName("Training panel")
        self._rate_t, self._rate_i = time.monotonic(), 0
        self._speed = 0.0

        buttons = QHBoxLayout()
        self.buttons = []
        for action in actions.all():
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            b.setMinimumHeight(38)
            b.setAccessibleName(action.text().replace("&", ""))
            buttons.addWidget(b, 1)
            self.buttons.append(b)
        actions.play.changed.connect(lambda: self.buttons[0].setAccessibleName(actions.play.text().replace("&", "")))

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setToolTip("Iterations done out of the stop-at limit")
        self.progress.setAccessibleName("Training progress")
        self.status = QLabel()
        self.status.setAccessibleName("Training status")
        self.status.setWordWrap(True)  # a long note wraps instead of widening the dock
        self.banner = QLabel()
        self.banner.setObjectName("divergenceBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setAccessibleName("Training stopped")

        self.lr_edit = QLineEdit()
        self.lr_edit.setToolTip("Learning rate α: W = W − α·dW. Type a number > 0, then Enter")
        self.lr_edit.setAccessibleName("Learning rate")
        self.lr_edit.editingFinished.connect(self._lr_typed)
        self.lr_slider = QSlider(Qt.Horizontal)
        self.lr_slider.setRange(LR_MIN_EXP * LR_STEPS_PER_DECADE, LR_MAX_EXP * LR_STEPS_PER_DECADE)
        self.lr_slider.setToolTip("Learning rate on a logarithmic scale, from 0.00001 to 10")
        self.lr_slider.setAccessibleName("Learning rate slider")
        self.lr_slider.valueChanged.connect(self._lr_slid)
        keep_keys(self.lr_slider)
        self.lr_error = _error_label()

        self.iterations = QSpinBox()
        self.iterations.setRange(1, 10_000_000)
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.setKeyboardTracking(False)
        self.iterations.setToolTip("Stop after this many iterations")
        self.iterations.setAccessibleName("Stop at iterations")
        self.iterations.valueChanged.connect(lambda v: self.training.set_hyperparameters(iterations=v))

        self.target_on = QCheckBox("Stop at cost ≤")
        self.target_on.setToolTip("Also stop once the training cost is at most this value")
        self.target_on.setAccessibleName("Stop at a target cost")
        self.target = QDoubleSpinBox()
        self.target.setDecimals(4)
        self.target.setRange(0.0001, 10.0)
        self.target.setSingleStep(0.01)
        self.target.setKeyboardTracking(False)
        self.target.setToolTip("The target cost")
        self.target.setAccessibleName("Target cost")
        self.target_on.toggled.connect(self._target_changed)
        self.target.valueChanged.connect(self._target_changed)

        self.batch = QSpinBox()
        self.batch.setKeyboardTracking(False)
        self.batch.setSpecialValueText("full batch")   # 0 means every example at once
        self.batch.setToolTip("Mini-batch size: examples per update; 'full batch' uses all m")
        self.batch.setAccessibleName("Batch size")
        self.batch.valueChanged.connect(lambda v: self.training.set_hyperparameters(batch_size=v or None))

        self.l2 = QDoubleSpinBox()
        self.l2.setDecimals(4)
        self.l2.setRange(0.0, 100.0)
        self.l2.setSingleStep(0.01)
        self.l2.setKeyboardTracking(False)
        self.l2.setToolTip("L2 regularisation λ: adds (λ/2m)·Σ‖W‖² to the cost")
        self.l2.setAccessibleName("L2 lambda")
        self.l2.valueChanged.connect(lambda v: self.training.set_hyperparameters(l2=v))

        self.init = QComboBox()
        for scheme in INIT_SCHEMES:
            self.init.addItem(INIT_NAMES[scheme], scheme)
        self.init.setToolTip("How the initial weights are drawn (changing it resets the weights)")
        self.init.setAccessibleName("Initialisation scheme")
        self.init.activated.connect(lambda i: self.training.set_init(scheme=self.init.itemData(i)))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2 ** 31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("Seed of the initial weights (changing it resets the weights)")
        self.seed.setAccessibleName("Initialisation seed")
        self.seed.valueChanged.connect(lambda v: self.training.set_init(seed=v))
        self.same_start = QCheckBox("Same start")
        self.same_start.setChecked(training.same_start)
        self.same_start.setToolTip("Reset returns to identical initial weights, so compared runs start alike; "
                                   "off: each reset draws with the next seed")
        self.same_start.setAccessibleName("Same start for every run")
        self.same_start.toggled.connect(lambda on: setattr(self.training, "same_start", on))
        for box in (self.target_on, self.same_start):
            keep_keys(box, (Qt.Key_Space,))   # Space ticks the focused box; elsewhere it plays

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self.lr_edit.setFixedWidth(90)
        lr_row = QWidget()
        lr_layout = QHBoxLayout(lr_row)
        lr_layout.setContentsMargins(0, 0, 0, 0)
        lr_layout.addWidget(self.lr_edit)
        lr_layout.addWidget(self.lr_slider, 1)
        form.addRow("Learning rate α", lr_row)
        form.addRow("", self.lr_error)
        form.addRow("Stop at", _row(self.iterations, QLabel("iterations")))
        form.addRow(self.target_on, self.target)
        form.addRow("Batch size", self.batch)
        form.addRow("L2 λ", self.l2)
        form.addRow("Initialisation", self.init)
        form.addRow("Seed", self.seed)
        form.addRow("", self.same_start)   # its own row: beside the seed it widened the dock

        box = QVBoxLayout(self)
        box.addLayout(buttons)
        box.addWidget(self.progress)
        self.timeline = TimelineBar(training)
        box.addWidget(self.timeline)
        box.addWidget(self.status)
        box.addWidget(self.banner)
        box.addLayout(form)
        box.addStretch(1)

        self._snap = None                       # the newest snapshot, for the paced status line
        self._text_pace = Pace(self._show_snapshot, parent=self, training=training)
        training.hyper_changed.connect(self.refresh)
        training.snapshot.connect(self._on_snapshot)
        training.state_changed.connect(self._on_state)
        training.diverged.connect(self.show_banner)
        training.message.connect(lambda text: self.status.setText(text))
        self.controller.data_changed.connect(self.refresh)
        training.was_reset.connect(self._after_reset)
        training.run_started.connect(lambda _: self.banner.setVisible(False))
        self.refresh()
        self._after_reset()

    # --- showing the session --------------------------------------------------------------------
    def refresh(self) -> None:
        hyper, init, m = self.training.session.hyper, self.training.session.init, self.controller.data.m
        widgets = (self.lr_slider, self.iterations, self.target_on, self.target, self.batch, self.l2,
                   self.init, self.seed)
        for w in widgets:
            w.blockSignals(True)
        self.lr_edit.setText(f"{hyper.learning_rate:g}")
        self.lr_slider.setValue(_lr_to_slider(hyper.learning_rate))
        self.iterations.setValue(hyper.iterations)
        self.target_on.setChecked(hyper.target_cost is not None)
        if hyper.target_cost is not None:
            self.target.setValue(hyper.target_cost)
        self.target.setEnabled(hyper.target_cost is not None)
        self.batch.setRange(0, m)
        self.batch.setValue(hyper.batch_size or 0)
        self.l2.setValue(hyper.l2)
        self.init.setCurrentIndex(self.init.findData(init.scheme))
        self.seed.setValue(init.seed)
        for w in widgets:
            w.blockSignals(False)
        self._update_progress()

    def show_banner(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.setVisible(True)

    def _after_reset(self) -> None:
        self._snap = None
        self._text_pace.settle()   # nothing of the ended run may overwrite the "Ready" below
        self.banner.setVisible(False)
        self._update_progress()
        self.status.setText("Ready: press Space to train, → for one iteration")

    def _update_progress(self) -> None:
        n = self.training.session.hyper.iterations
        i = min(self.training.iteration, n)
        # QProgressBar.setValue repaints at once, and a synchronous repaint paints every dirty part
        # of the window mid-frame: the canvas and the plots were painted twice a frame. With
        # updates off it only schedules its paint, with the frame's others.
        self.progress.setUpdatesEnabled(False)
        try:
            self.progress.setRange(0, n)
            self.progress.setValue(i)
            self.progress.setFormat(f"{i:,} / {n:,} iterations")
        finally:
            self.progress.setUpdatesEnabled(True)
        self.progress.update()

    def _on_snapshot(self, snap) -> None:
        """The status line and the progress bar, at most 10 times a second while training runs."""
        self._snap = snap
        self._text_pace.ask()

    def _show_snapshot(self) -> None:
        snap = self._snap
        if snap is None:
            return
        now = time.monotonic()
        if now - self._rate_t >= 0.5:  # iterations per second, smoothed over half a second
            self._speed = (snap.iteration - self._rate_i) / (now - self._rate_t)
            self._rate_t, self._rate_i = now, snap.iteration
        speed = f" · {self._speed:,.0f} it/s" if self._speed > 0 and self.training.state == "running" else ""
        self.status.setText(f"iteration {snap.iteration:,} · cost {snap.cost:.6f}{speed}")
        self._update_progress()

    def _on_state(self, state: str) -> None:
        if state == "running":
            self.banner.setVisible(False)
            self._rate_t, self._rate_i = time.monotonic(), self.training.iteration
        self._update_progress()

    # --- hyperparameters typed or slid -----------------------------------------------------------
    def _lr_typed(self) -> None:
        value, problem = read_learning_rate(self.lr_edit.text())
        if problem:
            self.lr_error.setText(problem)
            self.lr_error.setVisible(True)
            return
        if value > 10 ** LR_MAX_EXP * 10:
            self.lr_error.setText(f"{value:g} is far too large: at most 100")
            self.lr_error.setVisible(True)
            return
        self.lr_error.setVisible(False)
        if self.training.set_hyperparameters(learning_rate=value):
            self.lr_slider.blockSignals(True)
            self.lr_slider.setValue(_lr_to_slider(value))
            self.lr_slider.blockSignals(False)

    def _lr_slid(self, position: int) -> None:
        value = float(f"{10 ** (position / LR_STEPS_PER_DECADE):.3g}")
        self.lr_error.setVisible(False)
        self.lr_edit.setText(f"{value:g}")
        self.training.set_hyperparameters(learning_rate=value)

    def _target_changed(self, *_) -> None:
        on = self.target_on.isChecked()
        self.target.setEnabled(on)
        self.training.set_hyperparameters(target_cost=self.target.value() if on else None)


def _lr_to_slider(lr: float) -> int:
    position = round(math.log10(lr) * LR_STEPS_PER_DECADE)
    return max(LR_MIN_EXP * LR_STEPS_PER_DECADE, min(LR_MAX_EXP * LR_STEPS_PER_DECADE, position))


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _row(*widgets) -> QWidget:
    w = QWidget()
    layout = QHBoxLayout(w)
    layout.setContentsMargins(0, 0, 0, 0)
    for x in widgets:
        layout.addWidget(x)
    layout.addStretch(1)
    return w
