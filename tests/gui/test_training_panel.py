"""The training panel: controls refuse bad values at the control, and drive the training."""
import math
import re

import pytest
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from gui.runs_panel import ENDED


def test_space_plays_and_pauses_and_the_progress_bar_moves(window, qtbot):
    panel, training = window.training_panel, window.training
    window.activateWindow()
    qtbot.keyClick(window.canvas, Qt.Key_Space)
    qtbot.waitUntil(lambda: training.state == "running", timeout=3000)
    assert panel.buttons[0].text() == "Pause"
    qtbot.waitUntil(lambda: panel.progress.value() > 100, timeout=10000)
    qtbot.keyClick(window.canvas, Qt.Key_Space)
    qtbot.waitUntil(lambda: training.state == "paused", timeout=3000)
    assert panel.buttons[0].text() == "Play"
    assert panel.progress.value() == training.iteration
    assert window.status_iteration.text() == f"iteration {training.iteration:,}"


def test_right_arrow_trains_one_iteration_and_r_resets(window, qtbot):
    training = window.training
    qtbot.keyClick(window.canvas, Qt.Key_Right)
    qtbot.waitUntil(lambda: training.iteration == 1 and training.state == "idle", timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key_R)
    assert training.iteration == 0


@pytest.mark.parametrize("text", ["nan", "-0.1", "0", "abc", "inf", "1e9"])
def test_a_bad_learning_rate_is_refused_with_an_explanation(window, qtbot, text):
    panel = window.training_panel
    panel.lr_edit.setText(text)
    panel.lr_edit.editingFinished.emit()
    assert not panel.lr_error.isHidden() and panel.lr_error.text()
    assert window.controller.session.hyper.learning_rate == 1.2


def test_learning_rate_typed_and_slid(window):
    panel, session = window.training_panel, window.controller.session
    panel.lr_edit.setText("0.03")
    panel.lr_edit.editingFinished.emit()
    assert session.hyper.learning_rate == 0.03
    assert panel.lr_slider.value() == round(math.log10(0.03) * 100)
    panel.lr_slider.setValue(-100)  # 10^-1
    assert session.hyper.learning_rate == 0.1 and panel.lr_edit.text() == "0.1"
    assert panel.lr_slider.minimum() == -500 and panel.lr_slider.maximum() == 100  # 1e-5 .. 10


def test_batch_size_cannot_exceed_m_and_zero_means_full_batch(window):
    panel, session = window.training_panel, window.controller.session
    assert panel.batch.maximum() == 400 and panel.batch.text() == "full batch"
    panel.batch.setValue(64)
    assert session.hyper.batch_size == 64
    panel.batch.setValue(0)
    assert session.hyper.batch_size is None


def test_stop_at_n_and_target(window, qtbot):
    panel, training = window.training_panel, window.training
    panel.iterations.setValue(150)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=10000)
    assert training.iteration == 150 and panel.progress.value() == 150
    training.reset()
    panel.target_on.setChecked(True)
    panel.target.setValue(0.6)
    panel.iterations.setValue(5000)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=10000)
    assert training.last_snapshot.cost <= 0.6 and training.iteration < 5000


def test_divergence_shows_the_banner_and_keeps_the_app_running(window, qtbot):
    c, panel = window.controller, window.training_panel
    c.set_activation(1, "linear")
    panel.lr_edit.setText("10")
    panel.lr_edit.editingFinished.emit()
    window.training.play()
    qtbot.waitUntil(lambda: not panel.banner.isHidden(), timeout=20000)
    text = panel.banner.text()
    assert "probably too high" in text and "learning rate 10 " in text
    # The banner names the iteration that failed and the one kept; the panel shows the one kept.
    failed, kept = (int(n) for n in re.findall(r"iteration (\d+)", text))
    assert kept == failed - 1 == window.training.iteration == panel.progress.value()
    assert f"iteration {kept:,} ·" in panel.status.text()
    run = window.training.runs.runs[-1]
    assert text.endswith(run.stopped[1:])  # the engine's own words
    row = window.runs_panel.rows[run.number]
    assert row.text(ENDED) == "diverged" and run.stopped in row.toolTip(ENDED)
    window.training.reset()
    assert panel.banner.isHidden()


