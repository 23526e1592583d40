"""Step-through mode in the window: the keys, the values shown, stepping back, the canvas highlight."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from core.propagation import backward, forward
from core.update import update_parameters


def _press(qtbot, window, key):
    qtbot.keyClick(window.canvas, key)


def test_a_whole_pass_shows_exactly_the_engines_values(window, qtbot):
    c = window.controller
    qtbot.keyClick(window.canvas, Qt.Key_T, Qt.ControlModifier)
    assert window.stepping.active and not window.stepping_dock.visibleRegion().isEmpty()
    X, Y = c.data.X[:, :4], c.data.Y[:, :4]
    AL, caches = forward(X, c.network.parameters, c.network.activations)
    grads = backward(AL, Y, caches, c.network.activations, need_dA0=True)
    panel = window.stepping_panel

    _press(qtbot, window, Qt.Key_Right)                      # forward 1
    shown = panel.shown_tensors()
    assert np.array_equal(shown["Z[1]"], caches[0].Z) and shown["Z[1]"].shape == (4, 4)
    assert np.array_equal(shown["A[0]"], X)
    assert panel.equation.plain_text()[0] == "Z[1] (4, 4) = W[1] (4, 2) · A[0] (2, 4) + b[1] (4, 1) →broadcast→ (4, 4)"
    assert "broadcast" in panel.equation.text()    # marked at b itself, not only in a note
    assert window.canvas.step_highlight() == ("forward", 1)

    _press(qtbot, window, Qt.Key_N)                          # forward 2
    _press(qtbot, window, Qt.Key_N)                          # cost
    assert window.canvas.step_highlight() == ("cost", 2)
    _press(qtbot, window, Qt.Key_Right)                      # backward 2
    _press(qtbot, window, Qt.Key_Right)                      # backward 1
    shown = panel.shown_tensors()
    assert window.canvas.step_highlight() == ("backward", 1)
    for name, value in (("dZ[1]", grads[0].dZ), ("dW[1]", grads[0].dW), ("db[1]", grads[0].db)):
        assert np.array_equal(shown[name], value)

    _press(qtbot, window, Qt.Key_Left)                       # back to backward 2: restored exactly
    shown = panel.shown_tensors()
    assert np.array_equal(shown["dW[2]"], grads[1].dW) and "dW[1]" not in shown
    assert window.canvas.step_highlight() == ("backward", 2)

    before = {k: v.copy() for k, v in c.network.parameters.items()}
    _press(qtbot, window, Qt.Key_End)                        # run to the end: the update is applied
    assert window.stepping.stepper.done
    expected = {k: v.copy() for k, v in before.items()}
    update_parameters(expected, grads, c.session.hyper.learning_rate)
    for k in expected:
        assert np.allclose(c.network.parameters[k], expected[k], rtol=0, atol=1e-15)
    _press(qtbot, window, Qt.Key_Right)                      # a new pass begins from the updated network
    for k in expected:
        assert np.allclose(c.network.parameters[k], expected[k], rtol=0, atol=1e-15)
    assert window.stepping.stepper.position == 0 and window.stepping.passes == 1


def test_cache_list_and_following_an_example(window, qtbot):
    s = window.stepping
    s.set_active(True)
    s.set_follow(2)
    s.next()
    views = [v for v in window.stepping_panel._views if not v.isHidden()]
    wide = [v for v in views if v.matrix().shape[1] == 4]
    assert wide and all(v.highlighted_column() == 2 for v in wide)
    assert "cache 1" in window.stepping_panel.caches.text()
    s.run_to_end()
    assert "used" in window.stepping_panel.caches.text()


def test_batch_choice_changes_m_in_every_shape(window):
    s = window.stepping
    s.set_active(True)
    panel = window.stepping_panel
    panel.batch.setCurrentIndex(panel.batch.findData(7))
    s.next()
    assert window.stepping_panel.shown_tensors()["Z[1]"].shape == (4, 7)
    panel.batch.setCurrentIndex(panel.batch.count() - 1)       # the whole training set
    s.next()
    assert window.stepping_panel.shown_tensors()["Z[1]"].shape == (4, 400)
    s.set_batch_size(3)                                      # chosen elsewhere: the box follows
    assert panel.batch.currentText() == "first 3"


def test_right_arrow_trains_when_not_stepping_and_stepping_stops_training(window, qtbot):
    training = window.training
    _press(qtbot, window, Qt.Key_Right)
    qtbot.waitUntil(lambda: training.iteration == 1 and training.state == "idle", timeout=5000)
    training.play()
    qtbot.waitUntil(lambda: training.state == "running", timeout=3000)
    window.step_actions.mode.trigger()
    assert not training.trainer.running and window.stepping.active
    window.step_actions.mode.trigger()
    assert not window.stepping.active and window.canvas.step_highlight() is None


def test_previous_steps_back_across_the_update_and_restores_the_parameters(window, qtbot):
    c, s, panel = window.controller, window.stepping, window.stepping_panel
    s.set_active(True)
    before = {k: v.copy() for k, v in c.network.parameters.items()}
    for _ in range(5):
        s.next()                                             # forward 1, 2, cost, backward 2, 1
    last_backward = {k: v.copy() for k, v in panel.shown_tensors().items()}
    s.next()                                                 # the update: the network changes
    assert s.stepper.done and not np.array_equal(c.network.parameters["W1"], before["W1"])
    updated = {k: v.copy() for k, v in c.network.parameters.items()}
    s.next()                                                 # the next pass begins
    assert s.stepper.position == 0 and s.passes == 1
    _press(qtbot, window, Qt.Key_Left)                       # back into the finished pass, at its update
    assert s.stepper.done and s.passes == 0
    assert all(np.array_equal(c.network.parameters[k], updated[k]) for k in updated)
    _press(qtbot, window, Qt.Key_Left)                       # before the update: truly restored
    assert s.result.step == ("backward", 1)
    assert all(np.array_equal(c.network.parameters[k], before[k]) for k in before)
    shown = panel.shown_tensors()
    assert shown.keys() == last_backward.keys()
    assert all(np.array_equal(shown[k], last_backward[k]) for k in shown)
    assert window.canvas.step_highlight() == ("backward", 1)
    s.next()                                                 # and forward again: the same update
    assert all(np.array_equal(c.network.parameters[k], updated[k]) for k in updated)


def test_backward_at_the_output_shows_dA_L(window):
    from core.propagation import output_dA
    c, s = window.controller, window.stepping
    s.set_active(True)
    for _ in range(4):
        s.next()                                             # forward 1, 2, cost, backward 2
    X, Y = c.data.X[:, :4], c.data.Y[:, :4]
    AL, _ = forward(X, c.network.parameters, c.network.activations)
    reads = window.stepping_panel.reads.shown()
    assert np.array_equal(reads["dA[2]"], output_dA(AL, Y))
    assert np.array_equal(window.stepping_panel.writes.shown()["dZ[2]"], AL - Y)


def test_stepping_starts_from_the_present_not_a_moment_of_the_timeline(window, qtbot):
    t, c, s = window.training, window.controller, window.stepping
    for n in (200, 400):                                     # two runs' ends: two moments at least
        t.set_hyperparameters(iterations=n)
        t.play()
        qtbot.waitUntil(lambda: t.state == "idle" and t.iteration == n, timeout=20000)
    assert len(t.timeline()) >= 2
    present = {k: v.copy() for k, v in c.network.parameters.items()}
    t.show_past(0)
    assert t.viewing is not None and not np.array_equal(c.network.parameters["W1"], present["W1"])
    s.set_active(True)                                       # entering step mode: back to the present
    assert t.viewing is None and np.array_equal(c.network.parameters["W1"], present["W1"])
    t.show_past(0)                                           # the timeline moved while stepping
    s.next()                                                 # Next steps the present
    assert t.viewing is None
    assert all(np.array_equal(s.stepper.network.parameters[k], present[k]) for k in present)
    assert np.array_equal(s.result.reads["W[1]"], present["W1"])
    s.run_to_end()                                           # the update goes onto the present
    expected = {k: v.copy() for k, v in present.items()}
    X, Y = c.data.X[:, :4], c.data.Y[:, :4]
    AL, caches = forward(X, present, c.network.activations)
    update_parameters(expected, backward(AL, Y, caches, c.network.activations), c.session.hyper.learning_rate)
    assert all(np.allclose(c.network.parameters[k], expected[k], rtol=0, atol=1e-15) for k in expected)


def _cat_window(window):
    from core.presets import load_presets
    from core.session import DataSettings
    window.controller.set_data_settings(DataSettings(source=CAT_FILE))
    window.presets.apply([p for p in load_presets() if p.id == "week4-cat"][0])
    assert list(window.controller.network.layer_sizes) == [12288, 20, 7, 5, 1]


CAT_FILE = "/work/shared/reference/datasets/train_catvnoncat.h5"


@pytest.mark.parametrize("cat", [False, True])
def test_the_panel_stays_small_enough_for_a_laptop_in_every_step(window, qtbot, cat):
    if cat:
        _cat_window(window)
    s, panel, dock = window.stepping, window.stepping_panel, window.stepping_dock
    s.set_active(True)
    sizes = []
    for _ in range(len(s.stepper.steps) + 1):                # the start and every step of the pass
        for widget in (panel, dock):
            hint = widget.minimumSizeHint()
            sizes.append((hint.width(), hint.height()))
        s.next()
    assert window.minimumSizeHint().width() <= 1280 and window.minimumSizeHint().height() <= 800
    assert max(w for w, _ in sizes) <= 600 and max(h for _, h in sizes) <= 300, sizes


def test_the_fonts_follow_the_application_font(window, qtbot):
    s, panel = window.stepping, window.stepping_panel
    s.set_active(True)
    s.next()
    # The equations' own width (the notes wrap at the visible width) and the height the strip
    # of steps needs at a given width (it wraps there: a bigger font takes more lines).
    small = panel.equation.minimumWidth(), panel.strip.heightForWidth(200)
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 1.45)              # as presentation mode does
    for widget in (panel, panel.equation, panel.strip):
        widget.setFont(font)
    big = panel.equation.minimumWidth(), panel.strip.heightForWidth(200)
    assert big[0] > 1.3 * small[0] and big[1] > 1.3 * small[1]


def test_read_and_written_tensors_are_two_labelled_rows(window):
    s, panel = window.stepping, window.stepping_panel
    s.set_active(True)
    s.next()
    assert panel.reads.label.text() == "<b>Read</b>" and panel.writes.label.text() == "<b>Wrote</b>"
    assert set(panel.reads.shown()) == {"A[0]", "W[1]", "b[1]"} and set(panel.writes.shown()) == {"Z[1]", "A[1]"}
    panel.numbers.setChecked(True)                           # every view shows numbers at once
    assert all(v.stack.currentWidget() is v.table for v in panel._views if not v.isHidden())


def test_every_control_of_the_panel_has_a_tooltip_and_an_accessible_name(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox
    s, panel = window.stepping, window.stepping_panel
    s.set_active(True)
    s.next()
    controls = panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox) + panel.findChildren(QAbstractSpinBox)
    assert len(controls) >= 8
    for control in controls:
        if control.isVisibleTo(panel):
            assert control.toolTip() and control.accessibleName(), control


def test_stepping_gets_room_for_its_tensors_and_gives_the_cost_its_height_back(window, qtbot):
    window.resize(1920, 1080)
    qtbot.wait(50)
    cost_height = window.cost_dock.height()
    middle = window.centralWidget().height() + cost_height
    qtbot.keyClick(window.canvas, Qt.Key_T, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.stepping_dock.height() >= 0.4 * middle, timeout=2000)
    assert window.centralWidget().height() >= 0.45 * middle   # the canvas keeps room to highlight
    qtbot.keyClick(window.canvas, Qt.Key_T, Qt.ControlModifier)
    qtbot.waitUntil(lambda: abs(window.cost_dock.height() - cost_height) <= 2, timeout=2000)


def test_the_panels_mnemonics_clash_with_no_menu_or_other_label(window, qtbot):
    """Alt+X was the Examples menu and both panels' Examples labels, Alt+E the Edit menu and the
    gradient check's Entries: Qt then only cycles between them. Each must reach its own control."""
    import re
    from PySide6.QtWidgets import QLabel

    def letter(text):
        match = re.search(r"&(\w)", text)
        return match.group(1).lower() if match else None

    from PySide6.QtWidgets import QAbstractButton
    menus = [letter(a.text()) for a in window.menuBar().actions()]
    labels = [l for l in window.findChildren(QLabel) if l.buddy() is not None and letter(l.text())]
    buttons = [b for b in window.findChildren(QAbstractButton) if letter(b.text())]
    letters = menus + [letter(w.text()) for w in labels + buttons]
    assert "u" in letters   # Alt+U: the step panel's Numbers
    assert len(letters) == len(set(letters)), sorted(letters)
    # Alt+M reaches the step batch: the keyboard user chooses "first 8" without the mouse.
    window.stepping.set_active(True)
    window.stepping_dock.raise_()
    qtbot.waitUntil(lambda: window.stepping_panel.batch.isVisible())
    window.activateWindow()
    qtbot.keyClick(window.canvas, Qt.Key_M, Qt.AltModifier)
    assert window.stepping_panel.batch.hasFocus()


