"""The data panel: generator settings, clicking points in and out, undo, files, and image thumbnails."""
import pathlib

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette

import core.session
from core.dataset import DataSet
from core.errors import DataError
from gui import theme
from gui.data_panel import DataPanel, companion_test_file, open_data_path
from gui.thumbnail_grid import ThumbnailGrid, to_pixels, to_qimage

DATASETS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "reference" / "datasets"
CAT_TRAIN = DATASETS / "train_catvnoncat.h5"


@pytest.fixture
def errors(controller):
    seen = []
    controller.error.connect(lambda title, message: seen.append((title, message)))
    return seen


@pytest.fixture
def panel(qtbot, controller):
    widget = DataPanel(controller)
    qtbot.addWidget(widget)
    widget.resize(440, 860)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def cats(panel, controller):
    if not CAT_TRAIN.is_file():
        pytest.skip(f"the course's cat files are not in {DATASETS} (a clone outside CI)")
    assert open_data_path(controller, CAT_TRAIN)
    return panel


def choose(panel, generator):
    panel.combo.setCurrentIndex(panel.combo.findData(generator))


def click(qtbot, panel, x, y, button=Qt.LeftButton, offset=QPoint(0, 0)):
    """A mouse click on the plot at data coordinates (x, y)."""
    scene_pos = panel.plot.getViewBox().mapViewToScene(QPointF(x, y))
    pos = panel.plot.mapFromScene(scene_pos) + offset
    qtbot.mouseClick(panel.plot.viewport(), button, pos=pos)


# --- generators and settings -----------------------------------------------------------------


def test_starts_with_the_course_flower(panel, controller):
    assert controller.data.name == "flower"
    assert panel.plotted_counts() == (400, 0)
    assert panel.combo.currentData() == "flower"
    assert (panel.samples.value(), panel.noise.value(), panel.seed.value()) == (400, 0.2, 1)
    assert panel.summary.text() == "m = 400 train · 0 test · n[0] = 2 · 200 positives"
    assert panel.stack.currentWidget() is panel.scatter_page


def test_choosing_a_generator_changes_the_data_and_the_plot(panel, controller):
    choose(panel, "moons")
    assert controller.data.name == "moons" and controller.data.m == 200
    assert panel.plotted_counts() == (200, 0)
    assert panel.samples.value() == 200          # DEFAULTS["moons"]
    assert controller.undo_stack.undoText() == "Data set: Moons"


def test_samples_noise_and_test_fraction_apply(panel, controller):
    panel.samples.setValue(300)
    assert controller.data.m == 300 and panel.plotted_counts() == (300, 0)
    panel.noise.setValue(0.35)
    assert controller.data.source["noise"] == pytest.approx(0.35)
    panel.test_fraction.setValue(0.25)
    assert (controller.data.m, controller.data.m_test) == (225, 75)
    assert panel.plotted_counts() == (225, 75)
    assert panel.summary.text().startswith("m = 225 train · 75 test")


def test_regenerate_draws_with_the_next_seed(panel, controller):
    before = controller.data.X
    panel.regenerate.click()
    assert panel.seed.value() == 2 and controller.data.source["seed"] == 2
    assert not np.array_equal(before, controller.data.X)


def test_a_refused_setting_leaves_data_and_controls(qtbot, panel, controller, errors, monkeypatch):
    data = controller.data

    def refuse(*args, **kwargs):
        raise DataError("the disk is on fire")

    monkeypatch.setattr(core.session, "open_dataset", refuse)
    with qtbot.waitSignal(controller.error):
        panel.samples.setValue(300)
    assert controller.data is data
    assert panel.samples.value() == 400
    choose(panel, "spiral")
    assert controller.data is data and panel.combo.currentData() == "flower"
    assert errors[-1] == ("Cannot use this data set", "the disk is on fire")
    assert panel.plotted_counts() == (400, 0)


# --- clicking points ------------------------------------------------------------------------------


