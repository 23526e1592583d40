"""The network canvas: editing layers changes the model, the drawing and the shape labels."""
import numpy as np
from PySide6.QtCore import QPoint, Qt

from core.propagation import forward
from core.session import DataSettings
from gui.network_canvas import NetworkCanvas
from tests.paths import CAT_MISSING, CAT_TRAIN
import pytest


@pytest.fixture
def canvas(qtbot, controller):
    w = NetworkCanvas(controller)
    qtbot.addWidget(w)
    w.resize(1200, 760)
    w.show()
    return w


def _shapes_from_a_forward_pass(controller):
    net, X = controller.network, controller.data.X
    AL, caches = forward(X, net.parameters, net.activations)
    cols = [{"A": f"X = A[0] {X.shape}"}]
    for l, c in enumerate(caches, start=1):
        cols.append({"W": f"W[{l}] {c.W.shape}", "b": f"b[{l}] {c.b.shape}", "Z": f"Z[{l}] {c.Z.shape}",
                     "A": f"A[{l}] {c.A.shape}"})
    return cols


def test_shape_labels_equal_the_shapes_of_a_real_forward_pass(canvas, controller):
    expected = _shapes_from_a_forward_pass(controller)
    shown = canvas.shape_texts()
    assert shown[0]["A"] == "X = A[0] (2, 400)"
    for l in range(1, controller.network.L + 1):
        for kind in "WbZA":
            assert shown[l][kind] == expected[l][kind]
    assert shown[1]["params"] == "12 parameters"


def test_plus_button_adds_a_layer_and_everything_follows(canvas, controller, qtbot):
    button = canvas._insert_buttons[0]  # between the input and layer 1
    qtbot.mouseClick(button, Qt.LeftButton)
    assert controller.network.layer_sizes == (2, 4, 4, 1)
    assert controller.network.activations == ("relu", "tanh", "sigmoid")
    assert len(canvas._headers) == 2
    assert canvas.drawn_units() == [[0, 1], [0, 1, 2, 3], [0, 1, 2, 3], [0]]
    assert canvas.shape_texts()[2]["W"] == "W[2] (4, 4)"
    expected = _shapes_from_a_forward_pass(controller)
    assert canvas.shape_texts()[3]["Z"] == expected[3]["Z"] == "Z[3] (1, 400)"


def test_units_buttons_and_spin_box_change_the_layer(canvas, controller, qtbot):
    header = canvas._headers[0]
    qtbot.mouseClick(header.plus, Qt.LeftButton)
    assert controller.network.layer_sizes == (2, 5, 1)
    assert canvas.shape_texts()[1]["W"] == "W[1] (5, 2)"
    assert canvas.shape_texts()[2]["W"] == "W[2] (1, 5)"
    assert canvas.drawn_units()[1] == [0, 1, 2, 3, 4]
    header.units.setValue(9)
    assert controller.network.layer_sizes == (2, 9, 1)
    qtbot.mouseClick(header.minus, Qt.LeftButton)
    assert controller.network.layer_sizes == (2, 8, 1)
    assert header.units.value() == 8


def test_activation_and_remove(canvas, controller, qtbot):
    controller.insert_layer(2, 3, "relu")
    header = canvas._headers[1]
    header.activation.setCurrentIndex(header.activation.findData("leaky_relu"))
    assert controller.network.activations == ("tanh", "leaky_relu", "sigmoid")
    qtbot.mouseClick(canvas._headers[0].remove, Qt.LeftButton)
    assert controller.network.layer_sizes == (2, 3, 1)
    assert controller.network.activations == ("leaky_relu", "sigmoid")
    assert len(canvas._headers) == 1 and canvas._headers[0].title.text() == "Layer 1"


def test_undo_restores_the_previous_architecture_and_drawing(canvas, controller):
    before = {k: v.copy() for k, v in controller.network.parameters.items()}
    controller.set_units(1, 7)
    controller.insert_layer(1, 2, "relu")
    assert controller.network.layer_sizes == (2, 2, 7, 1)
    controller.undo_stack.undo()
    controller.undo_stack.undo()
    assert controller.network.layer_sizes == (2, 4, 1)
    assert all(np.array_equal(before[k], controller.network.parameters[k]) for k in before)
    assert canvas.shape_texts()[1]["W"] == "W[1] (4, 2)" and len(canvas.shape_texts()) == 3
    controller.undo_stack.redo()
    assert canvas.shape_texts()[1]["W"] == "W[1] (7, 2)"


def test_editing_reinitialises_only_what_must_change(controller):
    controller.insert_layer(2, 3, "relu")         # [2, 4, 3, 1]
    params = {k: v.copy() for k, v in controller.network.parameters.items()}
    controller.set_units(2, 5)                    # layer 2's W, b and layer 3's W change
    new = controller.network.parameters
    assert np.array_equal(new["W1"], params["W1"]) and np.array_equal(new["b1"], params["b1"])
    assert np.array_equal(new["b3"], params["b3"])
    assert new["W2"].shape == (5, 4) and new["W3"].shape == (1, 5)
    # and the fresh tensors are those a reset gives: the same start every time
    fresh = controller.session.initial_parameters()
    assert np.array_equal(new["W2"], fresh["W2"]) and np.array_equal(new["W3"], fresh["W3"])


def test_a_wide_layer_is_drawn_collapsed(canvas, controller):
    controller.set_units(1, 100)
    drawn = canvas.drawn_units()[1]
    assert None in drawn and drawn[-1] == 99 and len(drawn) <= 8


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_cat_images_collapse_the_input_and_shapes_follow(canvas, controller):
    assert controller.set_data_settings(DataSettings(source=str(CAT_TRAIN)))
    assert canvas.drawn_units()[0][-1] == 12287 and None in canvas.drawn_units()[0]
    assert canvas.shape_texts()[0]["A"] == "X = A[0] (12288, 209)"
    assert canvas.shape_texts()[1]["W"] == "W[1] (4, 12288)"
    assert canvas.shape_texts()[1]["Z"] == "Z[1] (4, 209)"


def test_clicking_a_layer_selects_it_for_every_panel(canvas, controller, qtbot):
    seen = []
    controller.selection_changed.connect(seen.append)
    x = int(canvas._nodes[1][0][1].x())
    y = int(canvas.neuron_area().center().y())
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=QPoint(x, y))
    assert controller.selected_layer == 1 and seen == [1]
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=QPoint(int(canvas._nodes[0][0][1].x()), y))
    assert controller.selected_layer == 0


def test_shape_toggles_hide_labels(canvas):
    canvas.set_shape_kinds({"W"})
    assert canvas._shape_labels[1]["W"].isVisible()
    assert not canvas._shape_labels[1]["Z"].isVisible() and not canvas._shape_labels[1]["params"].isVisible()


def test_no_more_than_ten_hidden_layers(canvas, controller):
    for _ in range(9):
        assert controller.insert_layer(1, 2, "relu")
    assert controller.network.L == 11
    errors = []
    controller.error.connect(lambda title, msg: errors.append(msg))
    assert not controller.insert_layer(1, 2, "relu")
    assert "at most 10 hidden layers" in errors[0]
    assert not any(b.isEnabled() for b in canvas._insert_buttons)
