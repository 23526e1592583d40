"""File > New / Open / Open Recent / Save / Save As: the session in one HDF5 file (core.session_file).

The window's title names the file and shows the "modified" mark after any edit, training step or
setting; closing, opening or starting a new session with unsaved changes asks first.

Nothing lost: while the session has unsaved changes it is autosaved every few minutes to a
recovery file in the app's data folder, written on a background thread from copies made on this
one. A clean close or an explicit save deletes it; after a crash the next start finds it and
offers to restore it. A lock file beside it keeps a second DeepStep open at the same time from
offering (or overwriting) the first one's recovery.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSettings, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStyle

from core.errors import DeepStepError
from core.session import Session
from core.session_file import detached, load_session, save_session

RECENT_KEY = "sessions/recent"
RECOVERY_OF_KEY = "sessions/recoveryOf"   # the file the recovery file is a newer state of
MAX_RECENT = 8
AUTOSAVE_MS = 2 * 60 * 1000
AUTOSAVE_ENV = "DEEPSTEP_AUTOSAVE_SECONDS"   # a shorter interval, to try crash recovery by hand
RECOVERY_NAME = "recovery.h5"
FILE_FILTER = "DeepStep session (*.h5 *.hdf5);;All files (*)"
UNTITLED = "Untitled"


def recovery_folder() -> Path:
    """Where the recovery file lives (tests point this at a temporary folder)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation))


def autosave_interval_ms() -> int:
    """Two minutes, unless DEEPSTEP_AUTOSAVE_SECONDS asks for another whole number of seconds ≥ 1."""
    text = os.environ.get(AUTOSAVE_ENV, "")
    return int(text) * 1000 if text.isdigit() and 0 < int(text) <= 24 * 3600 else AUTOSAVE_MS


