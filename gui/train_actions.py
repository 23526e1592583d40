"""The training commands as QActions, shared by the Train menu, the toolbar and the training panel."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QStyle, QWidget

from .theme import tinted


class TrainActions(QObject):
    def __init__(self, training, parent: QWidget):
        super().__init__(parent)
        self.training = training
        style = parent.style()
        self.play = QAction("&Play", parent)
        self.play.setShortcut(QKeySequence(Qt.Key_Space))
        self.play.triggered.connect(training.toggle)
        self.step = QAction("&One Iteration", parent)
        self.step.setShortcut(QKeySequence(Qt.Key_Right))
        self.step.setToolTip("Train exactly one iteration: forward, backward, update (→)")
        self.step.triggered.connect(training.step)
        self.reset = QAction(style.standardIcon(QStyle.SP_BrowserReload), "&Reset", parent)
        self.reset.setShortcut(QKeySequence(Qt.Key_R))
        self.reset.setToolTip("Back to the initial weights; the same start every time (R)")
        self.reset.triggered.connect(training.reset)
        for action in (self.play, self.step, self.reset):
            # Space and arrows must work wherever focus is, but not steal typing in a text field.
            action.setShortcutContext(Qt.WindowShortcut)
            action.setStatusTip(action.toolTip())
        training.state_changed.connect(self._on_state)
        self._parent = parent
        self._tint_icons()
        parent.installEventFilter(self)   # the palette changes (dark theme): icons in its text colour

    def _tint_icons(self) -> None:
        style, color = self._parent.style(), self._parent.palette().color(QPalette.ButtonText)
        self._play_icon = tinted(style.standardIcon(QStyle.SP_MediaPlay), color)
        self._pause_icon = tinted(style.standardIcon(QStyle.SP_MediaPause), color)
        self.step.setIcon(tinted(style.standardIcon(QStyle.SP_MediaSeekForward), color))
        self._on_state(self.training.state)

    def eventFilter(self, watched, event):
        if watched is self._parent and event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange):
            self._tint_icons()
        return False

    def all(self) -> list[QAction]:
        return [self.play, self.step, self.reset]

    def _on_state(self, state: str) -> None:
        running = state == "running"
        self.play.setText("&Pause" if running else "&Play")
        self.play.setIcon(self._pause_icon if running else self._play_icon)
        self.play.setToolTip("Pause training (Space)" if running else "Train on a worker thread (Space)")


ARROW_KEYS = (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down)


class _KeepKeys(QObject):
    """Claims some keys for the widget it watches, ahead of the window's shortcuts."""

    def __init__(self, widget: QWidget, keys):
        super().__init__(widget)
        self.keys = tuple(keys)

    def eventFilter(self, watched, event):
        # Qt asks the focus widget first (ShortcutOverride); accepting it sends the key to the
        # widget as an ordinary key press instead of triggering the shortcut.
        if event.type() == QEvent.ShortcutOverride and event.key() in self.keys \
                and not event.modifiers() & ~Qt.KeypadModifier:
            event.accept()
            return True
        return False


def keep_keys(widget: QWidget, keys=ARROW_KEYS) -> None:
    """Let `widget` keep these keys while it has focus: the arrows move a slider or a list's
    selection, Space ticks a check box, as everywhere else, instead of training."""
    widget.installEventFilter(_KeepKeys(widget, keys))
