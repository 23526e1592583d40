"""GUI tests: offscreen Qt, and QSettings and the recovery file kept out of the user's real ones."""
import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp, monkeypatch):
    qapp.setOrganizationName("DeepStepTests")
    qapp.setApplicationName("DeepStepTests")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    monkeypatch.setattr("gui.session_actions.recovery_folder", lambda: tmp_path / "appdata")
    yield


@pytest.fixture
def controller(qtbot):
    from gui.controller import SessionController
    return SessionController()


@pytest.fixture
def window(qtbot):
    """The main window as a test drives it (no saved settings, no autosave); closing it leaves no
    training thread behind. A test file may define its own `window` where it needs another."""
    from gui.main_window import MainWindow
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    assert not w.training.trainer.running