def test_the_gradient_check_uses_the_step_batch(window, qtbot):
    """"Runs the gradient check on the current network and batch": after stepping with the first
    8 examples (or the whole set), Check gradients checks on those, not on a batch of its own."""
    from gui.gradcheck_panel import ALL_EXAMPLES
    combo = window.gradcheck_panel.batch_combo
    assert combo.currentData() == window.stepping.batch_size == 4
    window.stepping.set_active(True)
    window.stepping_panel.batch.setCurrentIndex(window.stepping_panel.batch.findData(8))
    assert window.stepping.batch_size == 8 and combo.currentData() == 8
    window.stepping.set_batch_size(None)
    assert combo.currentData() == ALL_EXAMPLES
    with qtbot.waitSignal(window.gradcheck_panel.finished, timeout=20000):
        assert window.gradcheck_panel.run_check()
    assert f"{window.controller.data.m:,} examples" in window.gradcheck_panel.details.text()


def test_clicking_an_examples_column_follows_it_everywhere(window, qtbot):
    """Select column i by clicking it: a header of a table of numbers or a cell of a heat map of
    Z, A, dZ, dA or Y; a click on W (whose columns are units, not examples) follows nothing."""
    import pyqtgraph as pg
    window.resize(1600, 1000)
    window.stepping.set_active(True)
    window.stepping_dock.raise_()
    window.stepping.next()
    panel = window.stepping_panel
    views = {v.name(): v for v in panel._views if not v.isHidden()}
    qtbot.waitUntil(lambda: views["Z[1]"].isVisible())
    # A click on a cell of the map of Z[1], in column 3.
    z = views["Z[1]"]
    point = z.plot.mapFromScene(z.view_box.mapViewToScene(pg.Point(3.0, 1.0)))
    qtbot.mouseClick(z.plot.viewport(), Qt.LeftButton, pos=point)
    assert window.stepping.follow == 2
    assert all(v.highlighted_column() == 2 for n, v in views.items() if n[0] in "ZA")
    # W[1]'s columns are units of layer 0: clicking one changes nothing.
    w = views["W[1]"]
    point = w.plot.mapFromScene(w.view_box.mapViewToScene(pg.Point(1.0, 1.0)))
    qtbot.mouseClick(w.plot.viewport(), Qt.LeftButton, pos=point)
    assert window.stepping.follow == 2
    # In the tables, a column's header.
    panel.numbers.setChecked(True)
    a = views["A[1]"]
    header = a.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(header.sectionViewportPosition(3) + 5, 5))
    assert window.stepping.follow == 3 and panel.follow.value() == 4   # the spin box counts from 1
    assert "column 4" in views["Z[1]"].title.text()


