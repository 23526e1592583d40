"""The main window: built without main.py, menus and shortcuts, status bar, docks, screenshot."""
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from core.model_file import save_model
from core.network import Network
from core.session import DataSettings
from gui.main_window import MainWindow
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
    assert image.width() >= 1280 and image.height() >= 800


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