def test_left_click_adds_a_point_of_the_chosen_class(qtbot, panel, controller):
    panel.set_chosen_class(0)
    click(qtbot, panel, 1.5, -3.0)
    data = controller.data
    assert data.m == 401 and data.Y[0, -1] == 0
    px, py = panel.plot.getViewBox().viewPixelSize()
    assert abs(data.X[0, -1] - 1.5) <= 2 * px and abs(data.X[1, -1] + 3.0) <= 2 * py
    assert panel.plotted_counts() == (401, 0)
    assert panel.combo.currentText() == "Custom points"
    assert not panel.samples.isVisibleTo(panel)

    panel.class_buttons[1].click()
    click(qtbot, panel, -1.0, 2.5)
    assert controller.data.m == 402 and controller.data.Y[0, -1] == 1


def test_right_click_removes_the_nearest_point(qtbot, panel, controller):
    k = 37
    x, y = controller.data.X[:, k]
    click(qtbot, panel, x, y, Qt.RightButton, offset=QPoint(2, -2))
    data = controller.data
    assert data.m == 399
    assert not np.any(np.all(data.X == [[x], [y]], axis=0))


def test_right_click_far_from_every_point_removes_nothing(qtbot, panel, controller):
    data = controller.data
    view = panel.plot.getViewBox().viewRange()
    click(qtbot, panel, view[0][0] + 0.02 * (view[0][1] - view[0][0]),
          view[1][1] - 0.02 * (view[1][1] - view[1][0]), Qt.RightButton)
    assert controller.data is data


def test_right_click_removes_a_test_point(qtbot, panel, controller):
    panel.test_fraction.setValue(0.3)
    x, y = controller.data.X_test[:, 5]
    click(qtbot, panel, x, y, Qt.RightButton)
    assert (controller.data.m, controller.data.m_test) == (280, 119)
    assert panel.plotted_counts() == (280, 119)


def test_undo_restores_the_data_and_the_plot(qtbot, panel, controller):
    flower = controller.data
    click(qtbot, panel, 0.5, 0.5)
    assert panel.plotted_counts() == (401, 0)
    controller.undo_stack.undo()
    assert controller.data is flower
    assert panel.plotted_counts() == (400, 0)
    assert panel.combo.currentData() == "flower" and panel.samples.isVisibleTo(panel)
    controller.undo_stack.redo()
    assert panel.plotted_counts() == (401, 0)


# --- files ------------------------------------------------------------------------------------


def test_opening_the_course_cat_file_shows_thumbnails(cats, controller):
    data = controller.data
    assert (data.n_x, data.m, data.m_test) == (12288, 209, 50)
    assert data.source["test_path"].endswith("test_catvnoncat.h5")
    assert cats.stack.currentWidget() is cats.thumbnails
    assert cats.thumbnails.count() == 259
    assert cats.combo.currentText() == "File: train_catvnoncat.h5"
    assert not cats.test_fraction.isEnabled() and not cats.regenerate.isEnabled()
    assert controller.undo_stack.undoText() == "Open train_catvnoncat.h5"


def test_companion_test_file_is_found_beside_the_training_file(tmp_path):
    train, test = tmp_path / "train_shapes.h5", tmp_path / "test_shapes.h5"
    train.write_bytes(b"")
    assert companion_test_file(train) is None
    test.write_bytes(b"")
    assert companion_test_file(train) == test
    assert companion_test_file(test) is None
    assert companion_test_file(tmp_path / "points.csv") is None


def test_a_bad_file_leaves_the_data_and_says_why(qtbot, panel, controller, errors, tmp_path):
    data = controller.data
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"this is not HDF5 at all\x00\x01\x02" * 10)
    with qtbot.waitSignal(controller.error):
        assert not open_data_path(controller, bad)
    assert controller.data is data and panel.plotted_counts() == (400, 0)
    title, message = errors[-1]
    assert "bad.h5" in message and "not an HDF5 file" in message
    assert panel.combo.currentData() == "flower"


