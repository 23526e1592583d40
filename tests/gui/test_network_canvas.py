"""The network canvas: editing layers changes the model, the drawing and the shape labels."""
import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

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


def _rects(widgets):
    return [w.geometry() for w in widgets if w.isVisible()]


def _overlapping(rects):
    return [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.intersects(b)]


def test_ten_hidden_layers_lay_out_without_overlaps_at_the_minimum_width(canvas, controller, qtbot):
    for _ in range(9):
        controller.insert_layer(controller.network.L)
    hint = canvas.minimumSizeHint()
    assert hint.width() <= 1920 - 40            # fits a 1920 px screen once the docks are hidden
    canvas.resize(hint.width(), 760)
    qtbot.waitUntil(lambda: canvas.width() == hint.width())
    headers = _rects(canvas._headers)
    assert len(headers) == 10 and _overlapping(headers) == []
    assert _overlapping(headers + _rects(canvas._insert_buttons)) == []
    for row in ("W", "b", "Z", "A", "params"):
        labels = [col[row] for col in canvas._shape_labels if col[row].isVisible()]
        assert _overlapping(_rects(labels)) == [], row
        for label in labels:      # the whole text is shown, and inside the canvas
            assert label.width() >= label.sizeHint().width()
            assert 0 <= label.x() and label.geometry().right() < canvas.width()
    for header in canvas._headers:  # no control cut short: "100" fits in the spin box
        for control in (header.units, header.activation, header.remove):
            assert control.width() >= control.minimumSizeHint().width()


def test_the_minimum_width_grows_with_the_network_and_the_labels(canvas, controller):
    narrow = canvas.minimumSizeHint().width()
    controller.insert_layer(1, 3, "relu")
    assert canvas.minimumSizeHint().width() > narrow
    wide = canvas.minimumSizeHint().width()
    canvas.set_shape_kinds({"W"})                 # "20 parameters" is the widest label: gone
    assert canvas.minimumSizeHint().width() <= wide


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_collapsed_input_names_are_whole_beside_their_nodes(canvas, controller):
    assert controller.set_data_settings(DataSettings(source=str(CAT_TRAIN)))
    names = canvas.input_names()
    assert names[-1][0] == "x12288"
    metrics = canvas.fontMetrics()
    for (text, rect), (u, c) in zip(names, [n for n in canvas._nodes[0] if n[0] is not None]):
        assert rect.left() >= 0 and rect.width() >= metrics.horizontalAdvance(text)   # full size, not clipped
        assert rect.right() < c.x() - canvas._radius                                   # beside the node


def test_collapsed_layers_use_the_height_they_are_given(canvas, controller, qtbot):
    controller.set_units(1, 30)
    canvas.resize(1200, 560)
    qtbot.waitUntil(lambda: canvas.height() == 560)
    short = canvas.drawn_units()[1]
    canvas.resize(1200, 1400)
    qtbot.waitUntil(lambda: canvas.height() == 1400)
    assert None in short and canvas.drawn_units()[1] == list(range(30))   # room for every unit now
    assert canvas._radius >= 9


def test_hover_captions_name_the_colours_the_map_uses():
    from gui import theme
    from gui.network_canvas import _range_caption
    from gui.neuron_maps import activation_lut
    lut = activation_lut(dark=False)
    assert tuple(lut[-1]) == QColor(theme.POSITIVE).getRgb()[:3]      # A > 0 is drawn blue
    assert tuple(lut[0]) == QColor(theme.NEGATIVE).getRgb()[:3]       # A < 0 is drawn orange
    assert "orange below 0, blue above" in _range_caption(1, "tanh", 1.0)
    assert "blue up to 25.4" in _range_caption(1, "relu", 25.4)
    assert "blue towards 1" in _range_caption(1, "sigmoid", 1.0)
