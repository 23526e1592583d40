"""Step-through commands as QActions: next (→ or N), previous (← or P), run to end, restart, and
the mode itself. While stepping, → and ← move through the pass; otherwise → trains one iteration."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle


class StepActions(QObject):
    def __init__(self, stepping, train_actions, parent):
        super().__init__(parent)
        self.stepping = stepping
        style = parent.style()

        def action(text, icon, keys, tip, slot, checkable=False):
            a = QAction(style.standardIcon(icon), text, parent)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.WindowShortcut)
            a.setToolTip(tip)
            a.setStatusTip(tip)
            a.setCheckable(checkable)
            (a.toggled if checkable else a.triggered).connect(slot)
            return a

        self.mode = action("Step &Through", QStyle.SP_FileDialogDetailedView, ["Ctrl+T"],
                           "Step through forward and backward propagation one layer at a time (Ctrl+T)",
                           stepping.set_active, checkable=True)
        self.next = action("&Next Step", QStyle.SP_MediaSkipForward, ["N"],
                           "The next step of the pass (→ or N)", stepping.next)
        self.previous = action("&Previous Step", QStyle.SP_MediaSkipBackward, ["P", "Left"],
                               "Back one step, restoring everything as it was (← or P)", stepping.previous)
        self.to_end = action("Run to &End", QStyle.SP_MediaSeekForward, ["End"],
                             "Run the rest of the pass (End)", stepping.run_to_end)
        self.restart = action("&Restart Pass", QStyle.SP_MediaSkipBackward, ["Home"],
                              "Back to the start of the pass (Home)", stepping.restart)
        # Short words on the step panel's buttons (a narrow dock); menus keep the full names.
        for a, short in ((self.next, "Next"), (self.previous, "Previous"), (self.to_end, "To End"),
                         (self.restart, "Restart")):
            a.setIconText(short)
        self._train_step = train_actions.step
        # → is "one iteration" when not stepping and "next step" while stepping: one action, two meanings.
        self._train_step.triggered.disconnect()
        self._train_step.triggered.connect(self._right_arrow)
        stepping.active_changed.connect(self._on_mode)
        self._on_mode(stepping.active)

    def all(self) -> list[QAction]:
        return [self.restart, self.previous, self.next, self.to_end]

    def _right_arrow(self) -> None:
        if self.stepping.active:
            self.stepping.next()
        else:
            self.stepping.training.step()

    def _on_mode(self, on: bool) -> None:
        self.mode.blockSignals(True)
        self.mode.setChecked(on)
        self.mode.blockSignals(False)
        self.previous.setEnabled(on)
        self.to_end.setEnabled(on)
        self.restart.setEnabled(on)
        self._train_step.setText("&Next Step" if on else "&One Iteration")
        self._train_step.setToolTip("The next step of the pass (→)" if on else
                                    "Train exactly one iteration: forward, backward, update (→)")
