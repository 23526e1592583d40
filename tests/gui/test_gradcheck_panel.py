"""Gradient check panel: core.gradcheck on a worker thread, one bar and one row per gradient."""
import threading

import numpy as np
import pytest
import pyqtgraph as pg
from PySide6.QtCore import QThread, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QComboBox

import gui.gradcheck_panel as gradcheck_panel
from core.gradcheck import gradient_check
from core.network import Network
from gui.gradcheck_panel import (ALL_EXAMPLES, AUTO, AUTO_SAMPLE, GradCheckPanel, display_name, entries_limit,
                                 estimated_seconds)


@pytest.fixture
def panel(qtbot, controller):
    p = GradCheckPanel(controller)
    qtbot.addWidget(p)
    p.resize(560, 520)
    p.show()
    yield p
    p.shutdown()
    assert not p.running()


def check(panel, qtbot, timeout=20000):
    with qtbot.waitSignal(panel.finished, timeout=timeout) as blocker:
        assert panel.run_check()
    assert not panel.running()     # delivered, joined: no thread is left behind
    return blocker.args[0]


def core_check(controller, k, max_entries=None):
    """The same check, run directly on the engine."""
    net, data = controller.network, controller.data
    return gradient_check(data.X[:, :k], data.Y[:, :k], net.parameters, net.activations,
                          l2=controller.session.hyper.l2, max_entries=max_entries)


def bar_colors(panel):
    return [b.color().name() for b in panel.bars.opts["brushes"]]


def test_the_default_network_passes_on_every_tensor(panel, controller, qtbot):
    results = check(panel, qtbot)
    expected = core_check(controller, 4)   # the default batch: the first 4 examples
    assert [r.name for r in results] == ["dW1", "db1", "dW2", "db2"]
    assert results == expected    # the same engine on the same numbers: the same floats
    assert all(r.passed for r in results) and panel.results() == results
    assert bar_colors(panel) == [panel._pass_color.name()] * 4
    assert panel.bars.opts["width"] == pytest.approx(
        [np.log10(r.difference) - panel.bars.opts["x0"][0] for r in results])
    rows = [[panel.table.item(row, c).text() for c in range(4)] for row in range(panel.table.rowCount())]
    assert rows == [[str(l), f"{results[2 * l - 2].difference:.1e} ✓", f"{results[2 * l - 1].difference:.1e} ✓",
                     "✓ pass"] for l in (1, 2)]                       # one row per layer
    assert "8 of 8 entries checked" in panel.table.item(0, 1).toolTip()
    assert panel.layer_verdicts() == ["✓ layer 1", "✓ layer 2"]
    assert "All 2 layers pass" in panel.status.text()


def test_the_check_runs_off_the_gui_thread_and_answers_on_it(panel, qtbot, qapp):
    seen = {}
    original = gradcheck_panel.gradient_check

    def spy(**kwargs):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return original(**kwargs)

    gradcheck_panel.gradient_check = spy
    try:
        panel.finished.connect(lambda _: seen.__setitem__("answer_on_gui", QThread.currentThread() is qapp.thread()))
        check(panel, qtbot)
    finally:
        gradcheck_panel.gradient_check = original
    assert seen == {"worker": True, "answer_on_gui": True}


def test_the_button_is_disabled_and_busy_shows_while_checking(panel, qtbot):
    with qtbot.waitSignal(panel.finished, timeout=20000):
        qtbot.mouseClick(panel.check_button, Qt.LeftButton)
        # The answer comes by a queued signal: until the event loop runs, the check is in progress.
        assert not panel.check_button.isEnabled() and panel.busy.isVisibleTo(panel)
        assert not panel.run_check()    # one check at a time
    assert panel.check_button.isEnabled() and not panel.busy.isVisibleTo(panel)


def test_all_training_examples(panel, controller, qtbot):
    panel.batch_combo.setCurrentIndex(panel.batch_combo.findData(ALL_EXAMPLES))
    assert panel.batch_combo.currentText() == f"all {controller.data.m:,}"
    results = check(panel, qtbot)
    expected = core_check(controller, controller.data.m)
    assert [r.difference for r in results] == pytest.approx([e.difference for e in expected], rel=1e-9)


def test_results_are_invalidated_when_the_network_changes(panel, controller, qtbot):
    check(panel, qtbot)
    assert panel.results() is not None and not panel.banner.isVisibleTo(panel)
    assert controller.set_units(1, 5)
    assert panel.results() is None and panel.is_stale()
    assert panel.banner.isVisibleTo(panel) and "check again" in panel.banner.text()
    assert panel.table.rowCount() == 2            # still shown, greyed, for reference
    assert all(c.alpha() < 255 for c in (b.color() for b in panel.bars.opts["brushes"]))
    results = check(panel, qtbot)                 # a new check is current again
    assert panel.results() == results and not panel.is_stale()
    assert results[0].total == 5 * 2              # W[1] is now (5, 2)


def test_a_check_of_a_network_edited_meanwhile_arrives_stale(panel, controller, qtbot):
    with qtbot.waitSignal(panel.finished, timeout=20000):
        panel.run_check()
        controller.set_units(1, 6)
    assert panel.is_stale() and panel.results() is None


