"""Per-neuron maps on the network canvas: each drawn neuron's A[l] over the plane, live, and on hover."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtWidgets import QApplication

from core.boundary import evaluate, make_grid
from core.dataset import DataSet
from core.session import DataSettings
from gui.network_canvas import NetworkCanvas
from gui.neuron_maps import (DETAIL_RESOLUTION, GRID_RESOLUTION, MIN_MAP_RADIUS, activation_lut,
                             activation_range, probability_lut, to_image)
from gui.pacing import FrameThrottle


@pytest.fixture
def canvas(qtbot, controller):
    w = NetworkCanvas(controller)
    qtbot.addWidget(w)
    w.resize(1200, 760)
    w.show()
    qtbot.waitExposed(w)
    settle(w, qtbot)
    return w


def settle(canvas, qtbot):
    qtbot.waitUntil(lambda: not canvas._map_throttle.pending, timeout=5000)


def engine_maps(controller):
    data, net = controller.data, controller.network
    X = data.X if data.X_test is None else np.hstack([data.X, data.X_test])
    return evaluate(make_grid(X, GRID_RESOLUTION), net.parameters, net.activations)


def enlarged(controller, l, u):
    """The hovered neuron's map as the engine computes it on the finer grid, in its node's colours."""
    data, net = controller.data, controller.network
    maps = evaluate(make_grid(data.X, DETAIL_RESOLUTION), net.parameters, net.activations)
    assert net.activations[l - 1] == "tanh"
    return to_image(maps.hidden[l - 1][u], (-1.0, 1.0), activation_lut(dark=False))


def scaled(parameters: dict, factor: float) -> dict:
    return {k: v * factor for k, v in parameters.items()}


def test_every_drawn_neuron_has_the_engines_map(canvas, controller, qtbot):
    controller.insert_layer(2, 3, "relu")                  # [2, 4, 3, 1]
    settle(canvas, qtbot)
    maps = engine_maps(controller)
    drawn = canvas.drawn_units()
    L = controller.network.L
    for l in range(1, L):
        for u in drawn[l]:
            np.testing.assert_array_equal(canvas.neuron_map(l, u), maps.hidden[l - 1][u])
            image = canvas.neuron_image(l, u)
            assert image is not None and (image.width(), image.height()) == (48, 48)
    np.testing.assert_array_equal(canvas.neuron_map(L, 0), maps.probability)
    assert canvas.neuron_map(0, 0) is None                 # inputs keep their x1, x2 labels


def test_maps_follow_set_parameters(canvas, controller, qtbot):
    before_values = canvas.neuron_map(1, 2).copy()
    before_image = canvas.neuron_image(1, 2)
    controller.set_parameters(scaled(controller.network.parameters, 6.0))
    settle(canvas, qtbot)
    after = canvas.neuron_map(1, 2)
    assert not np.array_equal(after, before_values)
    np.testing.assert_array_equal(after, engine_maps(controller).hidden[0][2])
    assert canvas.neuron_image(1, 2) != before_image


def test_colour_ranges_are_fixed_per_activation(canvas, controller, qtbot):
    assert canvas._maps.levels[1] == (-1.0, 1.0)           # tanh: fixed, whatever the weights
    controller.set_activation(1, "relu")
    settle(canvas, qtbot)
    top = float(np.abs(engine_maps(controller).hidden[0]).max())
    assert canvas._maps.ranges[1] == (0.0, pytest.approx(top))
    assert canvas._maps.levels[1] == (pytest.approx(-top), pytest.approx(top))  # 0 stays neutral
    assert canvas._maps.levels[2] == (0.0, 1.0)
    assert activation_range("sigmoid", np.array([5.0])) == (0.0, 1.0)
    assert activation_range("linear", np.array([-3.0, 2.0])) == (-3.0, 3.0)
    lut = activation_lut(dark=False)
    image = to_image(np.array([[-1.0, 0.0, 1.0]]), (-1.0, 1.0), lut)
    pixels = [image.pixelColor(x, 0) for x in range(3)]
    assert [(c.red(), c.green(), c.blue()) for c in pixels] == [tuple(lut[0]), tuple(lut[128]),
                                                                 tuple(lut[-1])]
    top_row = to_image(np.array([[0.0], [1.0]]), (0.0, 1.0), probability_lut(False))
    assert top_row.pixelColor(0, 0).blue() > top_row.pixelColor(0, 0).red()  # row 1 (x2 high) on top


def test_a_collapsed_layer_has_maps_only_for_its_drawn_neurons(canvas, controller, qtbot):
    controller.set_units(1, 100)
    settle(canvas, qtbot)
    drawn = [u for u in canvas.drawn_units()[1] if u is not None]
    assert {u for (l, u) in canvas._maps.values if l == 1} == set(drawn)
    assert 99 in drawn
    np.testing.assert_array_equal(canvas.neuron_map(1, 99), engine_maps(controller).hidden[0][99])


def test_small_nodes_draw_no_map_inside_but_hovering_one_enlarges_it(canvas, controller, qtbot):
    """A laptop's canvas (1366×768): nodes too small for a map inside still show it on hover."""
    canvas.resize(1200, 300)
    settle(canvas, qtbot)
    assert canvas._radius < MIN_MAP_RADIUS
    node = canvas._nodes[1][1][1]
    controller.set_parameters(scaled(controller.network.parameters, 20.0))   # maps far from neutral
    settle(canvas, qtbot)
    image = canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    centre = image.pixelColor(int(node.x() * ratio), int(node.y() * ratio))
    assert centre == canvas.palette().color(canvas.backgroundRole()) or centre.saturation() < 30   # plain fill
    qtbot.mouseMove(canvas, node.toPoint())
    qtbot.waitUntil(canvas.popup.isVisible, timeout=2000)
    assert canvas.popup.title.text() == "Layer 1, unit 2"
    assert canvas.popup.view.image == enlarged(controller, 1, 1)
    card = canvas.popup.geometry()                         # the whole card on the short canvas:
    assert card.top() >= 0 and card.bottom() <= canvas.height()   # a smaller map, not cut-off text
    assert canvas.popup.view.width() < canvas.popup.SIZE
    canvas.resize(1200, 760)                               # room again: the full-size map
    settle(canvas, qtbot)
    qtbot.mouseMove(canvas, canvas._nodes[1][2][1].toPoint())
    qtbot.waitUntil(lambda: canvas.popup.title.text() == "Layer 1, unit 3", timeout=2000)
    assert canvas.popup.view.width() == canvas.popup.SIZE


