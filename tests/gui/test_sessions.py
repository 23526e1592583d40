"""Sessions in the window: save/open round trip, title and modified mark, recent files, asking
before losing changes, autosave and the offer to restore after a crash."""
import numpy as np
import pytest
from PySide6.QtGui import QKeySequence

import gui.session_actions as sa
from core.session_file import load_session
from gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def never_block(monkeypatch):
    """No real dialog may open offscreen (it would wait forever): unsaved windows left at the end
    of a test are discarded when pytest-qt closes them. Set up before qtbot, so undone after it."""
    monkeypatch.setattr(sa, "ask_to_save", lambda parent, name: "discard")
    monkeypatch.setattr(sa, "ask_to_restore", lambda parent, when: pytest.fail("an unexpected restore offer"))


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    yield w
    w.training.shutdown()


def persistent_window(qtbot):
    """A window as the app makes it: it autosaves, offers recovery and asks before closing."""
    w = MainWindow(restore_settings=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.sessions._lock is not None, timeout=2000)   # start_recovery ran
    return w


def train(w, qtbot, steps):
    for _ in range(steps):
        done = w.training.iteration + 1
        w.training.step()
        qtbot.waitUntil(lambda: w.training.state == "idle" and w.training.iteration == done, timeout=5000)


def edit_session(w, qtbot):
    """Custom points, a deeper network, other hyperparameters, two runs with costs."""
    c = w.controller
    assert c.add_point(0.5, -0.25, 1)
    assert c.insert_layer(1, 3, "relu")
    assert w.training.set_hyperparameters(learning_rate=0.3, iterations=500, l2=0.01)
    train(w, qtbot, 3)
    w.training.reset()
    train(w, qtbot, 2)


def test_the_title_names_the_file_and_marks_unsaved_changes(window, qtbot, tmp_path):
    s = window.sessions
    assert window.windowTitle() == "Untitled[*] — DeepStep" and not window.isWindowModified()
    window.controller.insert_layer(1)
    assert window.isWindowModified() and s.modified
    assert s.save_to(tmp_path / "lecture.h5")
    assert window.windowTitle() == "lecture.h5[*] — DeepStep" and not window.isWindowModified()
    assert s.recent() == [str(tmp_path / "lecture.h5")]
    train(window, qtbot, 1)  # training changes the parameters: unsaved again
    assert window.isWindowModified()
    window.training.set_hyperparameters(learning_rate=0.5)
    assert s.save()      # to the same file, no dialog
    assert not window.isWindowModified()


def test_save_then_open_restores_data_network_hyperparameters_and_runs(window, qtbot, tmp_path):
    edit_session(window, qtbot)
    c, t = window.controller, window.training
    want_X, want_W1 = c.data.X.copy(), c.network.parameters["W1"].copy()
    want_hyper, want_costs = c.session.hyper, [r.costs.costs for r in t.runs.runs]
    assert window.sessions.save_to(tmp_path / "s.h5")

    assert window.sessions.new_session()
    assert c.network.layer_sizes == (2, 4, 1) and c.session.data_settings.source == "flower"
    assert len(t.runs) == 0 and window.cost_panel is not None

    assert window.sessions.open_path(tmp_path / "s.h5")
    assert np.array_equal(c.data.X, want_X) and c.session.data_settings.source == "custom"
    assert c.network.layer_sizes == (2, 3, 4, 1)
    assert np.array_equal(c.network.parameters["W1"], want_W1)
    assert c.session.hyper == want_hyper
    assert [r.costs.costs.tolist() for r in t.runs.runs] == [x.tolist() for x in want_costs]
    assert t.current is not None and t.iteration == 2          # the open run goes on from here
    assert window.runs_panel.tree.topLevelItemCount() == 2
    assert window.training_panel.lr_edit.text() == "0.3"
    assert not c.undo_stack.canUndo() and not window.isWindowModified()
    train(window, qtbot, 1)
    assert t.runs.runs[-1].costs.iterations.tolist() == [0, 1, 2]
    assert len(t.runs) == 2  # the same run, not a new one


def test_opening_the_file_just_saved_keeps_its_trained_weights(window, qtbot, tmp_path):
    train(window, qtbot, 3)
    trained = window.controller.network.parameters["W1"].copy()
    assert window.sessions.save_to(tmp_path / "s.h5")
    assert window.sessions.open_path(tmp_path / "s.h5")   # equal tensors: not mistaken for an edit
    assert np.array_equal(window.controller.network.parameters["W1"], trained)


def test_a_bad_file_is_refused_and_the_session_stays(window, qtbot, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append(text))
    window.controller.insert_layer(1)
    before = window.controller.network
    (tmp_path / "bad.h5").write_text("not a session")
    assert not window.sessions.open_path(tmp_path / "bad.h5")
    assert "bad.h5" in errors[0]
    assert window.controller.network is before and window.isWindowModified()
    assert window.windowTitle() == "Untitled[*] — DeepStep" and window.sessions.recent() == []