def test_large_networks_sample_entries(panel, controller, qtbot):
    assert controller.set_units(1, 60) and controller.insert_layer(2, 40, "tanh")
    assert entries_limit(AUTO, controller.network) == AUTO_SAMPLE
    assert panel.entries_combo.currentText() == f"auto: {AUTO_SAMPLE} sampled"
    results = check(panel, qtbot)
    assert [r.checked for r in results] == [min(r.total, AUTO_SAMPLE) for r in results]
    assert results[0].total == 60 * 2 and results[2].total == 40 * 60
    expected = core_check(controller, 4, max_entries=AUTO_SAMPLE)
    assert [r.difference for r in results] == pytest.approx([e.difference for e in expected], rel=1e-9)


def test_a_layer_fails_when_either_of_its_gradients_does(panel, monkeypatch, qtbot):
    from core.gradcheck import TensorCheck
    fake = [TensorCheck("dW1", 3e-9, 8, 8), TensorCheck("db1", 2e-9, 4, 4),
            TensorCheck("dW2", 4e-9, 4, 4), TensorCheck("db2", 5e-5, 1, 1)]   # only db[2] is off
    monkeypatch.setattr(gradcheck_panel, "gradient_check", lambda **_: fake)
    check(panel, qtbot)
    assert [panel.table.item(r, 3).text() for r in range(2)] == ["✓ pass", "✗ fail"]
    assert panel.table.item(1, 1).text() == "4.0e-09 ✓" and panel.table.item(1, 2).text() == "5.0e-05 ✗"
    assert panel.layer_verdicts() == ["✓ layer 1", "✗ layer 2"]
    assert "Layer 2 fails" in panel.status.text() and "1 of 2 layers" in panel.status.text()
    assert bar_colors(panel) == [panel._pass_color.name()] * 3 + [panel._fail_color.name()]


def test_eight_bars_each_get_a_line_for_their_label(panel, controller, monkeypatch, qtbot):
    from core.gradcheck import TensorCheck
    fake = [TensorCheck(f"d{k}{l}", 1e-9, 1, 1) for l in range(1, 5) for k in "Wb"]   # a 4-layer network
    monkeypatch.setattr(gradcheck_panel, "gradient_check", lambda **_: fake)
    check(panel, qtbot)
    qtbot.wait(20)
    ys = [panel.plot.getViewBox().mapViewToScene(pg.Point(0, y)).y() for y in panel.bars.opts["y"]]
    line = QFontMetrics(panel.plot.getAxis("left").style["tickFont"] or panel.font()).height()
    assert len(ys) == 8 and min(b - a for a, b in zip(ys, ys[1:])) >= line   # no two labels overlap
    assert len(panel.layer_verdicts()) == 4 and panel.table.rowCount() == 4
    # Neither choice cuts its text, at the default size.
    for combo in (panel.batch_combo, panel.entries_combo):
        assert combo.width() >= combo.sizeHint().width()


def test_the_cat_sized_network_is_estimated_in_seconds():
    cat = Network.create([12288, 20, 7, 5, 1], ["relu", "relu", "relu", "sigmoid"], "he", 1)
    assert entries_limit(AUTO, cat) == AUTO_SAMPLE
    assert estimated_seconds(cat, 4, AUTO_SAMPLE) < 1
    assert estimated_seconds(cat, 209, AUTO_SAMPLE) < 5
    assert estimated_seconds(cat, 4, None) > gradcheck_panel.MAX_SECONDS   # every entry: refused


def test_a_check_that_would_take_too_long_is_refused(panel, monkeypatch):
    monkeypatch.setattr(gradcheck_panel, "MAX_SECONDS", 0.0)
    assert not panel.run_check() and not panel.running()
    assert "would take" in panel.status.text() and panel.check_button.isEnabled()


def test_closing_waits_for_the_worker(panel, qtbot):
    assert panel.run_check()
    panel.close()
    assert not panel.running()


def test_names_in_course_notation():
    assert display_name("dW1") == "dW[1]" and display_name("db12") == "db[12]"


def test_every_control_has_a_tooltip_and_an_accessible_name(panel):
    controls = (panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox)
                + [panel.table, panel.plot, panel.busy])
    controls = [w for w in controls if not w.objectName().startswith("qt_")]
    assert len(controls) >= 5
    for w in controls:
        assert w.toolTip() and w.accessibleName(), w


def test_a_correct_network_passes_with_room_to_spare_after_stepped_updates(panel, controller, qtbot):
    """A student steps a pass (first 4 examples), applies the update and checks: a correct
    backprop must pass, far from the line. With the lecture's ε = 1e-7 rounding alone put dW[1]
    at 1.1e-7 after the first update: "✗ Layer 1 fails" on a correct network."""
    from core.gradcheck import THRESHOLD
    from core.stepper import Stepper
    net, data = controller.network, controller.data
    worst = []
    for _ in range(6):
        stepper = Stepper(net, data.X[:, :4], data.Y[:, :4], controller.session.hyper.learning_rate)
        stepper.run_to_end()
        controller.set_parameters(stepper.parameters)
        worst += [max(r.difference for r in core_check(controller, k)) for k in (1, 4, 16)]
    assert max(worst) < THRESHOLD / 20, worst
    results = check(panel, qtbot)
    assert all(r.passed for r in results) and "All 2 layers pass" in panel.status.text()
