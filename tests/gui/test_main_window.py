"""The main window: built without main.py, menus and shortcuts, status bar, docks, screenshot."""
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from core.model_file import save_model
from core.network import Network
from core.session import DataSettings
from gui.main_window import MainWindow, default_window_size
from tests.paths import CAT_MISSING, CAT_TRAIN, ROOT


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    return w


def test_menus_and_default_state(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[:5] == ["File", "Edit", "View", "Network", "Train"] and titles[-1] == "Help"
    assert "Examples" in titles
    assert window.controller.network.layer_sizes == (2, 4, 1)
    assert window.controller.data.name == "flower"
    assert window.status_m.text() == "m = 400" and window.status_params.text() == "17 parameters"
    assert window.width() >= 1280 and window.height() >= 800
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.Undo)


def test_status_bar_follows_the_data_and_network(window):
    c = window.controller
    c.insert_layer(1, 3, "relu")
    assert window.status_params.text() == f"{c.network.parameter_count} parameters" == "30 parameters"
    c.set_data_settings(DataSettings(source="moons", samples=120, test_fraction=0.25))
    assert window.status_m.text() == "m = 90 · test 30"


def test_undo_redo_from_the_keyboard(window, qtbot):
    c = window.controller
    c.set_units(1, 6)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert c.network.layer_sizes == (2, 4, 1)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert c.network.layer_sizes == (2, 6, 1)


def test_add_after_selection_and_remove_selected(window):
    c = window.controller
    c.select_layer(1)
    window.add_layer_action.trigger()
    assert c.network.layer_sizes == (2, 4, 4, 1) and c.network.activations[1] == "relu"
    c.select_layer(2)
    assert window.remove_layer_action.isEnabled()
    window.remove_layer_action.trigger()
    assert c.network.layer_sizes == (2, 4, 1)
    c.select_layer(2)  # the output layer cannot be removed
    assert not window.remove_layer_action.isEnabled()


def test_init_scheme_and_reset_give_the_same_start(window):
    c = window.controller
    window.init_actions["xavier"].trigger()
    first = c.network.parameters["W1"].copy()
    c.network.parameters["W1"][:] = 0
    window.reset_action.trigger()
    assert (c.network.parameters["W1"] == first).all()


def test_model_import_checks_the_inputs(window, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, msg: errors.append(msg))
    good = tmp_path / "good.h5"
    save_model(good, Network.create([2, 3, 3, 1], ["relu", "relu", "sigmoid"]))
    assert window.load_model_path(good)
    assert window.controller.network.layer_sizes == (2, 3, 3, 1)
    wrong = tmp_path / "wrong.h5"
    save_model(wrong, Network.create([5, 2, 1]))
    assert not window.load_model_path(wrong)
    assert "5 inputs" in errors[0] and window.controller.network.layer_sizes == (2, 3, 3, 1)


def test_docks_can_be_hidden_and_restored(window):
    window.data_dock.toggleViewAction().trigger()
    assert not window.data_dock.isVisible()
    window.reset_layout()
    assert window.data_dock.isVisible()


def test_layout_is_remembered(qtbot):
    w = MainWindow(restore_settings=True)
    qtbot.addWidget(w)
    w.shape_actions["Z"].setChecked(False)
    w.close()
    again = MainWindow(restore_settings=True)
    qtbot.addWidget(again)
    assert not again.shape_actions["Z"].isChecked()


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_cat_data_sets_n0_and_m_everywhere(window):
    assert window.controller.set_data_settings(DataSettings(source=str(CAT_TRAIN)))
    assert window.status_n0.text() == "n[0] = 12,288" and window.status_m.text() == "m = 209"
    assert window.canvas.shape_texts()[1]["W"] == "W[1] (4, 12288)"


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 960)     # the size app.save_screenshot promises


def test_every_control_has_a_tooltip_and_an_accessible_name(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QLineEdit
    missing, checked = [], 0
    from PySide6.QtWidgets import QWidget
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QLineEdit)
    for w in window.findChildren(QWidget):
        if not isinstance(w, kinds):
            continue
        if not w.isVisibleTo(window) or w.objectName().startswith("qt_"):
            continue
        if type(w).__name__ == "QLineEdit" and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # the editor inside a spin box or combo box
        checked += 1
        name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
        if not w.toolTip() or not name:
            missing.append(f"{type(w).__name__} {w.objectName()!r} {name!r} tip={w.toolTip()!r}")
    assert missing == [] and checked >= 20


def test_the_window_fits_a_laptop_screen(window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 760
    assert window.minimumSize().width() <= 1280 and window.minimumSize().height() <= 760


def _settle(qtbot, window, size):
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    for _ in range(3):
        QApplication.processEvents()


def test_the_canvas_shows_every_shape_label_at_the_default_size_of_a_1920x1080_screen(window, qtbot):
    _settle(qtbot, window, default_window_size(QSize(1920, 1080)))
    scroll = window.centralWidget()
    viewport = scroll.viewport().rect()
    labels = [label for col in window.canvas._shape_labels for label in col.values() if label.isVisible()]
    assert len(labels) == 1 + 2 * 4 + 2          # X, and W b Z A + the count of both layers
    for label in labels:
        top_left = label.mapTo(scroll.viewport(), QPoint(0, 0))
        assert viewport.contains(QRect(top_left, label.size())), label.property("plain")
    assert scroll.verticalScrollBar().maximum() == 0
    assert window.canvas.height() >= 500         # the network gets the room, not the docks under it


def test_ten_hidden_layers_scroll_cleanly_in_the_default_window(window, qtbot):
    c = window.controller
    for _ in range(9):
        c.insert_layer(c.network.L)
    _settle(qtbot, window, QSize(1920, 1080))
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.width() >= canvas.minimumSizeHint().width())
    headers = [h.geometry() for h in canvas._headers]
    assert len(headers) == 10
    assert not any(a.intersects(b) for i, a in enumerate(headers) for b in headers[i + 1:])
    params = [col["params"].geometry() for col in canvas._shape_labels[1:]]
    assert not any(a.intersects(b) for i, a in enumerate(params) for b in params[i + 1:])
    assert window.centralWidget().horizontalScrollBar().maximum() > 0   # what does not fit scrolls


