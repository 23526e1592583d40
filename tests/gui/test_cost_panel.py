"""The cost panel: curves equal to the runs' histories, a legend of what differed, log axis, accuracies."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton

from core.session import DataSettings
from gui import theme
from gui.cost_panel import CostPanel, percent
from gui.run_colors import TINY, clipped_positive, run_color
from gui.training_controller import TrainingController


@pytest.fixture
def training(qtbot, controller):
    t = TrainingController(controller)
    yield t
    t.shutdown()
    assert not t.trainer.running


@pytest.fixture
def panel(qtbot, training):
    p = CostPanel(training)
    qtbot.addWidget(p)
    p.resize(700, 320)
    p.show()
    qtbot.waitExposed(p)
    return p


def train(training, qtbot, iterations=200):
    training.session.hyper = replace(training.session.hyper, iterations=iterations)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    return training.runs.runs[-1]


def legend_labels(panel):
    return [label.text for _, label in panel.legend.items]


def test_the_cost_curve_is_the_runs_history_and_it_falls(panel, training, qtbot):
    run = train(training, qtbot)
    line = panel.curves[run.number].train
    assert np.array_equal(line.xData, run.costs.iterations)
    assert np.array_equal(line.yData, run.costs.costs)
    assert len(line.xData) == 200 and line.yData[-1] < line.yData[0]
    assert line.opts["pen"].color() == run_color(run.number) and line.opts["pen"].widthF() >= 2.5
    assert legend_labels(panel) == ["train"]  # no test set: no dashed line, no "test" entry
    assert not panel.curves[run.number].test.isVisible()


def test_two_runs_give_two_curves_and_a_legend_naming_the_learning_rates(panel, training, qtbot):
    first = train(training, qtbot)
    training.reset()
    assert training.set_hyperparameters(learning_rate=0.3)
    second = train(training, qtbot)
    assert set(panel.curves) == {first.number, second.number}
    assert all(panel.curves[r.number].train.isVisible() for r in (first, second))
    assert legend_labels(panel) == ["lr 1.2", "lr 0.3"]
    assert "lr 1.2 vs lr 0.3" in panel.heading.text()
    assert np.array_equal(panel.curves[second.number].train.yData, second.costs.costs)
    # The run in progress (still open after its play) is drawn over the other.
    assert panel.curves[second.number].train.zValue() > panel.curves[first.number].train.zValue()
    assert run_color(1) != run_color(2)


def test_an_unticked_run_loses_its_curve_and_its_legend_entry(panel, training, qtbot):
    first = train(training, qtbot)
    training.reset()
    training.set_hyperparameters(learning_rate=0.3)
    train(training, qtbot)
    training.set_run_visible(first.number, False)
    assert not panel.curves[first.number].train.isVisible()
    assert legend_labels(panel) == ["train"]
    training.remove_run(first.number)
    assert first.number not in panel.curves
    assert all(item.scene() is not None for c in panel.curves.values() for item in (c.train, c.test))


def test_the_log_toggle_switches_the_axis(panel, training, qtbot):
    run = train(training, qtbot)
    axis = panel.plot.getAxis("left")
    assert not axis.logMode
    on_the_box = QPoint(8, panel.log_scale.height() // 2)  # the widget is wider than box + label
    qtbot.mouseClick(panel.log_scale, Qt.LeftButton, pos=on_the_box)
    assert panel.log_scale.isChecked() and axis.logMode

    def framed_in_log_units():
        low, high = panel.plot.getViewBox().viewRange()[1]
        return low <= np.log10(run.costs.costs.min()) < np.log10(run.costs.costs.max()) <= high < 0

    qtbot.waitUntil(framed_in_log_units, timeout=3000)  # the view re-frames at its next update
    qtbot.mouseClick(panel.log_scale, Qt.LeftButton, pos=on_the_box)
    assert not axis.logMode


def test_costs_at_or_below_zero_are_drawn_at_a_tiny_positive_value():
    assert clipped_positive(np.array([0.5, 0.0, -1.0])).tolist() == [0.5, TINY, TINY]


def test_the_accuracies_cost_and_iteration_of_the_run_are_shown_large(panel, training, qtbot):
    run = train(training, qtbot)
    readout = panel.readout
    assert readout.train_accuracy.text() == percent(run.train_accuracy) and "%" in readout.train_accuracy.text()
    assert readout.test_accuracy.text() == "—"
    assert readout.cost.text() == f"cost {run.costs.last()[1]:.4f}"
    assert readout.iteration.text() == "iteration 200"
    assert readout.train_accuracy.font().pointSizeF() >= 2 * panel.font().pointSizeF()


def test_a_test_set_adds_a_dashed_line_of_the_same_colour(panel, training, controller, qtbot):
    assert controller.set_data_settings(DataSettings(test_fraction=0.25))
    run = train(training, qtbot)
    curves = panel.curves[run.number]
    assert curves.test.isVisible()
    assert np.array_equal(curves.test.yData, run.test_costs.costs)
    pen = curves.test.opts["pen"]
    assert pen.style() == Qt.DashLine and pen.color() == curves.train.opts["pen"].color()
    assert legend_labels(panel) == ["train", "test"]
    assert panel.readout.test_accuracy.text() == percent(run.test_accuracy) != "—"


def test_the_plot_follows_the_palette(panel, training, qtbot):
    run = train(training, qtbot, iterations=20)
    assert panel.plot.backgroundBrush().color() == panel.palette().base().color()
    dark = theme.dark_palette()
    panel.setPalette(dark)
    assert panel.plot.backgroundBrush().color().name() == dark.base().color().name()
    assert panel.curves[run.number].train.opts["pen"].color() == run_color(run.number, dark=True)
    (_, label), = panel.legend.items
    assert label.opts["color"] == dark.text().color()  # legend text readable on the dark Base


def test_every_control_has_a_tooltip_and_an_accessible_name(panel):
    for widget in [panel.plot, *panel.findChildren(QAbstractButton)]:
        assert widget.toolTip() and widget.accessibleName()


def test_a_diverging_run_is_drawn_on_a_log_axis_without_errors(panel, training, controller, qtbot):
    controller.set_activation(1, "linear")  # nothing saturates: the weights overflow
    training.set_hyperparameters(learning_rate=10.0)
    panel.log_scale.setChecked(True)
    run = train(training, qtbot, iterations=2000)
    assert "too high" in run.stopped
    line = panel.curves[run.number].train
    assert np.array_equal(line.xData, run.costs.iterations)
    panel.grab()  # painting non-finite or huge costs on a log axis must not raise


def test_the_side_column_follows_the_font_and_never_clips_the_numbers(panel):
    from PySide6.QtGui import QFont
    from gui.cost_panel import WIDEST_ACCURACY, WIDEST_LINE
    before = panel.side.width()
    big = QFont(panel.font())
    big.setPointSizeF(big.pointSizeF() * 1.45)
    panel.setFont(big)
    readout = panel.readout
    assert panel.side.width() > before
    assert panel.side.width() >= readout.train_accuracy.fontMetrics().horizontalAdvance(WIDEST_ACCURACY)
    assert panel.side.width() >= readout.iteration.fontMetrics().horizontalAdvance(WIDEST_LINE)


def test_line_scale_thickens_the_cost_lines(panel, training, qtbot):
    run = train(training, qtbot, 20)
    width = panel.curves[run.number].train.opts["pen"].widthF()
    panel.set_line_scale(1.45)
    assert panel.curves[run.number].train.opts["pen"].widthF() == pytest.approx(width * 1.45)


def test_a_moment_of_the_past_is_marked_on_the_curve(panel, training, qtbot):
    for _ in range(3):
        training.step()
        qtbot.waitUntil(lambda: training.state == "idle" and not training.trainer.running, timeout=5000)
    assert not panel.moment_line.isVisible()
    training.show_past(0)
    assert panel.moment_line.isVisible() and panel.moment_line.value() == training.viewing
    training.back_to_present()
    assert not panel.moment_line.isVisible()


# --- the range follows the runs in steps, not every frame -------------------------------------------
def fed_run(training):
    """A run in the book, fed by hand as the Trainer's frames would (no worker: fast and exact)."""
    training._begin_run()
    return training.current


