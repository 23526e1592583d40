"""A dock's scroll area: the panel fills the dock, and scrolls only below the panel's minimum size.

Without it the panels' minimum sizes add up to more than a laptop's screen and become the
window's minimum size, and the docks squeeze the network canvas. A plain QScrollArea around a
panel is not enough: a panel with word-wrapped labels has a height-for-width, which is its
*preferred* height, and QScrollArea never sizes such a widget below it, so a dock with room
for the panel's minimum would still scroll. The panel therefore sits in a holder without a
layout, which the scroll area sizes between the panel's minimum size and the dock's size.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

MINIMUM = QSize(160, 90)   # the smallest a dock's scroll area gets


class _Holder(QWidget):
    """Gives its one child all of its room; reports the child's size hints without height-for-width."""

    def __init__(self, panel: QWidget):
        super().__init__()
        self.panel = panel
        self._hints = None          # the panel's size hints last passed on to the scroll area
        panel.setParent(self)
        panel.show()
        panel.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        return self.panel.minimumSizeHint().expandedTo(self.panel.minimumSize())

    def sizeHint(self) -> QSize:
        return self.panel.sizeHint()

    def resizeEvent(self, event):
        self.panel.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event):
        if event.type() == QEvent.LayoutRequest:   # the panel's size hints may have changed
            # Passed on only when they did: a label's new number (10 times a second while
            # training) otherwise relaid out the scroll area, the dock and every dock of the window.
            hints = (self.panel.minimumSizeHint(), self.panel.sizeHint(), self.panel.minimumSize())
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()
        return super().event(event)

    def eventFilter(self, watched, event):
        if watched is self.panel and event.type() in (QEvent.ShowToParent, QEvent.HideToParent):
            self.updateGeometry()
        return False


class DockScroll(QScrollArea):
    """panel inside a frameless scroll area, sized as the module docstring says."""

    def __init__(self, panel: QWidget, name: str = ""):
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(_Holder(panel))
        self.setMinimumSize(MINIMUM)
        self.setAccessibleName(panel.accessibleName() or name)

    def panel(self) -> QWidget:
        return self.widget().panel
