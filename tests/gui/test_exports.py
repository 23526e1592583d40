"""File > Export: views as slide-sized PNGs and vector SVGs, the run as a NumPy script."""
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.main_window import MainWindow
from gui.matrix_view import MatrixView

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _image(path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull()
    return image


def _save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _check_png(path):
    image = _image(path)
    assert image.width() >= 1600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, image.height(), 9)}
    assert len(colours) > 20          # drawn, not one flat colour


def _check_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    drawn = [e for e in root.iter() if e.tag in (f"{SVG}path", f"{SVG}polyline", f"{SVG}rect",
                                                 f"{SVG}image", f"{SVG}text", f"{SVG}circle")]
    assert len(drawn) > 20
    return root


@pytest.mark.parametrize("key", ["network", "boundary", "cost"])
def test_views_export_as_slide_png_and_vector_svg(window, tmp_path, monkeypatch, key):
    action = window.exports.actions[key]
    _save_as(monkeypatch, tmp_path / f"{key}.png")
    action.trigger()
    _check_png(tmp_path / f"{key}.png")
    _save_as(monkeypatch, tmp_path / f"{key}")          # no suffix, SVG filter chosen
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / key), "SVG drawing (*.svg)"))
    action.trigger()
    root = _check_svg(tmp_path / f"{key}.svg")
    if key != "boundary":        # text stays text: the labels can be edited on the slide
        assert any(e.tag == f"{SVG}text" for e in root.iter())


def test_matrix_heat_map_exports_in_step_through_mode(window, qtbot, tmp_path, monkeypatch):
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: infos.append(a[2]))
    window.exports.actions["matrix"].trigger()
    assert infos and "step-through" in infos[0]
    window.stepping.set_active(True)
    window.stepping.next()
    qtbot.waitUntil(lambda: any(v.isVisible() and v.name() for v in window.stepping_panel.findChildren(MatrixView)))
    monkeypatch.setattr("gui.exports.QInputDialog.getItem", lambda *a, **k: (a[3][0], True))
    _save_as(monkeypatch, tmp_path / "heat.png")
    window.exports.actions["matrix"].trigger()
    _check_png(tmp_path / "heat.png")


def test_boundary_export_is_refused_for_image_data(window, monkeypatch):
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: infos.append(a[2]))
    monkeypatch.setattr(window.boundary_panel, "grid", lambda: None)
    window.exports.actions["boundary"].trigger()
    assert infos and "2-D data" in infos[0]


def test_the_run_exports_as_a_script_from_the_file_menu(window, qtbot, tmp_path, monkeypatch):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    export_menu = next(a.menu() for a in file_menu.actions() if a.menu() and a.text().replace("&", "") == "Export")
    assert window.exports.script_action in export_menu.actions()
    names = [a.text().replace("&", "") for a in file_menu.actions()]
    assert names.index("Export") == names.index("Export Model…") + 1
    window.training.step()
    qtbot.waitUntil(lambda: window.training.iteration == 1 and window.training.state == "idle", timeout=5000)
    _save_as(monkeypatch, tmp_path / "run")
    window.exports.script_action.trigger()
    text = (tmp_path / "run.py").read_text()
    assert "LAYER_DIMS = [2, 4, 1]" in text and "def make_flower(" in text
    compile(text, "run.py", "exec")


def test_after_an_edit_the_script_is_the_session_as_it_stands(window, qtbot, tmp_path, monkeypatch):
    from core.session import DataSettings
    window.training.step()
    qtbot.waitUntil(lambda: window.training.iteration == 1 and window.training.state == "idle", timeout=5000)
    window.training.set_hyperparameters(learning_rate=0.5)      # a change within the run...
    window.controller.set_data_settings(DataSettings(source="moons"))   # ...then the run ends
    _save_as(monkeypatch, tmp_path / "edited.py")
    notes = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: notes.append(a[2]))
    window.exports.script_action.trigger()
    text = (tmp_path / "edited.py").read_text()
    assert "LEARNING_RATE = 0.5" in text and "def make_moons(" in text and not notes