def feed(training, run, iterations, costs):
    run.costs.extend(zip(iterations, costs))
    run.iterations = int(iterations[-1])
    training.run_updated.emit(run)


def holds(view, run_list, log=False):
    (x0, x1), (y0, y1) = view
    for run in run_list:
        c = clipped_positive(run.costs.costs)
        c = np.log10(c) if log else c
        if not (x0 <= run.costs.iterations.min() and run.costs.iterations.max() <= x1
                and y0 <= c.min() and c.max() <= y1):
            return False
    return True


def test_the_range_holds_every_point_of_every_run_and_changes_only_in_steps(panel, training):
    box = panel.plot.getViewBox()
    first = fed_run(training)
    feed(training, first, np.arange(0, 800), 0.7 * np.exp(-np.arange(800) / 300) + 0.1)
    training._end_run("reset")
    second = fed_run(training)
    ranges, rng = [], np.random.default_rng(1)
    for frame in range(300):            # 300 frames of 97 iterations: 29,100 iterations
        i = np.arange(frame * 97, (frame + 1) * 97)
        cost = 0.9 * np.exp(-i / 5000) + 0.05 + 0.02 * rng.random(97)
        if frame == 150:
            cost[40] = 2.7              # a spike (a learning rate raised for a moment)
        feed(training, second, i, cost)
        view = box.viewRange()
        assert holds(view, [first, second]), f"frame {frame}: a point outside {view}"
        if not ranges or view != ranges[-1]:
            ranges.append(view)
    # The x axis doubled (1-2-5 steps) and the y axis grew once for the spike: a handful of
    # new ranges in 300 frames, where auto-range gave one every frame.
    assert len(ranges) <= 10
    (x0, x1), (y0, y1) = ranges[-1]
    assert x1 < 2.5 * 29_100 * 1.05 and y1 < 3 * 1.25 * 1.05 and y0 <= 0