def test_closing_the_window_while_training_leaves_no_thread(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    w.training.play()
    qtbot.waitUntil(lambda: w.training.iteration > 10, timeout=5000)
    worker = w.training.trainer._worker
    w.close()
    assert worker.isFinished() and not w.training.trainer.running


from tests.paths import CAT_MISSING, CAT_TEST, CAT_TRAIN  # noqa: E402
from core.session import DataSettings  # noqa: E402


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_cat_network_trains_without_blocking_and_marks_mistakes(window, qtbot):
    c, training = window.controller, window.training
    assert c.set_data_settings(DataSettings(source=str(CAT_TRAIN), test_path=str(CAT_TEST)))
    c.set_units(1, 20)
    c.insert_layer(2, 7, "relu")
    c.insert_layer(3, 5, "relu")
    c.set_activation(1, "relu")
    training.set_init(scheme="xavier", seed=1)
    training.set_hyperparameters(learning_rate=0.0075, iterations=40)
    training.play()
    # the GUI thread stays free: events are processed while the worker trains
    import time
    ticks = []
    from PySide6.QtCore import QTimer
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    qtbot.waitUntil(lambda: training.state == "idle", timeout=60000)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert training.iteration == 40 and len(ticks) > 5
    assert max(gaps) < 0.5  # the event loop never stalled for half a second
    run = training.runs.runs[-1]
    assert round(run.costs.costs[0], 6) == 0.771749  # the course's L-layer start, in the window
    window.predictions.update_now()
    grid = window.data_panel.thumbnails
    train_wrong, test_wrong = grid.misclassified()
    predicted = c.network.predict(c.data.X)[0]
    assert train_wrong == int((predicted != c.data.Y[0]).sum())


def test_arrow_keys_stay_with_the_slider_and_the_runs_list_and_space_with_a_check_box(window, qtbot):
    panel, training = window.training_panel, window.training
    window.activateWindow()
    slider = panel.lr_slider
    slider.setFocus()
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key_Right)
    assert slider.value() == before + slider.singleStep()  # the slider moved ...
    qtbot.keyClick(slider, Qt.Key_Left)
    assert slider.value() == before
    qtbot.wait(50)
    assert training.iteration == 0 and training.state == "idle"  # ... and nothing trained
    tree = window.runs_panel.tree
    window.runs_dock.raise_()
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key_Right)
    qtbot.wait(50)
    assert training.iteration == 0 and training.state == "idle"
    box = panel.same_start
    box.setFocus()
    qtbot.keyClick(box, Qt.Key_Space)  # Space ticks a focused check box ...
    assert not box.isChecked() and not training.same_start and training.state == "idle"
    qtbot.keyClick(window.canvas, Qt.Key_Right)  # ... and elsewhere → still trains one iteration
    qtbot.waitUntil(lambda: training.iteration == 1 and training.state == "idle", timeout=5000)


def test_toolbar_icons_follow_the_palette(window, qtbot):
    """Play, One Iteration and the undo arrows are drawn in the text colour: light on the dark
    palette (Fusion's black ones vanished into the dark toolbar), dark on the light one."""
    import numpy as np
    from PySide6.QtGui import QColor, QFont, QPalette

    def lightness(action) -> float:
        image = action.icon().pixmap(24, 24).toImage()
        values = [QColor.fromRgba(image.pixel(x, y)) for x in range(image.width())
                  for y in range(image.height())]
        return float(np.mean([c.lightness() for c in values if c.alpha() > 200]))

    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    # The theme is application-wide (style, font, palette, style sheet): put back what the tests
    # run with, or every later test lays out in the theme's larger font.
    before = app.style().name(), QFont(app.font()), QPalette(app.palette()), app.styleSheet()
    actions = window.train_actions
    icons = [actions.play, actions.step, window.undo_button_action, window.redo_action]
    window.dark_action.setChecked(True)
    try:
        qtbot.waitUntil(lambda: all(lightness(a) > 170 for a in icons), timeout=2000)
        window.training.play()                               # the pause icon too
        qtbot.waitUntil(lambda: window.training.state != "idle" or window.training.iteration > 0)
        assert lightness(actions.play) > 170
        window.training.pause()
    finally:
        window.dark_action.setChecked(False)
    try:
        qtbot.waitUntil(lambda: all(lightness(a) < 90 for a in icons), timeout=2000)
    finally:
        app.setStyle(before[0])
        app.setFont(before[1])
        app.setPalette(before[2])
        app.setStyleSheet(before[3])
