"""Presentation mode: larger type, secondary panels hidden, everything back on leaving."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication



def test_f11_enters_and_escape_leaves(window, qtbot):
    app = QApplication.instance()
    size = app.font().pointSizeF()
    visible = {d.objectName() for d in window.docks if d.isVisible()}
    qtbot.keyClick(window.canvas, Qt.Key_F11)
    assert window.presentation.active
    assert app.font().pointSizeF() == pytest.approx(size * 1.45)
    shown = {d.objectName() for d in window.docks if d.isVisible()}
    assert shown == {"boundaryDock", "costDock"}
    assert not window.menuBar().isVisible()
    # training still works by keyboard
    qtbot.keyClick(window.canvas, Qt.Key_Right)
    qtbot.waitUntil(lambda: window.training.iteration == 1 and window.training.state == "idle", timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key_Escape)
    assert not window.presentation.active
    assert app.font().pointSizeF() == pytest.approx(size)
    assert {d.objectName() for d in window.docks if d.isVisible()} == visible
    assert window.menuBar().isVisible()


def test_question_mark_shows_the_shortcut_sheet(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_shortcuts", lambda: shown.append(True))
    window.presentation.help_action.triggered.disconnect()
    window.presentation.help_action.triggered.connect(window.show_shortcuts)
    window.presentation.help_action.trigger()
    assert shown


def test_lines_points_and_the_cost_column_grow_with_the_type(window, qtbot):
    from gui import boundary_panel as bp
    from gui.cost_panel import WIDEST_ACCURACY
    boundary, cost = window.boundary_panel, window.cost_panel
    window.presentation.action.setChecked(True)
    assert boundary._points[False, 0].opts["size"] == pytest.approx(bp.POINT_SIZE * 1.45)
    assert boundary.contour.opts["pen"].widthF() == pytest.approx(bp.CONTOUR_WIDTH * 1.45)
    readout = cost.readout
    assert cost.side.width() >= readout.train_accuracy.fontMetrics().horizontalAdvance(WIDEST_ACCURACY)
    assert cost.side.width() >= readout.iteration.fontMetrics().horizontalAdvance("iteration 100,000")
    popup = window.canvas.popup
    assert popup.view.width() == round(popup.SIZE * 1.45)      # the hovered neuron's map too
    window.presentation.action.setChecked(False)
    assert boundary._points[False, 0].opts["size"] == bp.POINT_SIZE
    assert popup.view.width() == popup.SIZE


def test_the_cost_runs_along_the_bottom_and_the_boundary_gets_a_square(window, qtbot):
    window.presentation.action.setChecked(True)
    qtbot.wait(50)
    w = window
    assert w.presentation.caption_bar.isVisible()
    assert w.cost_dock.width() > 0.95 * w.width()          # the whole bottom, not under the canvas
    boundary = w.boundary_dock
    assert boundary.width() > 0.6 * boundary.height()      # no longer a narrow column
    window.presentation.action.setChecked(False)
    assert not w.presentation.caption_bar.isVisible()
    assert w.corner(Qt.BottomLeftCorner) == Qt.LeftDockWidgetArea


def test_brackets_scrub_the_timeline_and_the_caption_says_past_or_present(window, qtbot):
    t, p = window.training, window.presentation
    for _ in range(3):
        t.step()
        qtbot.waitUntil(lambda: t.state == "idle" and not t.trainer.running, timeout=5000)
    assert len(t.timeline()) >= 3 and t.viewing is None
    window.presentation.action.setChecked(True)
    qtbot.keyClick(window.canvas, Qt.Key_BracketLeft)
    assert t.viewing is not None and t.viewing < t.iteration
    assert "past" in p.caption.moment.text()
    assert window.cost_panel.moment_line.isVisible() and window.cost_panel.moment_line.value() == t.viewing
    qtbot.keyClick(window.canvas, Qt.Key_BracketLeft)
    earliest = t.viewing
    qtbot.keyClick(window.canvas, Qt.Key_BracketRight)
    assert t.viewing is None or t.viewing > earliest
    for _ in range(len(t.timeline())):
        qtbot.keyClick(window.canvas, Qt.Key_BracketRight)
    assert t.viewing is None and "present" in p.caption.moment.text()
    assert not window.cost_panel.moment_line.isVisible()


def test_the_shortcut_sheet_lists_every_key_of_an_action(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    sheets = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: sheets.append(a[2]))
    window.show_shortcuts()
    sheet = sheets[0]
    assert "Ctrl+Shift+Z or Ctrl+Y" in sheet
    assert "Earlier Moment" in sheet and "<b>[</b>" in sheet and "<b>]</b>" in sheet


def test_the_caption_states_what_the_example_shows_until_it_is_changed(window, qtbot):
    window.preset_actions["week3-planar"].trigger()
    window.presentation.action.setChecked(True)
    caption = window.presentation.caption
    assert "4 tanh units" in caption.title.text() and "planar model" in caption.statement.text()
    window.controller.set_units(1, 7)
    assert "4 tanh units" not in caption.title.text() and "[2, 7, 1]" in caption.title.text()


def test_closing_while_presenting_saves_the_users_layout_not_the_projectors(window, qtbot):
    from PySide6.QtCore import QSettings
    window.presentation.action.setChecked(True)
    window._persist = True
    window.close()
    assert not window.presentation.active
    state = QSettings().value("window/state")
    window.restoreState(state)
    assert window.data_dock.isVisibleTo(window) and not window.menuBar().isHidden()


def test_leaving_puts_back_every_inherited_font_even_a_table_headers_viewport(window):
    # The runs list and its header use a smaller font; their viewports inherit it. Restoring
    # children before parents left those viewports at the projector's size after leaving.
    from PySide6.QtWidgets import QAbstractScrollArea
    areas = [w for w in window.findChildren(QAbstractScrollArea)]
    before = {area.viewport(): area.viewport().font().pointSizeF() for area in areas}
    window.presentation.action.setChecked(True)
    window.presentation.action.setChecked(False)
    changed = [(v.parent().objectName() or type(v.parent()).__name__, size, v.font().pointSizeF())
               for v, size in before.items() if v.font().pointSizeF() != pytest.approx(size)]
    assert changed == []


def test_every_font_grows_once_not_once_per_parent(window):
    # A parent's scaled font reaches the children that inherit it; scaling them again made a
    # combo box's list or a nested scroll area hundreds of points tall.
    from PySide6.QtWidgets import QWidget
    title = window.presentation.caption   # its first line is a slide title: 1.15 × more on purpose
    before = {w: w.font().pointSizeF() for w in window.findChildren(QWidget) if w.parent() is not title}
    window.presentation.action.setChecked(True)
    grown = [(type(w).__name__, size, w.font().pointSizeF()) for w, size in before.items()
             if w.font().pointSizeF() > size * 1.45 + 0.01]
    window.presentation.action.setChecked(False)
    assert grown == []