def test_image_data_draws_no_map(canvas, controller, qtbot):
    settle(canvas, qtbot)
    assert canvas.neuron_image(1, 0) is not None
    rng = np.random.default_rng(0)
    images = DataSet(X=rng.random((48, 12)), Y=(rng.random((1, 12)) > 0.5).astype(float),
                     name="tiny images", image_shape=(4, 4, 3))
    assert controller.set_data(images, DataSettings(source="custom"))
    settle(canvas, qtbot)
    assert canvas.map_grid() is None and canvas.neuron_image(1, 0) is None
    canvas.grab()                                          # paints without maps


def test_hover_shows_the_enlarged_map_and_leaving_hides_it(canvas, controller, qtbot):
    popup = canvas.popup
    node = canvas._nodes[1][1][1]
    qtbot.mouseMove(canvas, node.toPoint())
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert popup.title.text() == "Layer 1, unit 2"
    assert popup.view.image == enlarged(controller, 1, 1)
    assert popup.view.width() >= 160 and popup.view.height() >= 160
    assert "tanh" in popup.caption.text() and "−1" in popup.caption.text()
    assert "W[1]" in popup.details.text()                  # the old tooltip's facts
    assert not popup.geometry().contains(node.toPoint())   # beside the node, not over it
    # live: training moves the parameters, the enlarged map follows
    controller.set_parameters(scaled(controller.network.parameters, 5.0))
    settle(canvas, qtbot)
    assert popup.isVisible() and popup.view.image == enlarged(controller, 1, 1)
    # the output node
    qtbot.mouseMove(canvas, canvas._nodes[2][0][1].toPoint())
    qtbot.waitUntil(lambda: popup.title.text() == "Output ŷ", timeout=2000)
    assert "P(y = 1 | x)" in popup.caption.text()
    # empty space, then leaving the canvas
    empty = QPoint(int(canvas._nodes[1][0][1].x()) - 200, int(canvas.neuron_area().bottom()) - 4)
    assert canvas.node_at(empty.toPointF()) is None
    qtbot.mouseMove(canvas, empty)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=2000)
    qtbot.mouseMove(canvas, canvas._nodes[1][0][1].toPoint())
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    QApplication.sendEvent(canvas, QEvent(QEvent.Leave))
    assert not popup.isVisible()


def test_inputs_keep_their_tooltip_and_get_no_popup(canvas, qtbot):
    qtbot.mouseMove(canvas, canvas._nodes[0][0][1].toPoint())
    qtbot.wait(20)
    assert not canvas.popup.isVisible()
    assert "Input x1" in canvas._node_tooltip(canvas._nodes[0][0][1])


