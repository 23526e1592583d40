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
