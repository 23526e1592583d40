"""GUI tests: offscreen Qt, and QSettings kept out of the user's real settings."""
import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    qapp.setOrganizationName("DeepStepTests")
    qapp.setApplicationName("DeepStepTests")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    yield


@pytest.fixture
def controller(qtbot):
    from gui.controller import SessionController
    return SessionController()
