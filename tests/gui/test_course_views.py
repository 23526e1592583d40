"""The Course menu: each companion view opens in one click, draws the engine's numbers, follows edits."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QTabBar

from core.network import Network
from core.propagation import backward, forward

VIEW_KEYS = ("graph", "vectorize", "activations", "parameters")


def _controls(view):
    for cls in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit):
        for widget in view.findChildren(cls):
            parent = widget.parentWidget()
            if isinstance(parent, (QAbstractSpinBox, QComboBox, QTabBar)) or widget.objectName().startswith("qt_"):
                continue   # parts of another control
            yield widget


def test_each_view_opens_from_the_course_menu_with_named_controls(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Course" in titles and titles.index("Course") < titles.index("Help")
    for key in VIEW_KEYS:
        window.course.actions[key].trigger()
        view = window.course.views[key]
        assert view.isVisible() and view.isWindow() and view.windowTitle()
        assert view.width() >= 1200   # sized for a lecture
        for control in _controls(view):
            assert control.accessibleName(), f"{key}: {control!r} has no accessible name"
            assert control.toolTip() or isinstance(control, QAbstractButton) and control.text(), \
                f"{key}: {control.accessibleName()} has no tooltip"
    window.course.actions["graph"].trigger()   # a second click raises the same window
    assert len(window.course.views) == 4


def test_graph_follows_a_logistic_regression_network_and_matches_the_engine(window, qtbot):
    window.preset_actions["week2-logistic"].trigger()
    c = window.controller
    c.set_parameters({"W1": np.array([[0.7, -0.4]]), "b1": np.array([[0.2]])})
    view = window.course.open("graph")
    panel = view.logistic
    assert panel.follow.isChecked() and panel.follow.isEnabled()
    panel.example.setValue(12)
    x, y = c.data.X[:, 12:13], c.data.Y[:, 12:13]
    AL, caches = forward(x, c.network.parameters, c.network.activations)
    grads = backward(AL, y, caches, c.network.activations)
    g = panel.stepper.graph
    assert g.node("a").value == AL[0, 0]
    assert [g.node("w1").grad, g.node("w2").grad, g.node("b").grad] == [*grads[0].dW[0], grads[0].db[0, 0]]
    # training moves the network: the graph follows
    c.set_parameters({"W1": np.array([[0.1, 0.1]]), "b1": np.array([[0.0]])})
    assert panel.stepper.graph.node("w1").value == 0.1


def test_graph_steps_forward_then_backward_by_keys(window, qtbot):
    view = window.course.open("graph")
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    stepper = view.logistic.stepper
    assert not view.logistic.follow.isEnabled()   # the default network has a hidden layer
    assert "dz" not in stepper.canvas.describe()
    for _ in range(3):
        qtbot.keyClick(stepper, Qt.Key_Right)
    x, y, w, b = view.logistic.values()
    a = 1 / (1 + np.exp(-(np.dot(w, x) + b)))
    loss = -(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert stepper.done == 3 and f"L(a, y) = {loss:.4g}" in stepper.canvas.describe()
    assert "Forward" in stepper.explain.text()
    qtbot.keyClick(stepper, Qt.Key_End)
    assert "dz = " in stepper.canvas.describe() and "Backward" in stepper.explain.text()
    qtbot.keyClick(stepper, Qt.Key_Left)
    assert stepper.done == len(stepper.graph.steps()) - 1
    qtbot.mouseClick(stepper.buttons["restart"], Qt.LeftButton)
    assert stepper.done == 0 and not stepper.buttons["back"].isEnabled()


def test_chain_rule_graph_follows_typed_values(window):
    view = window.course.open("graph")
    chain = view.chain
    assert "J = 33" in chain.summary.text() and "dJ/db = 3c = 6" in chain.summary.text()
    chain.b.setValue(-1.0)
    chain.c.setValue(4.0)
    g = chain.graph
    assert g.node("J").value == 3 * (5 - 4) and (g.node("b").grad, g.node("c").grad) == (12, -3)
    assert "dJ/dc = 3b = −3" in chain.summary.text()


def test_vectorization_measures_off_the_gui_thread_and_can_stop(window, qtbot):
    view = window.course.open("vectorize")
    view.measure_forward()
    assert view.forward.busy and not view.forward.start_button.isEnabled()
    # one loop at a time: the other waits (two loops in one interpreter would time each other)
    assert not view.dot.start_button.isEnabled() and "after the other" in view.dot.start_button.toolTip()
    view.measure_dot()
    assert not view.dot.busy
    qtbot.waitUntil(lambda: not view.forward.busy, timeout=10000)
    assert view.dot.start_button.isEnabled() and "after the other" not in view.dot.start_button.toolTip()
    text = view.forward.result.text()
    assert "NumPy is" in text and "×" in text and "The same Z" in text
    assert view.forward.job.result.columns == window.controller.data.m
    view.measure_dot()
    assert not view.forward.start_button.isEnabled()
    qtbot.mouseClick(view.dot.stop_button, Qt.LeftButton)
    assert not view.dot.busy and "stopped" in view.dot.result.text()
    assert view.forward.start_button.isEnabled()
    assert "(4, 400)" in view.diagram.describe() and "(4, 1)" in view.diagram.describe()


def test_activation_view_shows_the_layers_Z_and_dead_units(window, qtbot):
    c = window.controller
    net = Network.create([2, 3, 1], ["relu", "sigmoid"], "xavier", seed=1)
    net.parameters["W1"][0] = 0.0
    net.parameters["b1"][0] = -1.0      # unit 1 of layer 1: Z = −1 for every example, dead
    c.set_network(net)
    view = window.course.open("activations")
    view.redraw()
    assert view.last_health.dead_units == 1 and "1 of 3 units dead" in view.health.text()
    assert view.cards["relu"].lineWidth() == 3 and view.cards["tanh"].lineWidth() == 1
    counts = view.hist.getData()[1]
    assert counts.max() == pytest.approx(1.0)
    # new parameters mark it stale; the timer redraws
    revived = {k: v.copy() for k, v in net.parameters.items()}
    revived["b1"][0] = 5.0
    c.set_parameters(revived)
    qtbot.waitUntil(lambda: view.last_health.dead_units == 0, timeout=2000)
    # and so does a training snapshot
    drawn = view._drawn_at
    window.training.step()
    qtbot.waitUntil(lambda: window.training.state == "idle" and view._drawn_at > drawn, timeout=3000)


def test_hyperparameters_edit_through_the_controllers(window, qtbot):
    view = window.course.open("parameters")
    form, c, t = view.form, window.controller, window.training
    assert view.table.total() == c.network.parameter_count
    form.learning_rate.setText("0.05")
    form.learning_rate.editingFinished.emit()
    assert c.session.hyper.learning_rate == 0.05
    form.learning_rate.setText("fast")
    form.learning_rate.editingFinished.emit()
    assert form.error.isVisibleTo(form) and c.session.hyper.learning_rate == 0.05
    form.L.setValue(3)                                   # a hidden layer more, undoably
    assert c.network.L == 3
    qtbot.waitUntil(lambda: len(form.unit_spins) == 2)
    form.unit_spins[0].setValue(7)
    assert c.network.layer_sizes[1] == 7
    c.undo_stack.undo()
    c.undo_stack.undo()
    assert c.network.layer_sizes == (2, 4, 1)
    qtbot.waitUntil(lambda: form.L.value() == 2 and len(form.unit_spins) == 1)
    view.refresh()
    assert view.table.rowCount() == 5    # W1, b1, W2, b2, total


def test_why_deep_trains_the_deep_and_the_shallow_network_as_compared_runs(window, qtbot):
    runner = window.course.why_deep
    runner.preset = replace(runner.preset, hyper=replace(runner.preset.hyper, iterations=150))
    with qtbot.waitSignal(runner.finished, timeout=15000):
        window.course.actions["why_deep"].trigger()
    runs = window.training.runs.runs
    assert len(runs) == 2 and [r.iterations for r in runs] == [150, 150]
    assert [r.stopped for r in runs] == ["completed", "completed"]   # not "edited" by the second network
    deep, shallow = runs[0].layer_sizes, runs[1].layer_sizes
    assert len(deep) > len(shallow)
    from core.network import parameter_count
    assert parameter_count(deep) == parameter_count(shallow)
    assert window.controller.data.name.startswith("checkerboard")


def test_why_deep_gives_way_to_another_example(window, qtbot):
    runner = window.course.why_deep
    runner.preset = replace(runner.preset, hyper=replace(runner.preset.hyper, iterations=100000))
    window.course.actions["why_deep"].trigger()
    assert runner.running and window.training.state == "running"
    window.preset_actions["week2-logistic"].trigger()       # the lecturer moves on
    t = window.training
    t.set_hyperparameters(iterations=50)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration >= 50, timeout=5000)
    assert not runner.running and window.controller.network.layer_sizes == (2, 1)


def test_course_shortcuts_open_the_views(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_G, Qt.ControlModifier | Qt.AltModifier)
    assert window.course.views["graph"].isVisible()
    graph = window.course.views["graph"]
    graph.activateWindow()
    qtbot.waitUntil(graph.isActiveWindow)
    qtbot.keyClick(graph, Qt.Key_A, Qt.ControlModifier | Qt.AltModifier)   # from the graph's own window
    assert "activations" in window.course.views and window.course.views["activations"].isVisible()


def test_graph_keeps_nodes_and_labels_apart_in_presentation_type(window, qtbot):
    view = window.course.open("graph")
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.45)   # presentation mode's SCALE
    view.setFont(font)
    stepper = view.logistic.stepper
    stepper.show_all()
    canvas = stepper.canvas
    canvas.grab()   # paints: the labels find their places
    rects = list(canvas._positions().values())
    assert all(r.bottom() <= canvas.height() and r.right() <= canvas.width() for r in rects)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    boxes = canvas.label_boxes
    assert len(boxes) == 5   # ∂z/∂w₁, ∂z/∂w₂, ∂z/∂b, ∂a/∂z, ∂L/∂a; none on the data x, y
    assert not any(box.intersects(r) for box in boxes for r in rects)
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_parameter_shapes_are_never_elided(qtbot):
    from gui.course_hyper import ParameterTable
    table = ParameterTable()
    qtbot.addWidget(table)
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 1.45)   # presentation type
    table.setFont(font)
    table.resize(600, 400)
    table.show_network(Network.create([12288, 20, 7, 5, 1], ["relu"] * 3 + ["sigmoid"], "xavier", 1))
    table.show()
    text = table.item(0, 1).text()
    assert text == "(n[1], n[0]) = (20, 12288)"
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance(text)


@pytest.fixture
def themed(qapp):
    """The app's own theme (font, palette, style sheet) for the test, then back as it was."""
    from PySide6.QtGui import QFont
    from gui import theme
    saved = (QFont(qapp.font()), qapp.palette(), qapp.styleSheet(), qapp.style().name())
    theme.apply_theme(qapp)
    yield
    qapp.setFont(saved[0])
    qapp.setPalette(saved[1])
    qapp.setStyleSheet(saved[2])
    qapp.setStyle(saved[3])