def _views_by_name(panel):
    return {v.name(): v for v in panel._views if not v.isHidden()}


def test_views_are_made_when_stepping_starts_and_reused_pass_after_pass(window):
    """A step hands new numbers to views that exist: the same widget shows W[1] in every pass,
    with the new values, colour key and hover value, and no view is made after the start."""
    c, s, panel = window.controller, window.stepping, window.stepping_panel
    s.set_active(True)
    made = [id(v) for v in panel._views]
    assert len(made) >= 12                                   # the update reads 8 tensors, writes 4
    s.next()                                                 # pass 1, forward 1
    first_W1 = _views_by_name(panel)["W[1]"]
    for _ in range(6):
        s.next()                                             # ... the update, then pass 2 begins
    s.next()                                                 # pass 2, forward 1
    W1 = c.network.parameters["W1"]                          # updated by pass 1
    view = _views_by_name(panel)["W[1]"]
    assert view is first_W1 and np.array_equal(view.matrix(), W1) and np.array_equal(view.image(), W1)
    limit = np.abs(W1).max()
    assert view.levels() == (-limit, limit)
    assert view.high_label.text().endswith(f"{limit:.4g}")
    # The value under the mouse is the new one.
    from PySide6.QtCore import QPointF
    import pyqtgraph as pg
    view._on_mouse_moved(view.view_box.mapViewToScene(pg.Point(2.0, 1.0)))
    assert view.hover.text().startswith(repr(float(W1[0, 1])))
    for _ in range(6):
        s.next()
    assert [id(v) for v in panel._views] == made