def test_add_hidden_layer_is_disabled_at_ten_hidden_layers(window):
    c = window.controller
    for _ in range(9):
        window.add_layer_action.trigger()
    assert c.network.L - 1 == 10
    assert not window.add_layer_action.isEnabled()
    assert "10" in window.add_layer_action.toolTip()
    assert not any(b.isEnabled() for b in window.canvas._insert_buttons)
    c.undo_stack.undo()
    assert window.add_layer_action.isEnabled()


def test_view_menu_and_about_have_status_tips(window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    for action in view.actions():
        if not action.isSeparator():
            assert action.statusTip(), action.text()
    assert window.data_dock.toggleViewAction().statusTip() == "Show or hide the Data panel"
    assert window.about_action.statusTip()


def test_a_panel_scrolls_inside_its_dock_instead_of_growing_the_window(window):
    scroll = window.gradient_dock.widget()
    assert scroll.panel() is window.gradient_panel
    assert window.gradient_dock.minimumSizeHint().width() < window.gradient_panel.minimumSizeHint().width()


def test_no_stray_dock_tab_bar_is_left_showing(window, qtbot):
    from PySide6.QtWidgets import QTabBar
    def shown():
        return [tuple(b.tabText(i) for i in range(b.count())) for b in window.findChildren(QTabBar)
                if b.isVisible()]
    qtbot.waitUntil(lambda: len(shown()) == len(set(shown())))
    assert ("Cost", "Step Through") in shown()
    window.reset_layout()
    qtbot.waitUntil(lambda: len(shown()) == len(set(shown())))


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_image_data_hides_the_empty_boundary_dock_and_2d_data_brings_it_back(window, qtbot):
    c = window.controller
    assert c.set_data_settings(DataSettings(source=str(CAT_TRAIN)))
    assert window.boundary_dock.isHidden()
    qtbot.waitUntil(lambda: window.data_dock.height() > window.height() * 0.6)   # the thumbnails get the column
    c.undo_stack.undo()
    assert not window.boundary_dock.isHidden() and c.data.n_x == 2


def test_step_through_mode_keeps_the_height_of_the_bottom_docks(window, qtbot):
    _settle(qtbot, window, default_window_size(QSize(1920, 1080)))
    height, canvas = window.cost_dock.height(), window.canvas.height()
    window.step_actions.mode.trigger()
    on_top = lambda dock: not dock.visibleRegion().isEmpty()   # a tab behind another is moved away
    qtbot.waitUntil(lambda: on_top(window.stepping_dock) and not on_top(window.cost_dock))
    qtbot.waitUntil(lambda: abs(window.stepping_dock.height() - height) <= 2)
    assert window.canvas.height() >= canvas - 2          # the network keeps its room
    assert window.canvas.drawn_units()[1] == [0, 1, 2, 3]
    window.step_actions.mode.trigger()
    qtbot.waitUntil(lambda: on_top(window.cost_dock))
    qtbot.waitUntil(lambda: abs(window.cost_dock.height() - height) <= 2)


def test_every_toolbar_button_shows_in_a_1280_px_window(window, qtbot):
    """A laptop's window: no action hides in the toolbar's overflow menu, even while training."""
    from PySide6.QtWidgets import QToolBar, QToolButton
    _settle(qtbot, window, QSize(1280, 800))
    bar = window.findChild(QToolBar, "mainToolbar")
    window.controller.select_layer(1)                        # "Remove Layer 1"
    window.train_actions.play.setText("&Pause")             # the wider of the two labels
    qtbot.waitUntil(lambda: bar.sizeHint().width() <= bar.width())
    assert not bar.findChild(QToolButton, "qt_toolbar_ext_button").isVisible()
    buttons = [bar.widgetForAction(a) for a in bar.actions() if not a.isSeparator()]
    assert all(b.isVisible() and b.geometry().right() < bar.width() for b in buttons)
    assert window.remove_layer_action.iconText() == "Remove Layer 1"
    assert window.remove_layer_action.text() == "&Remove Hidden Layer 1"   # the menu's full name


def test_a_laptop_window_gives_its_side_docks_room_for_their_panels(qtbot, monkeypatch):
    """A 1366×768 screen: no side dock scrolls, sideways (the left column once did, 372 < 382 px)
    or down (the data plot's x axis and the training panel's last rows were cut off)."""
    import gui.main_window
    laptop = default_window_size(QSize(1366, 768))
    assert laptop.width() == 1366                            # a laptop gets its whole width
    monkeypatch.setattr(gui.main_window, "default_window_size", lambda available: laptop)
    w = MainWindow(restore_settings=False)                   # sized as on the laptop's screen
    qtbot.addWidget(w)
    w.show()
    docks = [w.data_dock, w.boundary_dock, w.training_dock, w.runs_dock]
    qtbot.waitUntil(lambda: all(d.width() >= d.widget().panel().minimumSizeHint().width() for d in docks))
    for _ in range(3):
        QApplication.processEvents()
    assert not any(d.widget().horizontalScrollBar().isVisible() for d in docks)
    assert not any(d.widget().verticalScrollBar().isVisible() for d in docks)
    w.close()