def test_a_csv_file_of_points_is_plotted(panel, controller, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0,0,0\n1,1,1\n2,0,1\n")
    assert open_data_path(controller, path)
    assert panel.plotted_counts() == (3, 0)
    assert panel.combo.currentText() == "File: points.csv"
    assert panel.test_fraction.isEnabled()       # a file without a test set can hold one out


def test_more_than_two_features_shows_a_description(panel, controller, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("1,2,3,0\n4,5,6,1\n")
    assert open_data_path(controller, path)
    assert panel.stack.currentWidget() is panel.message
    assert "n[0] = 3" in panel.message.text()


# --- thumbnails -------------------------------------------------------------------------------


def image_data(m=10, m_test=4, shape=(5, 3, 3)):
    """A small image DataSet built the course's way: uint8 pixels, flattened, divided by 255."""
    rng = np.random.RandomState(0)
    pixels = rng.randint(0, 256, size=(m + m_test, *shape)).astype(np.uint8)
    X = pixels.reshape(m + m_test, -1).T / 255.
    Y = (np.arange(m + m_test) % 2).reshape(1, -1).astype(float)
    data = DataSet(X=X[:, :m], Y=Y[:, :m], X_test=X[:, m:], Y_test=Y[:, m:], name="tiny",
                   image_shape=shape, class_names=("non-cat", "cat"))
    return data, pixels


def test_pixels_come_back_exactly_with_the_right_stride():
    data, pixels = image_data()
    assert np.array_equal(to_pixels(data.X, data.image_shape), pixels[:10])
    image = to_qimage(pixels[3])           # width 3: rows of 9 bytes, not 4-byte aligned
    for row, col in ((0, 0), (4, 2), (2, 1)):
        assert image.pixelColor(col, row) == QColor(*pixels[3, row, col])


def test_set_predictions_marks_the_misclassified_images(qtbot):
    grid = ThumbnailGrid()
    qtbot.addWidget(grid)
    data, _ = image_data()
    grid.set_data(data)
    assert grid.count() == 14
    predicted_train = data.Y.copy()
    predicted_train[0, [1, 4, 7]] = 1 - predicted_train[0, [1, 4, 7]]
    predicted_test = 1 - data.Y_test
    grid.set_predictions(predicted_train, predicted_test)
    assert grid.misclassified() == (3, 4)
    grid.set_predictions(data.Y, None)
    assert grid.misclassified() == (0, 0)
    with pytest.raises(ValueError):
        grid.set_predictions(np.zeros(3), None)
    grid.set_data(None)
    assert grid.count() == 0


def test_a_heading_too_wide_for_the_grid_wraps_instead_of_being_cut(qtbot):
    from PySide6.QtGui import QFontMetrics
    grid = ThumbnailGrid()
    qtbot.addWidget(grid)
    data, _ = image_data(m=80)
    grid.set_data(data)
    grid.resize(600, 500)
    grid.show()
    grid.set_predictions(1 - data.Y, None)        # every training image wrong: "80 misclassified"
    assert grid.heading_lines() == ["Training set (80) · 80 misclassified"]
    grid.resize(250, 500)                         # a narrow Data dock: three columns of thumbnails
    qtbot.waitUntil(lambda: grid.heading_lines() != ["Training set (80) · 80 misclassified"])
    lines = grid.heading_lines()
    assert lines == ["Training set (80)", "80 misclassified"]
    rect, _ = grid._canvas.headings[0]
    font = grid._canvas._heading_font()
    assert all(QFontMetrics(font).horizontalAdvance(line) <= rect.width() for line in lines)
    assert rect.height() >= 2 * QFontMetrics(font).height()   # both lines have room above the images
    assert grid.thumbnail_rect(0).top() >= rect.bottom()


def test_cat_predictions_are_marked(cats, controller):
    data = controller.data
    predictions = np.zeros((1, data.m))          # "non-cat" for everything: every cat is wrong
    cats.thumbnails.set_predictions(predictions, data.Y_test)
    assert cats.thumbnails.misclassified() == (int(data.Y.sum()), 0)


# --- look -------------------------------------------------------------------------------------


def test_plot_background_follows_the_palette(panel):
    panel.setPalette(theme.dark_palette())
    assert panel.plot.backgroundBrush().color() == theme.dark_palette().color(QPalette.Base)
    panel.setPalette(theme.light_palette())
    assert panel.plot.backgroundBrush().color() == QColor("#ffffff")


def test_every_control_is_named_and_explained(panel):
    controls = [panel.combo, panel.regenerate, panel.samples, panel.noise, panel.seed,
                panel.test_fraction, panel.plot, *panel.class_buttons]
    for widget in controls:
        assert widget.accessibleName() and widget.toolTip()


def test_the_plots_show_all_button_says_what_it_does(panel, qtbot):
    """pyqtgraph's "A" button (shown on hover after a zoom); like every control it has words."""
    assert "all the data" in panel.plot.getPlotItem().autoBtn.toolTip()