def test_a_frame_whose_points_are_inside_the_range_does_not_change_it(panel, training):
    box = panel.plot.getViewBox()
    run = fed_run(training)
    feed(training, run, np.arange(0, 300), np.linspace(0.7, 0.4, 300))
    before = box.viewRange()
    assert holds(before, [run]) and not any(box.autoRangeEnabled())
    changed = []
    box.sigRangeChanged.connect(lambda *a: changed.append(a))
    feed(training, run, np.arange(300, 400), np.linspace(0.4, 0.35, 100))   # inside: x ends at 500
    assert box.viewRange() == before and not changed
    feed(training, run, np.arange(400, 700), np.linspace(0.35, 0.3, 300))   # past 500: the next step
    assert changed and holds(box.viewRange(), [run]) and box.viewRange()[0][1] >= 1000


def test_zoom_and_pan_stay_until_the_auto_button_follows_the_runs_again(panel, training):
    box = panel.plot.getViewBox()
    run = fed_run(training)
    feed(training, run, np.arange(0, 300), np.linspace(0.7, 0.4, 300))
    box.setRange(xRange=(50, 120), yRange=(0.5, 0.6), padding=0)
    box.sigRangeChangedManually.emit([True, True])   # what a wheel or a drag on the plot emits
    assert not panel.following
    zoomed = box.viewRange()
    feed(training, run, np.arange(300, 2000), np.linspace(0.4, 0.2, 1700))
    assert box.viewRange() == zoomed          # the user's view is kept while the run goes on
    item = panel.plot.getPlotItem()
    item.mouseHovering = True                 # the pointer over the plot: "A" offers to fit again
    item.updateButtons()
    assert item.autoBtn.isVisible()
    item.autoBtn.clicked.emit(item.autoBtn)   # the "A" corner button
    assert panel.following and holds(box.viewRange(), [run])
    item.updateButtons()
    assert not item.autoBtn.isVisible()       # following already: nothing to offer
    assert not any(box.autoRangeEnabled())    # still stepped, not pyqtgraph's per-frame auto-range