def test_throttle_coalesces_and_backs_off_after_a_slow_draw(qtbot):
    draws = []
    throttle = FrameThrottle(lambda: draws.append(1) or qtbot.wait(30))
    for _ in range(5):
        throttle.request()
    qtbot.waitUntil(lambda: not throttle.pending, timeout=2000)
    assert len(draws) == 1 and throttle.last_seconds >= 0.025
    throttle.request()
    assert throttle._timer.interval() >= 20                # the next frame waits, the GUI breathes
    qtbot.waitUntil(lambda: len(draws) == 2, timeout=2000)


def test_each_view_has_its_own_budget_so_two_views_both_draw_every_frame(qtbot):
    draws = []
    slow = FrameThrottle(lambda: draws.append("boundary") or qtbot.wait(15))
    fast = FrameThrottle(lambda: draws.append("maps"))
    slow.flush()                      # the boundary just drew, slowly
    draws.clear()
    slow.request()
    fast.request()                    # the maps do not wait for the boundary's budget
    assert not fast._timer.isActive() and fast.pending
    qtbot.waitUntil(lambda: "maps" in draws, timeout=2000)
    assert "boundary" not in draws    # its own slow draw still spaces its frames
    qtbot.waitUntil(lambda: "boundary" in draws, timeout=2000)


def test_a_requested_draw_lands_in_the_same_frame_as_the_window_paint(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget
    order = []

    class View(QWidget):
        def paintEvent(self, event):
            order.append("paint")

    view = View()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    throttle = FrameThrottle(lambda: order.append("draw") or view.update())
    qtbot.wait(50)                    # the first paints are done
    order.clear()

    def frame():                      # the Trainer's poll timer hands over a snapshot:
        view.update()                 # something changed this frame (the cost curve)
        throttle.request()            # and the network: the boundary wants to draw

    QTimer.singleShot(0, frame)
    qtbot.waitUntil(lambda: "paint" in order and "draw" in order, timeout=2000)
    qtbot.wait(30)
    assert order == ["draw", "paint"]  # drawn before the paint, and one paint for both


def test_pace_updates_at_most_once_an_interval_and_always_shows_the_latest(qtbot):
    from gui.pacing import Pace
    state, shown = {"value": 0}, []
    pace = Pace(lambda: shown.append(state["value"]), interval=0.1)
    for value in range(1, 21):           # 20 frames' worth of numbers within a few milliseconds
        state["value"] = value
        pace.request()
    assert shown == [1] and pace.pending  # the first at once, the rest wait for the interval
    qtbot.waitUntil(lambda: not pace.pending, timeout=2000)
    assert shown == [1, 20]               # one more update, with the newest number
    state["value"] = 21
    pace.request()
    assert shown == [1, 20] and pace.pending
    pace.settle()                         # training paused or stopped: the last numbers now
    assert shown == [1, 20, 21] and not pace.pending


def test_new_parameter_values_redraw_edges_and_maps_without_a_relayout(canvas, controller, qtbot):
    settle(canvas, qtbot)
    relayouts = []
    canvas._relayout = lambda relayout=canvas._relayout: relayouts.append(1) or relayout()
    header = canvas._headers[0].geometry()
    controller.set_parameters(scaled(controller.network.parameters, 25.0))   # a training frame
    assert not relayouts and canvas._headers[0].geometry() == header
    settle(canvas, qtbot)
    maps = engine_maps(controller)
    for u in range(4):
        np.testing.assert_array_equal(canvas.neuron_map(1, u), maps.hidden[0][u])
    controller.set_units(1, 6)                                              # an edit: laid out again
    assert relayouts and len(canvas._nodes[1]) == 6


def test_a_training_frame_repaints_the_edges_and_nodes_but_not_the_widgets_around_them(canvas, controller, qtbot):
    from PySide6.QtCore import QEvent, QObject
    settle(canvas, qtbot)
    qtbot.wait(30)

    class Paints(QObject):
        def __init__(self):
            super().__init__()
            self.rects = {}

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                self.rects.setdefault(obj, []).append(event.rect())
            return False

    paints = Paints()
    header, label = canvas._headers[0], canvas._shape_labels[1]["W"]
    for w in (canvas, header, label):
        w.installEventFilter(paints)
    controller.set_parameters(scaled(controller.network.parameters, 3.0))
    settle(canvas, qtbot)
    qtbot.waitUntil(lambda: canvas in paints.rects, timeout=2000)
    nodes = [c for column in canvas._nodes for _, c in column]
    for rect in paints.rects[canvas]:       # every node inside what was repainted, and no more
        assert all(rect.contains(c.toPoint()) for c in nodes)
        assert not rect.intersects(header.geometry()) and not rect.intersects(label.geometry())
    assert header not in paints.rects and label not in paints.rects