def test_a_failed_save_says_why_and_stays_unsaved(window, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append(text))
    window.controller.insert_layer(1)
    assert not window.sessions.save_to(tmp_path / "no such folder" / "s.h5")
    assert errors and window.isWindowModified() and window.sessions.path is None


def test_recent_files_keep_the_eight_newest_and_can_be_cleared(window, tmp_path, monkeypatch):
    s = window.sessions
    for i in range(10):
        assert s.save_to(tmp_path / f"s{i}.h5")
    assert s.recent() == [str(tmp_path / f"s{i}.h5") for i in range(9, 1, -1)]
    entries = [a for a in s.recent_menu.actions() if not a.isSeparator()]
    assert [a.text() for a in entries][:2] == ["&1 s9.h5", "&2 s8.h5"] and entries[-1] is s.clear_recent_action
    assert len(entries) == 9 and entries[0].toolTip() == str(tmp_path / "s9.h5")
    entries[3].trigger()     # s6.h5, nothing unsaved: opens without asking
    assert s.path == str(tmp_path / "s6.h5") and s.recent()[0] == s.path

    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append(text))
    (tmp_path / "s5.h5").unlink()
    assert not s.open_recent(str(tmp_path / "s5.h5"))
    assert errors and str(tmp_path / "s5.h5") not in s.recent()     # a vanished file leaves the list
    s.clear_recent_action.trigger()
    assert s.recent() == [] and not s.recent_menu.isEnabled()


def test_unsaved_changes_ask_before_new_open_and_close(qtbot, tmp_path, monkeypatch):
    w = persistent_window(qtbot)
    asked = []
    answer = ["cancel"]
    monkeypatch.setattr(sa, "ask_to_save", lambda parent, name: asked.append(name) or answer[0])
    w.controller.insert_layer(1)
    assert not w.sessions.new_session() and w.controller.network.L == 3     # cancelled: nothing changed
    assert not w.close() and w.isVisible()
    answer[0] = "save"
    monkeypatch.setattr(sa.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "kept"), ""))
    assert w.sessions.new_session()                     # saved first (Save As: no file yet), then new
    assert load_session(tmp_path / "kept.h5").session.network.L == 3 and w.controller.network.L == 2
    w.controller.insert_layer(1)
    answer[0] = "discard"
    assert w.close()
    assert asked == ["Untitled"] * 4
    assert not (tmp_path / "appdata" / "recovery.h5").exists()


def test_nothing_unsaved_closes_without_asking(qtbot, monkeypatch):
    w = persistent_window(qtbot)
    monkeypatch.setattr(sa, "ask_to_save", lambda *a: pytest.fail("asked with nothing to save"))
    w.controller.select_layer(1)      # selecting is not an edit
    assert not w.isWindowModified() and w.close()


def test_autosave_writes_a_loadable_recovery_file_on_a_thread(qtbot, tmp_path):
    w = persistent_window(qtbot)
    s = w.sessions
    assert not s.autosave()        # nothing changed: nothing written
    s.autosave_timer.setInterval(20)
    w.controller.insert_layer(1, 6, "tanh")
    w.training.set_hyperparameters(learning_rate=0.07)
    qtbot.waitUntil(lambda: s.recovery_path.exists() and not s._thread.is_alive(), timeout=3000)
    saved = load_session(s.recovery_path)
    assert saved.session.network.layer_sizes == (2, 6, 4, 1) and saved.session.hyper.learning_rate == 0.07
    assert not s.autosave()        # nothing new since
    assert s.save_to(tmp_path / "s.h5")
    assert not s.recovery_path.exists()     # an explicit save deletes it


def test_after_a_crash_the_next_start_offers_the_recovery_and_restores_it(qtbot, tmp_path, monkeypatch):
    first = persistent_window(qtbot)
    assert first.sessions.save_to(tmp_path / "lecture.h5")
    first.controller.insert_layer(1, 6, "tanh")
    assert first.controller.set_data_settings(first.controller.session.data_settings.__class__(
        source="moons", samples=80, noise=0.1, seed=3))
    train(first, qtbot, 2)
    assert first.sessions.autosave()
    first.sessions._wait_for_autosave()
    want_W1, want_X = first.controller.network.parameters["W1"].copy(), first.controller.data.X.copy()
    first.sessions._lock.unlock()         # the process dies: no clean close, the file stays
    first.sessions._lock = None
    first.sessions.autosave_timer.stop()

    offers = []
    monkeypatch.setattr(sa, "ask_to_restore", lambda parent, when: offers.append(when) or True)
    second = persistent_window(qtbot)
    assert len(offers) == 1
    c = second.controller
    assert c.network.layer_sizes == (2, 6, 4, 1) and np.array_equal(c.network.parameters["W1"], want_W1)
    assert np.array_equal(c.data.X, want_X) and c.session.data_settings.source == "moons"
    assert second.training.iteration == 2
    assert second.windowTitle() == "lecture.h5[*] — DeepStep" and second.isWindowModified()
    assert second.close()
    assert not second.sessions.recovery_path.exists()
    first.sessions.autosave_timer.stop()


