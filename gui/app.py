"""Starting the app: QApplication, theme, main window; or an offscreen screenshot of it."""
from __future__ import annotations

import os
import sys


def create_application():
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("DeepStep")
    app.setApplicationName("DeepStep")
    app.setApplicationDisplayName("DeepStep")
    return app


def run_app(screenshot: str | None = None) -> int:
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no screen needed, and nothing flashes up
    app = create_application()
    from PySide6.QtCore import QSettings
    from . import theme
    from .main_window import MainWindow
    dark = False if screenshot else QSettings().value("view/dark", False, type=bool)
    theme.apply_theme(app, dark)
    window = MainWindow(restore_settings=not screenshot)
    if screenshot:
        return save_screenshot(window, screenshot)
    window.show()
    if os.environ.get("DEEPSTEP_EXIT_ON_SHOW"):  # bench/gui.py times start-up to the first painted window
        app.processEvents()  # the first frame: layout, expose, paint
        return print("shown", flush=True) or 0
    return app.exec()


def save_screenshot(window, path: str) -> int:
    """The window in its default state at 1600×960, as a PNG."""
    from PySide6.QtWidgets import QApplication
    window.resize(1600, 960)
    window.show()
    # Several rounds: the docks, the canvas (after its own layout) and the plots each settle on
    # a later pass of the event loop; a single pass grabbed half-laid-out docks.
    for _ in range(6):
        QApplication.processEvents()
    window.hide_stale_tab_bars()
    QApplication.processEvents()
    ok = window.grab().save(path)
    window.close()
    if not ok:
        print(f"main.py: error: cannot write the screenshot {path}", file=sys.stderr)
        return 2
    return 0
