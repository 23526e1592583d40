"""Presentation mode (F11): for a projector. Everything larger (type, lines, points), secondary
panels hidden, the network, the decision boundary and the cost filling the screen; training,
stepping and the timeline by keyboard; a caption says what the lecture example shows and whether
the picture is the present or a moment of the past; "?" shows the shortcut sheet. Leaving it (F11
or Esc) puts the window back exactly as it was.

The screen is shared out as a slide would be: the cost curve runs along the bottom, the boundary
takes a square on the left as tall as the rest, and the network fills what remains.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QSizePolicy, QToolBar, QWidget
from shiboken6 import isValid

SCALE = 1.45
COST_SHARE = 0.38        # of the screen's height, the cost curve along the bottom
STEP_SHARE = 0.46        # of the height, the step-through panel in its place
BOUNDARY_SHARE = 0.40    # at most, of the screen's width: the boundary's square on the left
PAST_COLOR = "#c25e00"   # a moment of the past: the colour of a warning, readable on light and dark


class Caption(QWidget):
    """Two lines over the slide: what is shown (the lecture example's title and statement) on the
    left, the moment shown (present or past) and the keys that move it on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Presentation caption")
        self.title = self._label("Example shown", "The lecture example (Examples menu) or the network shown")
        self.statement = self._label("What this example shows", "What the example shows, in a line")
        self.moment = self._label("Moment shown", "The present, or a moment of the run's past")
        self.keys = self._label("Timeline keys", "[ earlier moment · ] later moment · \\ back to the present")
        for label in (self.moment, self.keys):
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)   # short: always whole
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 4, 10, 4)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.moment, 0, 1)
        grid.addWidget(self.statement, 1, 0)
        grid.addWidget(self.keys, 1, 1)
        grid.setColumnStretch(0, 1)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)

    @staticmethod
    def _label(name: str, tip: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.RichText)
        label.setAccessibleName(name)
        label.setToolTip(tip)
        # One line each: a wrapped label makes the tool bar it sits in far taller than its text.
        label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        return label


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved = None
        self._fonts = []
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
        self._build_timeline_actions()
        self._build_caption()
        window.installEventFilter(self)

    def eventFilter(self, watched, event):
        # Closing while presenting: the window is put back first, so the layout it saves for
        # next time is the user's, not the projector's.
        if watched is self.window and event.type() == QEvent.Close and self.active:
            self.action.setChecked(False)
        return False

    # --- the timeline by keyboard -------------------------------------------------------------------
    def _build_timeline_actions(self) -> None:
        w = self.window
        self.earlier_action = self._window_action("&Earlier Moment", "[", self.earlier,
                                                  "Show the network as it was one timeline moment earlier "
                                                  "(training pauses)")
        self.later_action = self._window_action("&Later Moment", "]", self.later,
                                                "One timeline moment later; past the last, back to the present")
        self.present_action = self._window_action("Back to the &Present", "\\", w.training.back_to_present,
                                                  "Show the latest parameters again (Play also goes on "
                                                  "from the present)")
        self.timeline_actions = [self.earlier_action, self.later_action, self.present_action]
        w.training.timeline_changed.connect(self._update_timeline_actions)
        w.training.was_reset.connect(self._update_timeline_actions)
        self._update_timeline_actions()

    def _window_action(self, text, key, slot, tip) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(key))
        action.setToolTip(f"{tip} ({key})")
        action.setStatusTip(action.toolTip())
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _moment_index(self):
        """(index of the moment shown, number of moments); the present is the last moment."""
        t = self.window.training
        moments = t.timeline()
        if t.viewing is None:
            return len(moments) - 1, len(moments)
        index = next((k for k, (i, _) in enumerate(moments) if i == t.viewing), len(moments) - 1)
        return index, len(moments)

    def earlier(self) -> None:
        index, count = self._moment_index()
        if count > 1 and index > 0:
            self.window.training.show_past(index - 1)

    def later(self) -> None:
        t = self.window.training
        if t.viewing is None:
            return
        index, count = self._moment_index()
        if index + 1 >= count - 1:
            t.back_to_present()
        else:
            t.show_past(index + 1)

    def _update_timeline_actions(self) -> None:
        t = self.window.training
        index, count = self._moment_index()
        self.earlier_action.setEnabled(count > 1 and index > 0)
        self.later_action.setEnabled(t.viewing is not None)
        self.present_action.setEnabled(t.viewing is not None)
        self._update_caption()

    # --- the caption --------------------------------------------------------------------------------
    def _build_caption(self) -> None:
        w = self.window
        self.caption = Caption()
        self.caption_bar = QToolBar("Presentation Caption", w)
        self.caption_bar.setObjectName("presentationCaption")
        self.caption_bar.setMovable(False)
        self.caption_bar.setFloatable(False)
        self.caption_bar.toggleViewAction().setVisible(False)   # shown only in presentation mode
        self.caption_bar.addWidget(self.caption)
        w.addToolBar(Qt.TopToolBarArea, self.caption_bar)
        self.caption_bar.hide()
        w.stepping.active_changed.connect(self._stepping_toggled)
        w.training.snapshot.connect(self._update_caption)
        w.training.state_changed.connect(self._update_caption)
        w.controller.structure_changed.connect(self._update_caption)

    def shown(self) -> tuple[str, str]:
        """(title, statement): the lecture example while the session is still that example, else
        the network and the keys that drive it."""
        presets = getattr(self.window, "presets", None)
        preset = presets.current() if presets is not None else None
        if preset is not None:
            return preset.title, preset.shows
        net, data = self.window.controller.network, self.window.controller.data
        sizes = ", ".join(str(n) for n in net.layer_sizes)
        return (f"[{sizes}] {'/'.join(net.activations)} on {data.name or 'the data'}",
                "Space trains · → steps · Ctrl+T steps through · ? every shortcut")

    def moment_text(self) -> tuple[str, str]:
        """(the moment shown, the keys that move it)."""
        t = self.window.training
        if t.viewing is not None:
            return (f"iteration {t.viewing:,} · the past",
                    f"[ earlier · ] later · \\ present · Space goes on from {t.iteration:,}")
        if len(t.timeline()) > 1:
            return f"iteration {t.iteration:,} · present", "[ steps back through the run"
        return f"iteration {t.iteration:,}", ""

    def _update_caption(self, *_) -> None:
        if not hasattr(self, "caption"):
            return
        title, statement = self.shown()
        moment, keys = self.moment_text()
        c = self.caption
        c.title.setText(f"<b>{html.escape(title)}</b>")
        c.statement.setText(html.escape(statement))
        c.moment.setText(f"<b>{moment}</b>")
        c.keys.setText(keys)
        past = self.window.training.viewing is not None
        c.moment.setStyleSheet(f"color: {PAST_COLOR}" if past else "")

    # --- entering and leaving -------------------------------------------------------------------------
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
                           w.menuBar().isVisible(), app.styleSheet(), w.corner(Qt.BottomLeftCorner),
                           w.corner(Qt.BottomRightCorner))
            keep = self.shown_docks()
            for dock in w.docks:
                dock.setVisible(dock in keep)
            for bar in w.findChildren(QToolBar):
                bar.setVisible(False)
            self._scale_fonts(app)
            w.menuBar().setVisible(False)
            # The cost runs along the whole bottom: the boundary then gets a square, not a column.
            w.setCorner(Qt.BottomLeftCorner, Qt.BottomDockWidgetArea)
            w.setCorner(Qt.BottomRightCorner, Qt.BottomDockWidgetArea)
            self._update_caption()
            self.caption_bar.show()
            w.showFullScreen()
            QTimer.singleShot(0, self._share_screen)   # once the window has the screen's size
        else:
            state, geometry, full, font, menu, sheet, left, right = self._saved
            app.setFont(font)
            # Parents before their children (findChildren's order): a widget that inherits its
            # font (QFont()) takes its parent's as it is then, so the parent must be back first.
            # Children first left a table header's viewport at the projector's size.
            for widget, own in self._fonts:
                if isValid(widget):  # widgets made and deleted meanwhile (an edit) are skipped
                    widget.setFont(own if own is not None else QFont())  # QFont(): inherit again
            self._fonts = []
            self.caption_bar.hide()
            w.menuBar().setVisible(menu)
            w.setCorner(Qt.BottomLeftCorner, left)
            w.setCorner(Qt.BottomRightCorner, right)
            if not full:
                w.showNormal()
            w.restoreGeometry(geometry)
            w.restoreState(state)
            if hasattr(w, "hide_stale_tab_bars"):   # restoreState can leave a stray tab bar
                QTimer.singleShot(0, w.hide_stale_tab_bars)
        self.active = on
        self.leave_action.setEnabled(on)
        k = SCALE if on else 1.0
        w.boundary_panel.set_line_scale(k)   # after the fonts: their keys and columns follow both
        w.boundary_panel.frame_on_resize = on
        w.cost_panel.set_line_scale(k)
        popup = getattr(w.canvas, "popup", None)   # the hovered neuron's enlarged map
        if popup is not None:
            popup.set_scale(k)
        w.canvas.refresh()
        if on:
            w.statusBar().showMessage("Presentation mode: Space trains, → steps, Ctrl+T step-through, "
                                      "[ ] timeline, ? shortcuts, F11 or Esc to leave", 8000)

    def _scale_fonts(self, app) -> None:
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * SCALE)
        app.setFont(font)
        # With an application style sheet, a new application font does not reach widgets
        # already built; each widget's own font is scaled instead (big numbers stay bigger).
        # Every font is read before any is set: a parent's new font reaches the children that
        # inherit it, and scaling those again compounded (a combo box's list at 1.45⁶ × its size).
        widgets = self.window.findChildren(QWidget)
        fonts = [QFont(widget.font()) for widget in widgets]
        self._fonts = [(widget, QFont(font) if widget.testAttribute(Qt.WA_SetFont) else None)
                       for widget, font in zip(widgets, fonts)]
        for widget, font in zip(widgets, fonts):
            font.setPointSizeF(font.pointSizeF() * SCALE)
            widget.setFont(font)
        bigger = QFont(self.caption.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.15)   # the caption's first line, as a slide title
        self.caption.title.setFont(bigger)
        self.caption.moment.setFont(bigger)

    def _share_screen(self) -> None:
        """Cost along the bottom, the boundary a square on the left, the network the rest.

        The boundary's dock is as wide as the room above the cost is high (a little more for its
        axis): its plot, which keeps x and y to one scale, is then about square and fills it."""
        w = self.window
        if not self.active:
            return
        width, height = w.width(), w.height()
        stepping = w.stepping.active
        bottom = int(height * (STEP_SHARE if stepping else COST_SHARE))
        top = height - bottom - self.caption_bar.sizeHint().height() - w.statusBar().sizeHint().height()
        w.resizeDocks([w.stepping_dock if stepping else w.cost_dock], [bottom], Qt.Vertical)
        w.resizeDocks([w.boundary_dock], [min(int(top * 1.05), int(width * BOUNDARY_SHARE))], Qt.Horizontal)


    def _stepping_toggled(self, on: bool) -> None:
        """Step-through shows its panel in the cost's place: the screen is shared out again."""
        if self.active:
            QTimer.singleShot(0, self._share_screen)


def _menu_actions(menu_bar):
    stack = [a for a in menu_bar.actions()]
    while stack:
        action = stack.pop()
        if action.menu() is not None:
            stack.extend(action.menu().actions())
        elif not action.isSeparator():
            yield action


def _menu(window, title):
    return next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title), None)


def install_presentation(window) -> None:
    window.presentation = Presentation(window)
    # Shortcuts live on the window too: with the menu bar and toolbar hidden for the projector,
    # actions only in them would stop answering their keys.
    window.addActions(list(_menu_actions(window.menuBar())))
    view = _menu(window, "View")
    view.addSeparator()
    view.addAction(window.presentation.action)
    train = _menu(window, "Train")
    if train is not None:
        train.addSeparator()
        train.addActions(window.presentation.timeline_actions)