def test_after_the_first_pass_no_view_changes_shape_or_size(window, qtbot):
    """Each tensor goes to a view that showed its shape, and every view of a row keeps one
    width: a step redraws numbers, it lays nothing out again."""
    s, panel = window.stepping, window.stepping_panel
    window.resize(1600, 1000)
    window.stepping_dock.raise_()
    s.set_active(True)
    qtbot.wait(50)                                           # the dock takes its stepping height
    for _ in range(14):
        s.next()                                             # two passes: the views find their tensors
    before = {id(v): (v.matrix().shape, v.size()) for v in panel._views if v.name()}
    for _ in range(14):                                      # two more passes
        s.next()
        for row in (panel.reads, panel.writes):
            shown = [v for v in row.views if not v.isHidden()]
            assert len({v.width() for v in shown}) <= 1
    after = {id(v): (v.matrix().shape, v.size()) for v in panel._views if v.name()}
    assert after == before


def test_stepping_forward_then_back_shows_identical_tensors_and_text(window):
    s, panel = window.stepping, window.stepping_panel
    s.set_active(True)
    for step in range(6):
        s.next()
        shown = {k: v.copy() for k, v in panel.shown_tensors().items()}
        texts = [w.text() for w in (panel.strip, panel.title, panel.equation, panel.caches)]
        s.next()
        s.previous()
        again = panel.shown_tensors()
        assert again.keys() == shown.keys(), step
        assert all(np.array_equal(again[k], shown[k]) for k in shown), step
        assert [w.text() for w in (panel.strip, panel.title, panel.equation, panel.caches)] == texts
