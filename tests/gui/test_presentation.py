"""Presentation mode: larger type, secondary panels hidden, everything back on leaving."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


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