def test_a_declined_recovery_is_deleted_and_a_second_instance_leaves_it_alone(qtbot, monkeypatch):
    first = persistent_window(qtbot)
    first.controller.insert_layer(1)
    assert first.sessions.autosave()
    first.sessions._wait_for_autosave()
    second = MainWindow(restore_settings=True)      # while the first still runs
    qtbot.addWidget(second)
    qtbot.wait(50)
    assert second.sessions._lock is None and first.sessions.recovery_path.exists()
    second.sessions.shutdown()
    assert first.sessions.recovery_path.exists()

    first.sessions._lock.unlock()         # the first crashes
    first.sessions._lock = None
    monkeypatch.setattr(sa, "ask_to_restore", lambda *a: False)
    third = persistent_window(qtbot)
    assert not third.sessions.recovery_path.exists() and third.controller.network.L == 2


def test_file_shortcuts_follow_platform_habits_and_do_not_clash(window):
    s = window.sessions
    assert s.new_action.shortcut() == QKeySequence(QKeySequence.New)
    assert s.open_action.shortcut() == QKeySequence("Ctrl+O")
    assert s.save_action.shortcut() == QKeySequence("Ctrl+S")
    assert s.save_as_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    assert window.open_data_action.shortcut() == QKeySequence("Ctrl+Shift+O")
    keys = [k.toString() for a in window.findChildren(type(s.new_action)) for k in a.shortcuts()
            if a.shortcutContext() != 0]   # widget-local shortcuts may repeat
    file_keys = {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+Shift+O"}
    assert all(keys.count(k) == 1 for k in file_keys)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert texts[:5] == ["&New Session", "&Open Session…", "Open &Recent", "&Save Session", "Save Session &As…"]
    for action in (s.new_action, s.open_action, s.save_action, s.save_as_action):
        assert action.toolTip() and action.statusTip()


def test_the_autosave_interval_can_be_shortened_to_try_crash_recovery(monkeypatch):
    from gui import session_actions as sa
    monkeypatch.delenv(sa.AUTOSAVE_ENV, raising=False)
    assert sa.autosave_interval_ms() == 2 * 60 * 1000
    monkeypatch.setenv(sa.AUTOSAVE_ENV, "3")
    assert sa.autosave_interval_ms() == 3000
    for bad in ("0", "-5", "soon", "1e9"):
        monkeypatch.setenv(sa.AUTOSAVE_ENV, bad)
        assert sa.autosave_interval_ms() == 2 * 60 * 1000


def test_a_crash_mid_autosave_leaves_no_half_written_file_for_good(qtbot, tmp_path):
    folder = tmp_path / "appdata"      # the conftest's recovery folder
    folder.mkdir(parents=True, exist_ok=True)
    half = folder / f".{sa.RECOVERY_NAME}.3f9a1c2b7d4e.tmp"
    half.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)   # killed while h5py wrote it
    other = folder / "notes.txt"
    other.write_text("not DeepStep's")
    w = persistent_window(qtbot)
    assert not half.exists() and other.exists()
    assert not w.sessions.recovery_path.exists()   # nothing to offer: the half was no session
    w.close()


def test_saving_while_the_timeline_shows_the_past_saves_the_present(window, qtbot, tmp_path):
    t = window.training
    t.set_hyperparameters(iterations=300)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration >= 300, timeout=20000)
    present = window.controller.network.parameters["W1"].copy()
    t.show_past(0)                                   # the first moment: iteration 0
    assert t.viewing == 0
    assert not np.array_equal(window.controller.network.parameters["W1"], present)
    assert window.sessions.save_to(tmp_path / "lecture.h5")
    saved = load_session(tmp_path / "lecture.h5")
    assert saved.iteration == 300
    assert np.array_equal(saved.session.network.parameters["W1"], present)   # not the moment shown
    assert t.viewing is not None                                                  # the view stays


def test_training_pauses_while_the_quit_question_is_open_and_cancel_lets_it_go_on(qtbot, monkeypatch):
    w = persistent_window(qtbot)
    t = w.training
    t.set_hyperparameters(iterations=10 ** 9)
    t.play()
    qtbot.waitUntil(lambda: t.iteration > 100, timeout=10000)
    seen = []

    def answer(parent, name):
        # the dialog is open: the run pauses and holds still
        qtbot.waitUntil(lambda: t.state == "paused", timeout=5000)
        at = t.iteration
        qtbot.wait(150)
        seen.append((at, t.iteration))
        return "cancel"

    monkeypatch.setattr(sa, "ask_to_save", answer)
    assert not w.close() and w.isVisible()
    (at, later), = seen
    assert later == at
    qtbot.waitUntil(lambda: t.state == "running" and t.iteration > at, timeout=5000)   # goes on
    monkeypatch.setattr(sa, "ask_to_save", lambda parent, name: "discard")
    assert w.close() and not t.trainer.running