def ask_to_save(parent, name: str) -> str:
    """"save", "discard" or "cancel" for a session with unsaved changes."""
    what = "the untitled session" if name == UNTITLED else name
    answer = QMessageBox.question(
        parent, "Unsaved changes", f"Save the changes to {what}?\n\nWithout saving, they are lost.",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")


def ask_to_restore(parent, when: str) -> bool:
    answer = QMessageBox.question(
        parent, "Restore unsaved session?",
        f"DeepStep did not close cleanly last time. A recovery copy of the unsaved session from "
        f"{when} was found.\n\nRestore it? (No deletes the copy.)",
        QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
    return answer == QMessageBox.Yes


class SessionActions(QObject):
    _autosave_done = Signal(str)   # from the autosave thread: "" or why it failed

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.path: str | None = None
        self.modified = False
        self._dirty = False            # changed since the last autosave
        self._loading = False
        self._thread: threading.Thread | None = None
        self._lock: QLockFile | None = None
        self.recovery_path = recovery_folder() / RECOVERY_NAME
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(autosave_interval_ms())
        self.autosave_timer.timeout.connect(self.autosave)
        self._autosave_done.connect(self._on_autosaved)
        self._build_actions()
        c, t = window.controller, window.training
        for signal in (c.structure_changed, c.network_changed, t.hyper_changed, t.runs_changed, t.run_updated):
            signal.connect(self._changed)
        self._show_title()

    # --- actions and menus ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window
        self.new_action = w._action("&New Session", self.new_session, QKeySequence.New,
                                    "Start again from the default session (the flower data, a [2, 4, 1] network)")
        self.open_action = w._action("&Open Session…", self.open_session, QKeySequence.Open,
                                     "Open a saved session: data, network, hyperparameters and runs",
                                     QStyle.SP_DialogOpenButton)
        self.save_action = w._action("&Save Session", self.save, QKeySequence.Save,
                                     "Save the session (data, network, hyperparameters, runs) to its file",
                                     QStyle.SP_DialogSaveButton)
        self.save_as_action = w._action("Save Session &As…", self.save_as, "Ctrl+Shift+S",
                                        "Save the session to a new file")
        self.clear_recent_action = w._action("&Clear Recent", self.clear_recent, None,
                                             "Forget the list of recently used session files")

    def install_menu(self, file_menu) -> None:
        """New/Open/Recent/Save/Save As at the top of the File menu."""
        first = file_menu.actions()[0] if file_menu.actions() else None
        for action in (self.new_action, self.open_action):
            file_menu.insertAction(first, action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.insertMenu(first, self.recent_menu)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.setToolTip("Session files opened or saved lately")
        self.recent_menu.menuAction().setStatusTip("Session files opened or saved lately")
        for action in (self.save_action, self.save_as_action):
            file_menu.insertAction(first, action)
        file_menu.insertSeparator(first)
        self._fill_recent()

    # --- commands ---------------------------------------------------------------------------------
    def new_session(self) -> bool:
        if not self.maybe_save():
            return False
        self._apply(Session(), [], None, 0)
        self._set_path(None)
        self._discard_recovery()
        return True

    def open_session(self) -> bool:
        if not self.maybe_save():
            return False
        start = str(Path(self.path).parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", start, FILE_FILTER)
        return bool(path) and self.open_path(path)

    def open_recent(self, path: str) -> bool:
        return self.maybe_save() and self.open_path(path)

    def open_path(self, path) -> bool:
        """Load a session file; on any problem say so and leave the current session as it was."""
        path = str(path)
        try:
            loaded = load_session(path)
        except DeepStepError as e:
            if not os.path.exists(path):
                self._forget_recent(path)
            self.window.show_error("Cannot open the session", str(e))
            return False
        except MemoryError:
            self.window.show_error("Cannot open the session", f"not enough memory to load {Path(path).name}")
            return False
        self._apply(loaded.session, loaded.runs, loaded.current, loaded.iteration)
        self._set_path(path)
        self._discard_recovery()
        self.window.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        suggested = self.path or str(Path.cwd() / "session.h5")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session as", suggested, FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".h5"
        return self.save_to(path)

    def save_to(self, path) -> bool:
        path = str(path)
        self._wait_for_autosave()
        try:
            save_session(path, *self._contents())
        except DeepStepError as e:
            self.window.show_error("Cannot save the session", str(e))
            return False
        self._set_path(path)
        self._discard_recovery()
        self.window.statusBar().showMessage(f"Saved to {path}", 5000)
        return True

    def maybe_save(self) -> bool:
        """True when the current session may go: saved, nothing to save, or the user said discard."""
        if not self.modified:
            return True
        # Training pauses while the question is open: what is saved is what was asked about,
        # and nothing changes behind a modal dialog. Cancel lets it go on.
        training = self.window.training
        was_running = training.state == "running"
        if was_running:
            training.pause()
        answer = ask_to_save(self.window, self.name)
        if answer == "cancel" and was_running:
            training.resume()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def may_close(self) -> bool:
        """The window's closeEvent asks here first; False keeps the window open."""
        if getattr(self.window, "_persist", True) and not self.maybe_save():
            return False
        self.shutdown()
        return True

    def shutdown(self) -> None:
        """A clean end: no autosave running or to come, and no recovery file left behind."""
        self.autosave_timer.stop()
        self._discard_recovery()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # --- recent files -----------------------------------------------------------------------------
    def recent(self) -> list[str]:
        value = QSettings().value(RECENT_KEY, [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(p) for p in items if p][:MAX_RECENT]

    def _remember(self, path: str) -> None:
        path = os.path.abspath(path)
        QSettings().setValue(RECENT_KEY, ([path] + [p for p in self.recent() if p != path])[:MAX_RECENT])
        self._fill_recent()

    def _forget_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        QSettings().setValue(RECENT_KEY, [p for p in self.recent() if p != path])
        self._fill_recent()

    def clear_recent(self) -> None:
        QSettings().remove(RECENT_KEY)
        self._fill_recent()

    def _fill_recent(self) -> None:
        menu = getattr(self, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        paths = self.recent()
        for i, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{i} {Path(path).name}" if i < 10 else Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recent(p))
        if paths:
            menu.addSeparator()
        menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(paths))
        menu.setEnabled(bool(paths))

    # --- autosave and recovery --------------------------------------------------------------------
    def start_recovery(self) -> None:
        """At start-up: offer a recovery file left by a crash, then autosave from now on."""
        folder = self.recovery_path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # nowhere to write: no autosave, as before this feature
        lock = QLockFile(str(folder / "recovery.lock"))
        lock.setStaleLockTime(0)   # stale only when its process is gone, however long it ran
        if not lock.tryLock(0):
            return  # another DeepStep is running: its recovery file is its own
        self._lock = lock
        # A crash in the middle of an autosave leaves its temporary file (core.atomic names it
        # .recovery.h5.<random>.tmp); the recovery file itself is whole, so the half is dropped.
        for half in folder.glob(f".{RECOVERY_NAME}.*.tmp"):
            try:
                half.unlink()
            except OSError:
                pass
        if self.recovery_path.exists():
            self._offer_recovery()
        self.autosave_timer.start()

    def _offer_recovery(self) -> None:
        from datetime import datetime
        when = datetime.fromtimestamp(self.recovery_path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        if not ask_to_restore(self.window, when):
            self._discard_recovery()
            return
        try:
            loaded = load_session(self.recovery_path)
        except (DeepStepError, MemoryError) as e:
            self.window.show_error("Cannot restore the session", str(e) or "not enough memory")
            self._discard_recovery()
            return
        self._apply(loaded.session, loaded.runs, loaded.current, loaded.iteration)
        original = QSettings().value(RECOVERY_OF_KEY, "") or None
        self._set_path(original, modified=True)
        self._dirty = False  # the recovery file holds exactly this
        self.window.statusBar().showMessage("Restored the unsaved session: save it to keep it", 10000)

    def autosave(self) -> bool:
        """Start writing the recovery file, if there is something new to keep and no save running."""
        if self._lock is None or not (self.modified and self._dirty):
            return False
        if self._thread is not None and self._thread.is_alive():
            return False
        session, runs, current, iteration = self._contents()
        self._dirty = False
        QSettings().setValue(RECOVERY_OF_KEY, self.path or "")
        self._thread = threading.Thread(target=self._write_recovery, name="autosave",
                                        args=(session, runs, current, iteration))
        self._thread.start()
        return True

    def _write_recovery(self, session, runs, current, iteration) -> None:
        try:
            save_session(self.recovery_path, session, runs, current, iteration)
        except DeepStepError as e:
            self._autosave_done.emit(str(e))
            return
        except Exception as e:  # a thread's exception would vanish: report it as a failed autosave
            self._autosave_done.emit(f"{type(e).__name__}: {e}")
            return
        self._autosave_done.emit("")

    def _on_autosaved(self, error: str) -> None:
        if error:
            self._dirty = True   # try again next time
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 10000)

    def _wait_for_autosave(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _discard_recovery(self) -> None:
        self._wait_for_autosave()
        if self._lock is None:
            return  # not ours: another DeepStep's, or recovery is off
        try:
            self.recovery_path.unlink(missing_ok=True)
        except OSError:
            pass  # left behind, it is offered at the next start: nothing is lost
        QSettings().remove(RECOVERY_OF_KEY)

    # --- state ------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else UNTITLED

    def _contents(self):
        """(session, runs, open run number, iteration) as copies another thread may write."""
        w = self.window
        session, runs = detached(w.controller.session, w.training.runs.runs)
        # While the timeline shows a moment of the past, the window's network holds that moment's
        # weights; the file is the present (the iteration saved is the present's), so it gets the
        # present's weights, which the training controller keeps aside meanwhile.
        present = getattr(w.training, "_present", None) if w.training.viewing is not None else None
        if present is not None:
            session.network.parameters = {k: v.copy() for k, v in present.items()}
        current = w.training.current.number if w.training.current is not None else None
        return session, runs, current, w.training.iteration

    def _apply(self, session, runs, current, iteration) -> None:
        w = self.window
        self._loading = True
        try:
            if getattr(w, "presets", None) is not None:
                w.presets.forget()   # a sweep left running would resize the new session's network
            w.stepping.set_active(False)
            w.controller.load_session(session)
            w.training.restore_runs(runs, current, iteration)
        finally:
            self._loading = False

    def _changed(self, *_) -> None:
        if not self._loading:
            self._dirty = True
            if not self.modified:
                self.modified = True
                self.window.setWindowModified(True)

    def _set_path(self, path: str | None, modified: bool = False) -> None:
        self.path = path
        self.modified = self._dirty = modified
        if path and not modified:
            self._remember(path)
        self._show_title()

    def _show_title(self) -> None:
        w = self.window
        w.setWindowTitle(f"{self.name}[*] — DeepStep")
        w.setWindowFilePath(self.path or "")
        w.setWindowModified(self.modified)


def install_sessions(window) -> None:
    """File menu entries, the title, autosave; the window's closeEvent asks window.sessions first."""
    sessions = SessionActions(window)
    window.sessions = sessions
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    sessions.install_menu(file_menu)
    # After the constructor, so a restore offer appears over the shown window (and not at all for
    # a screenshot or a test window, which leave the user's settings and files alone).
    QTimer.singleShot(0, sessions, lambda: sessions.start_recovery() if getattr(window, "_persist", False) else None)