def test_vectorization_code_is_whole_in_presentation_mode(themed, window, qtbot):
    """With the app's own theme (its style sheet) and presentation type, no label is cut short."""
    from PySide6.QtWidgets import QLabel
    window.presentation.set_active(True)
    try:
        view = window.course.open("vectorize")
        qtbot.waitUntil(lambda: view.forward.height() > 0)
        clipped = [lab.text()[:20] for lab in view.findChildren(QLabel)
                   if lab.height() < lab.minimumSizeHint().height()]
        assert clipped == []
    finally:
        window.presentation.set_active(False)


def test_activation_formulas_stay_whole_lines_in_presentation_mode(themed, window, qtbot):
    window.presentation.set_active(True)
    try:
        view = window.course.open("activations")
        qtbot.waitUntil(lambda: view.cards["leaky_relu"].formulas.width() > 0)
        label = view.cards["leaky_relu"].formulas
        assert "0.01 if z ≤ 0, 1 if z > 0" in label.text()
        assert label.height() < 3 * label.fontMetrics().height()   # two lines, not three
        assert label.width() >= label.minimumSizeHint().width()
    finally:
        window.presentation.set_active(False)


def test_views_opened_in_presentation_mode_return_to_desk_type(themed, window, qtbot, qapp):
    base = qapp.font().pointSizeF()
    window.presentation.action.setChecked(True)
    try:
        view = window.course.open("graph")
        canvas = view.logistic.stepper.canvas
        assert canvas.font().pointSizeF() > base * 1.4
    finally:
        window.presentation.action.setChecked(False)
    assert canvas.font().pointSizeF() == pytest.approx(base)
    assert view.chain.summary.font().pointSizeF() == pytest.approx(base * 1.25)
