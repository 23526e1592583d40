"""The decision boundary panel: the engine's P(y = 1 | x) over the plane, fixed colours, live training."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from core.boundary import evaluate, make_grid
from core.dataset import DataSet
from core.session import DataSettings
from gui import boundary_panel
from gui.boundary_panel import RESOLUTION, BoundaryPanel, contour_segments
from gui.training_controller import TrainingController


@pytest.fixture
def panel(qtbot, controller):
    w = BoundaryPanel(controller)
    qtbot.addWidget(w)
    w.resize(600, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def training(controller):
    t = TrainingController(controller)
    yield t
    t.shutdown()
    assert not t.trainer.running


def expected(controller) -> np.ndarray:
    """P(y = 1 | x) from the engine on the grid over the train and test points."""
    data, net = controller.data, controller.network
    X = data.X if data.X_test is None else np.hstack([data.X, data.X_test])
    return evaluate(make_grid(X, RESOLUTION), net.parameters, net.activations).probability


def drawn(panel, qtbot) -> np.ndarray:
    qtbot.waitUntil(lambda: not panel._throttle.pending, timeout=5000)
    return panel.probability_image()


def grid_accuracy(panel, controller) -> float:
    """Share of training points whose grid cell's probability is on their class's side of 0.5."""
    x0, x1, y0, y1 = panel.grid().extent
    X, Y = controller.data.X, controller.data.Y[0]
    j = np.rint((X[0] - x0) / (x1 - x0) * (RESOLUTION - 1)).astype(int)
    i = np.rint((X[1] - y0) / (y1 - y0) * (RESOLUTION - 1)).astype(int)
    P = panel.probability_image()[i, j]
    return float(np.mean((P > 0.5) == (Y == 1)))


def scaled(parameters: dict, factor: float) -> dict:
    return {k: v * factor for k, v in parameters.items()}


def test_the_image_is_the_engines_forward_pass_over_the_data(panel, controller):
    image = panel.probability_image()
    assert image.shape == (200, 200)
    np.testing.assert_array_equal(image, expected(controller))
    np.testing.assert_array_equal(panel.image.image, image)
    levels = panel.image.getLevels()
    assert tuple(levels) == (0, 1)


def test_the_grid_covers_the_train_and_the_test_points(panel, controller, qtbot):
    assert controller.set_data_settings(DataSettings(source="moons", test_fraction=0.3))
    image = drawn(panel, qtbot)
    data = controller.data
    x0, x1, y0, y1 = panel.grid().extent
    for X in (data.X, data.X_test):
        assert x0 <= X[0].min() and X[0].max() <= x1 and y0 <= X[1].min() and X[1].max() <= y1
    np.testing.assert_array_equal(image, expected(controller))
    train, test = panel._points[False, 1], panel._points[True, 0]
    assert len(train.data) == int(data.Y.sum()) and len(test.data) == int((data.Y_test == 0).sum())


def test_parameter_changes_are_coalesced_into_one_redraw(panel, controller, qtbot, monkeypatch):
    calls = []
    real = boundary_panel.evaluate
    monkeypatch.setattr(boundary_panel, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    before = panel.probability_image()
    start = controller.network.parameters
    for factor in (2.0, 4.0, 8.0):
        controller.set_parameters(scaled(start, factor))
    np.testing.assert_array_equal(panel.probability_image(), before)   # not yet: next loop turn
    image = drawn(panel, qtbot)
    assert len(calls) == 1
    np.testing.assert_array_equal(image, expected(controller))


def test_training_moves_the_boundary_and_it_separates_better(panel, controller, training, qtbot):
    lut = panel.image.lut
    lut_copy = np.array(lut, copy=True)
    before = panel.probability_image()
    accuracy_before = grid_accuracy(panel, controller)
    controller.session.hyper = replace(controller.session.hyper, learning_rate=1.2, iterations=400)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=30000)
    assert training.iteration == 400
    qtbot.waitUntil(lambda: np.array_equal(panel.probability_image(), expected(controller)), timeout=5000)
    after = panel.probability_image()
    assert not np.array_equal(before, after)
    assert grid_accuracy(panel, controller) > max(0.8, accuracy_before + 0.2)
    # The colours mean the same probability in every frame: levels fixed, colour table untouched.
    assert tuple(panel.image.getLevels()) == (0, 1)
    assert panel.image.lut is lut and np.array_equal(panel.image.lut, lut_copy)


def test_the_half_line_is_drawn_where_p_is_one_half(panel, controller, qtbot):
    controller.set_parameters(scaled(controller.network.parameters, 40.0))  # a boundary to find
    image = drawn(panel, qtbot)
    x, y = panel.contour.getData()
    assert len(x) > 0 and len(x) % 2 == 0
    ref_x, ref_y = contour_segments(image, *boundary_panel.grid_axes(panel.grid()))
    np.testing.assert_array_equal(x, ref_x)
    np.testing.assert_array_equal(y, ref_y)
    assert panel.contour.opts["pen"].widthF() >= 2


def test_contour_segments_follow_the_level():
    xs, ys = np.linspace(-1, 1, 41), np.linspace(-2, 2, 61)
    values = 1 / (1 + np.exp(-(xs[None, :] - 0.3) * 5 + 0 * ys[:, None]))   # P = 0.5 at x1 = 0.3
    x, y = contour_segments(values, xs, ys, 0.5)
    assert len(x) == 2 * (len(ys) - 1)            # one segment per row of cells
    np.testing.assert_allclose(x, 0.3, atol=1e-2)
    assert y.min() == ys[0] and y.max() == ys[-1]
    saddle = np.array([[1.0, 0.0], [0.0, 1.0]])    # two segments through one cell
    x, y = contour_segments(saddle, np.array([0.0, 1.0]), np.array([0.0, 1.0]), 0.5)
    assert len(x) == 4


def test_image_data_shows_the_message_and_hides_the_plot(panel, controller, qtbot):
    rng = np.random.default_rng(0)
    images = DataSet(X=rng.random((48, 12)), Y=(rng.random((1, 12)) > 0.5).astype(float),
                     name="tiny images", image_shape=(4, 4, 3))
    assert controller.set_data(images, DataSettings(source="custom"))
    assert panel.stack.currentWidget() is panel.message
    assert not panel.plot.isVisible() and panel.message.isVisible()
    text = panel.message.text()
    assert "2-D data" in text and "4×4×3 images" in text and "Data panel" in text
    controller.set_parameters(scaled(controller.network.parameters, 2.0))  # no grid: nothing to draw
    qtbot.wait(20)
    points = DataSet(X=rng.random((3, 12)), Y=images.Y, name="3-D points")
    assert controller.set_data(points, DataSettings(source="custom"))
    assert "n[0] = 3" in panel.message.text()
    controller.undo_stack.undo()
    controller.undo_stack.undo()
    assert panel.stack.currentWidget() is panel.plot_page and panel.plot.isVisible()
    np.testing.assert_array_equal(drawn(panel, qtbot), expected(controller))


def test_a_hidden_panel_waits_and_catches_up_when_shown(panel, controller, qtbot):
    before = panel.probability_image()
    panel.hide()
    controller.set_parameters(scaled(controller.network.parameters, 30.0))
    np.testing.assert_array_equal(drawn(panel, qtbot), before)
    panel.show()
    qtbot.waitUntil(lambda: np.array_equal(panel.probability_image(), expected(controller)), timeout=5000)


def test_every_control_has_a_name_and_a_tooltip(panel):
    for w in (panel.plot, panel.scale_bar, panel.scale_label, panel.line_key, panel.points_key):
        assert isinstance(w, QWidget) and w.accessibleName() and w.toolTip()
    assert panel.message.accessibleName()


def test_line_scale_enlarges_points_rims_and_the_boundary(panel):
    k = 1.45
    panel.set_line_scale(k)
    assert panel._points[False, 1].opts["size"] == pytest.approx(boundary_panel.POINT_SIZE * k)
    assert panel._points[True, 1].opts["pen"].widthF() == pytest.approx(boundary_panel.TEST_RIM_WIDTH * k)
    assert panel.contour.opts["pen"].widthF() == pytest.approx(boundary_panel.CONTOUR_WIDTH * k)
    panel.set_line_scale(1.0)
    assert panel._points[False, 1].opts["size"] == boundary_panel.POINT_SIZE


def test_frame_data_shows_the_data_after_a_zoom(panel, qtbot):
    box = panel.plot.getViewBox()
    framed = box.viewRect()
    box.scaleBy((4, 4))
    assert box.viewRect().width() > framed.width() * 2
    panel.frame_data()
    assert box.viewRect().width() == pytest.approx(framed.width(), rel=0.05)


def _differing_share(a, b) -> float:
    """The share of pixels whose colours differ by more than a quarter of the range."""
    a = np.frombuffer(a.constBits(), np.uint8).reshape(a.height(), -1, 4).astype(int)
    b = np.frombuffer(b.constBits(), np.uint8).reshape(b.height(), -1, 4).astype(int)
    return float(np.mean(np.abs(a - b).max(axis=2) > 64))


def test_cached_points_match_points_drawn_afresh_after_pan_and_zoom(panel, qtbot):
    from PySide6.QtWidgets import QApplication, QGraphicsItem
    assert all(item.cacheMode() == QGraphicsItem.DeviceCoordinateCache for item in panel._points.values())
    box = panel.plot.getViewBox()
    before = panel.plot.grab().toImage()
    for move in (lambda: box.translateBy(x=0.37, y=0.21), lambda: box.scaleBy((0.6, 0.6))):
        move()
        QApplication.processEvents()
        cached = panel.plot.grab().toImage()
        panel._cache_points(False)
        fresh = panel.plot.grab().toImage()
        panel._cache_points(True)
        # the same picture up to the antialiased rims (the pixmap sits on whole pixels)
        assert _differing_share(cached, fresh) < 0.03 and _differing_share(cached, before) > 0.08
