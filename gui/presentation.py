"""Presentation mode (F11): for a projector. Everything larger, secondary panels hidden, the network,
the decision boundary and the cost filling the screen; training and stepping by keyboard; "?"
shows the shortcut sheet. Leaving it (F11 or Esc) puts the window back exactly as it was."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar, QWidget
from shiboken6 import isValid

SCALE = 1.45


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved = None
        self.action = QAction("&Presentation Mode", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(Qt.Key_F11))
        self.action.setToolTip("Full screen, large type, only the network, boundary and cost (F11)")
        self.action.setStatusTip(self.action.toolTip())
        self.action.toggled.connect(self.set_active)
        self.leave_action = QAction("Leave Presentation Mode", window)
        self.leave_action.setShortcut(QKeySequence(Qt.Key_Escape))
        self.leave_action.triggered.connect(lambda: self.action.setChecked(False))
        self.leave_action.setEnabled(False)
        window.addAction(self.leave_action)
        self.help_action = QAction("Shortcut Sheet", window)
        self.help_action.setShortcut(QKeySequence("?"))
        self.help_action.setToolTip("Every keyboard shortcut on one sheet (?)")
        self.help_action.triggered.connect(window.show_shortcuts)
        window.addAction(self.help_action)

    def shown_docks(self):
        w = self.window
        keep = [w.boundary_dock, w.cost_dock]
        if w.stepping.active:
            keep.append(w.stepping_dock)
        return keep

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        w, app = self.window, QApplication.instance()
        if on:
            self._saved = (w.saveState(), w.saveGeometry(), w.isFullScreen(), QFont(app.font()),
                           w.menuBar().isVisible(), app.styleSheet())
            keep = self.shown_docks()
            for dock in w.docks:
                dock.setVisible(dock in keep)
            for bar in w.findChildren(QToolBar):
                bar.setVisible(False)
            font = QFont(app.font())
            font.setPointSizeF(font.pointSizeF() * SCALE)
            app.setFont(font)
            # With an application style sheet, a new application font does not reach widgets
            # already built; each widget's own font is scaled instead (big numbers stay bigger).
            self._fonts = []
            for widget in w.findChildren(QWidget):
                own = widget.testAttribute(Qt.WA_SetFont)
                self._fonts.append((widget, QFont(widget.font()) if own else None))
                scaled = QFont(widget.font())
                scaled.setPointSizeF(scaled.pointSizeF() * SCALE)
                widget.setFont(scaled)
            w.menuBar().setVisible(False)
            w.showFullScreen()
            w.resizeDocks([w.cost_dock], [int(w.height() * 0.34)], Qt.Vertical)
        else:
            state, geometry, full, font, menu, sheet = self._saved
            app.setFont(font)
            for widget, own in reversed(self._fonts):
                if isValid(widget):  # widgets made and deleted meanwhile (an edit) are skipped
                    widget.setFont(own if own is not None else QFont())  # QFont(): inherit again
            self._fonts = []
            w.menuBar().setVisible(menu)
            if not full:
                w.showNormal()
            w.restoreGeometry(geometry)
            w.restoreState(state)
        self.active = on
        self.leave_action.setEnabled(on)
        w.canvas.refresh()
        if on:
            w.statusBar().showMessage("Presentation mode: Space trains, → steps, Ctrl+T step-through, "
                                      "? shortcuts, F11 or Esc to leave", 8000)


def _menu_actions(menu_bar):
    stack = [a for a in menu_bar.actions()]
    while stack:
        action = stack.pop()
        if action.menu() is not None:
            stack.extend(action.menu().actions())
        elif not action.isSeparator():
            yield action


def install_presentation(window) -> None:
    window.presentation = Presentation(window)
    # Shortcuts live on the window too: with the menu bar and toolbar hidden for the projector,
    # actions only in them would stop answering their keys.
    window.addActions(list(_menu_actions(window.menuBar())))
    view = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    view.addSeparator()
    view.addAction(window.presentation.action)
