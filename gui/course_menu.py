"""The Course menu: the companion views of the course's weeks 2 to 4, each opened in one click.

Each view is its own non-modal window (sized for a lecture, movable to a second screen), made the
first time it is asked for and raised on later clicks. "Why deep" trains its pair of networks in the
main window, where the cost plot compares them.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QWidget

from .course_activations import ActivationsView
from .course_graph import ComputationGraphView
from .course_hyper import ParametersView
from .course_vectorize import VectorizationView
from .course_why_deep import WhyDeepRunner
from .presentation import SCALE as PRESENTATION_SCALE

# Ctrl+Alt+letter: free in the window, and they work in presentation mode, where the menu bar is hidden.
SHORTCUTS = {"graph": "Ctrl+Alt+G", "vectorize": "Ctrl+Alt+V", "activations": "Ctrl+Alt+A", "parameters": "Ctrl+Alt+H"}
VIEWS = {
    "graph": ("&Computation Graph (week 2)", "Logistic regression on one example and J = 3(a + bc), stepped "
              "forward then backward", lambda w: ComputationGraphView(w.controller)),
    "vectorize": ("&Vectorization (week 2)", "For-loops against NumPy, timed live, and Z = W·X + b with its shapes",
                  lambda w: VectorizationView(w.controller)),
    "activations": ("&Activation Functions (week 3)", "g and g′ of each activation, and where the current "
                    "network's Z falls on them", lambda w: ActivationsView(w.controller, w.training)),
    "parameters": ("&Parameters vs Hyperparameters (week 4)", "What is learned and what you choose, each "
                   "hyperparameter editable with why it matters", lambda w: ParametersView(w.controller, w.training)),
}


class CourseViews(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.views: dict = {}
        self.actions: dict[str, QAction] = {}
        self.why_deep = WhyDeepRunner(window)
        window.installEventFilter(self)  # the window closing stops any measurement still running
        self._made_presenting: set[str] = set()   # views first opened in presentation mode's type
        presentation = getattr(window, "presentation", None)
        if presentation is not None:
            presentation.action.toggled.connect(self._presentation_toggled)

    def open(self, key: str):
        """Show view `key` (made on first use) in front; returns it."""
        view = self.views.get(key)
        if view is None:
            view = VIEWS[key][2](self.window)
            view.setParent(self.window, Qt.Window)  # its own window, closed with the main one
            self.views[key] = view
            if getattr(getattr(self.window, "presentation", None), "active", False):
                self._made_presenting.add(key)
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def _presentation_toggled(self, on: bool) -> None:
        """Leaving presentation mode: views made during it come back to the desk's type size.

        Presentation mode puts back the fonts of the widgets it scaled; a view opened meanwhile was
        not among them, and under the app's style sheet it keeps the type it was built with. So its
        fonts are scaled back here, all read before any is set (a parent's font reaches children)."""
        if on:
            self._made_presenting.clear()   # presentation mode scales (and restores) every view now
            return
        for key in self._made_presenting:
            view = self.views[key]
            widgets = [view, *view.findChildren(QWidget)]
            fonts = [QFont(w.font()) for w in widgets]
            for widget, font in zip(widgets, fonts):
                font.setPointSizeF(font.pointSizeF() / PRESENTATION_SCALE)
                widget.setFont(font)
        self._made_presenting.clear()

    def eventFilter(self, obj, event):
        if obj is self.window and event.type() == QEvent.Close:
            for view in self.views.values():
                if hasattr(view, "shutdown"):
                    view.shutdown()
                view.close()
        return False


def install_course(window) -> None:
    course = CourseViews(window)
    window.course = course
    menu = window.menuBar().addMenu("&Course")
    help_action = next((a for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"), None)
    if help_action is not None:
        window.menuBar().insertMenu(help_action, menu)
    for key, (text, tip, _) in VIEWS.items():
        action = QAction(text, window)
        action.setShortcut(QKeySequence(SHORTCUTS[key]))
        # From any of DeepStep's windows: with the graph in front, Ctrl+Alt+A still opens the activations.
        action.setShortcutContext(Qt.ApplicationShortcut)
        action.setToolTip(f"{tip} ({SHORTCUTS[key]})")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False, k=key: course.open(k))
        menu.addAction(action)
        window.addAction(action)   # the shortcut answers with the menu bar hidden too
        course.actions[key] = action
    menu.addSeparator()
    p = course.why_deep.preset
    action = QAction("&Why Deep: Deep Narrow vs Shallow Wide (week 4)", window)
    action.setToolTip(p.shows)
    action.setStatusTip(p.shows)
    action.triggered.connect(lambda: course.why_deep.apply())
    menu.addAction(action)
    course.actions["why_deep"] = action
    menu.setToolTipsVisible(True)