def test_a_real_wheel_zoom_stops_the_following(panel, training, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    run = fed_run(training)
    feed(training, run, np.arange(0, 300), np.linspace(0.7, 0.4, 300))
    view = panel.plot.viewport()
    centre = QPointF(view.width() / 2, view.height() / 2)
    event = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.NoButton,
                        Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    assert not panel.following


def test_the_log_axis_range_holds_the_costs_in_decades(panel, training):
    run = fed_run(training)
    panel.log_scale.setChecked(True)
    i = np.arange(0, 5000)
    for k in range(0, 5000, 250):
        feed(training, run, i[k:k + 250], 0.7 * np.exp(-i[k:k + 250] / 400) + 1e-4)
        assert holds(panel.plot.getViewBox().viewRange(), [run], log=True)


def test_following_range_steps():
    from gui.cost_panel import following_range, step_up, X_STEPS
    assert [step_up(v, X_STEPS) for v in (1, 7, 10, 11, 201, 999, 1001)] == [1, 10, 10, 20, 500, 1000, 2000]
    assert step_up(0.693) == 0.8 and step_up(0.05) == pytest.approx(0.05) and step_up(2.7) == 3
    (x0, x1), (y0, y1) = following_range(1234, 0.2, 0.693, log=False)
    assert (x0, x1, y0, y1) == (0.0, 2000, 0.0, 0.8)
    (_, _), (y0, y1) = following_range(10, -2.3, -0.16, log=True)
    assert y0 == pytest.approx(-2.4) and y1 == pytest.approx(-0.1)   # tenths of a decade, with room


def test_a_long_run_draws_two_points_a_pixel_column_with_its_spikes(panel, training, qtbot):
    run = fed_run(training)
    i = np.arange(0, 40_000)
    cost = 0.7 * np.exp(-i / 4000) + 0.1
    cost[23_456] = 1.9                          # one spike must survive the thinning to the screen
    feed(training, run, i, cost)
    line = panel.curves[run.number].train
    assert np.array_equal(line.xData, run.costs.iterations)   # the item holds every point kept
    qtbot.wait(10)
    panel.grab()
    drawn = line.curve.xData                    # what pyqtgraph strokes
    width = panel.plot.getViewBox().width()
    assert len(drawn) <= 2 * width + 8 < len(run.costs)
    assert line.curve.yData.max() == run.costs.costs.max() >= 1.9 > cost[23_455]


def test_axes_are_cached_between_frames_but_exported_as_text(panel, training, tmp_path):
    from PySide6.QtWidgets import QGraphicsItem
    from gui.exports import save_picture
    run = fed_run(training)
    feed(training, run, np.arange(0, 3000), np.linspace(0.7, 0.2, 3000))
    axes = [panel.plot.getAxis(name) for name in ("left", "bottom")]
    assert all(a.cacheMode() == QGraphicsItem.DeviceCoordinateCache for a in axes)
    save_picture(panel, str(tmp_path / "cost.svg"))
    svg = (tmp_path / "cost.svg").read_text()
    assert "1,000" in svg and "2,000" in svg       # the x axis's labels as text, not a pixmap
    assert all(a.cacheMode() == QGraphicsItem.DeviceCoordinateCache for a in axes)


def test_the_readout_follows_a_running_run_at_a_readable_pace_and_ends_exact(panel, training, qtbot):
    run = fed_run(training)
    training._on_trainer_state("running")
    texts = []
    for frame in range(12):              # 12 frames in a few milliseconds: faster than anyone reads
        feed(training, run, np.arange(frame * 50, (frame + 1) * 50), np.linspace(0.7, 0.6, 50) - frame / 100)
        texts.append(panel.readout.iteration.text())
    assert len(set(texts)) <= 2 < 12     # the curve took every frame; the numbers did not
    assert np.array_equal(panel.curves[run.number].train.xData, run.costs.iterations)
    training._on_trainer_state("idle")   # paused or stopped: the last numbers at once
    assert panel.readout.iteration.text() == f"iteration {run.iterations:,}"
    assert panel.readout.cost.text() == f"cost {run.costs.last()[1]:.4f}"


def test_the_x_axis_ends_where_the_run_stops_rather_than_at_the_next_step(panel, training):
    from gui.cost_panel import following_range
    assert following_range(2600, 0.2, 0.7, False, x_end=3000)[0] == (0.0, 3000.0)
    assert following_range(2600, 0.2, 0.7, False, x_end=10 ** 8)[0] == (0.0, 5000)
    assert following_range(3500, 0.2, 0.7, False, x_end=3000)[0] == (0.0, 5000)   # run on past it
    training.session.hyper = replace(training.session.hyper, iterations=3000)
    run = fed_run(training)
    feed(training, run, np.arange(0, 3001), np.linspace(0.7, 0.2, 3001))
    (x0, x1), _ = panel.plot.getViewBox().viewRange()
    assert x0 < 0 and 3000 <= x1 < 3000 * 1.05     # the whole run across the plot


def test_new_numbers_in_the_readout_relayout_nothing(panel, training, qtbot):
    from PySide6.QtCore import QEvent, QObject
    run = fed_run(training)
    for k in (0, 1):                   # the first numbers (after "—"): laid out once
        run.train_accuracy = 0.5
        feed(training, run, np.arange(100 * k, 100 * k + 100), np.linspace(0.7, 0.6, 100))
        panel._readout_pace.flush()
        qtbot.wait(10)

    class Requests(QObject):
        count = 0

        def eventFilter(self, obj, event):
            Requests.count += event.type() == QEvent.LayoutRequest
            return False

    watcher = Requests()
    for w in (panel, panel.side, panel.readout):
        w.installEventFilter(watcher)
    for k in range(2, 7):
        run.train_accuracy = 0.5 + k / 20
        feed(training, run, np.arange(100 * k, 100 * k + 100), np.linspace(0.6, 0.5, 100) - k / 50)
        panel._readout_pace.flush()
        assert panel.readout.iteration.text() == f"iteration {run.iterations:,}"
        qtbot.wait(5)
    assert Requests.count == 0
    side = panel.side.width()
    assert all(label.width() == side for label in (panel.readout.cost, panel.readout.iteration))
