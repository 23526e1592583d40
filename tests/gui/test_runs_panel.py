"""The runs list: a row per run in its curve's colour, ticking overlays, removing, live updates."""
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from gui.cost_panel import CostPanel
from gui.run_colors import run_color
from gui.runs_panel import (DIFFERS, ENDED, ITERATIONS, RUN, SAME_START, TEST, TRAIN, RunsPanel,
                            short_ending)
from gui.training_controller import TrainingController


@pytest.fixture
def training(qtbot, controller):
    t = TrainingController(controller)
    yield t
    t.shutdown()
    assert not t.trainer.running


@pytest.fixture
def panels(qtbot, training):
    runs, cost = RunsPanel(training), CostPanel(training)
    qtbot.addWidget(runs)
    qtbot.addWidget(cost)
    return runs, cost


def train(training, qtbot, iterations=200):
    training.session.hyper = replace(training.session.hyper, iterations=iterations)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    return training.runs.runs[-1]


def two_runs(training, qtbot):
    first = train(training, qtbot)
    training.reset()
    training.set_hyperparameters(learning_rate=0.3)
    return first, train(training, qtbot)


def test_a_row_per_run_with_its_colour_what_differs_and_how_it_ended(panels, training, qtbot):
    runs_panel, _ = panels
    first, second = two_runs(training, qtbot)
    rows = runs_panel.rows
    assert runs_panel.tree.topLevelItemCount() == 2
    assert [rows[r.number].text(DIFFERS) for r in (first, second)] == ["lr 1.2", "lr 0.3"]
    assert rows[first.number].checkState(RUN) == Qt.Checked
    swatch = rows[second.number].icon(RUN).pixmap(14, 14).toImage().pixelColor(7, 7)
    assert swatch == run_color(second.number)
    assert rows[second.number].text(ITERATIONS) == "200"
    assert rows[second.number].text(TRAIN) == f"{100 * second.train_accuracy:.1f}%"
    assert rows[first.number].text(ENDED) == "done" and rows[second.number].text(ENDED) == "done"
    assert "Ended: completed" in rows[first.number].toolTip(ENDED)
    # Reset returns to the seeded start: both began from the same weights, and the list says so.
    assert not runs_panel.tree.isColumnHidden(SAME_START)
    assert rows[first.number].text(SAME_START) == rows[second.number].text(SAME_START) == "A"


def test_unticking_a_run_in_the_list_removes_its_curve(panels, training, qtbot):
    runs_panel, cost_panel = panels
    first, second = two_runs(training, qtbot)
    runs_panel.rows[first.number].setCheckState(RUN, Qt.Unchecked)
    assert not first.visible
    assert not cost_panel.curves[first.number].train.isVisible()
    assert cost_panel.curves[second.number].train.isVisible()
    assert runs_panel.tree.isColumnHidden(SAME_START)  # one ticked run shares its start with none
    runs_panel.rows[first.number].setCheckState(RUN, Qt.Checked)
    assert cost_panel.curves[first.number].train.isVisible()


def test_remove_run_forgets_it_but_never_the_run_in_progress(panels, training, qtbot):
    runs_panel, cost_panel = panels
    first, second = two_runs(training, qtbot)
    runs_panel.tree.setCurrentItem(runs_panel.rows[second.number])  # still open: the current run
    assert not runs_panel.remove_button.isEnabled()
    runs_panel.tree.setCurrentItem(runs_panel.rows[first.number])
    assert runs_panel.remove_button.isEnabled()
    qtbot.mouseClick(runs_panel.remove_button, Qt.LeftButton)
    assert [r.number for r in training.runs.runs] == [second.number]
    assert list(runs_panel.rows) == [second.number] and runs_panel.tree.topLevelItemCount() == 1
    assert first.number not in cost_panel.curves


def test_space_ticks_and_delete_removes_from_the_keyboard(panels, training, qtbot):
    runs_panel, _ = panels
    runs_panel.show()
    qtbot.waitExposed(runs_panel)
    run = train(training, qtbot, iterations=50)
    training.reset()  # the run is over, so it may be removed
    runs_panel.tree.setFocus()
    runs_panel.tree.setCurrentItem(runs_panel.rows[run.number])
    qtbot.keyClick(runs_panel.tree, Qt.Key_Space)
    assert not run.visible
    qtbot.keyClick(runs_panel.tree, Qt.Key_Delete)
    assert len(training.runs) == 0 and runs_panel.tree.topLevelItemCount() == 0


def test_a_row_updates_live_and_its_tooltip_lists_mid_run_changes(panels, training, qtbot):
    runs_panel, _ = panels
    run = train(training, qtbot, iterations=100)
    assert training.set_hyperparameters(learning_rate=0.5, iterations=150)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    row = runs_panel.rows[run.number]
    assert row.text(ITERATIONS) == "150"
    tip = row.toolTip(RUN)
    assert run.summary() in tip and "lr 1.2 → 0.5" in tip and "at iteration 100" in tip


def test_every_control_has_a_tooltip_and_an_accessible_name(panels):
    runs_panel, _ = panels
    for widget in [runs_panel.tree, *runs_panel.findChildren(QAbstractButton)]:
        assert widget.toolTip() and widget.accessibleName()


def test_every_column_is_in_view_at_the_panels_usual_width(panels, training, qtbot):
    from core.session import DataSettings
    runs_panel, _ = panels
    runs_panel.resize(400, 300)  # the runs dock's width in the window (a 386 px list)
    runs_panel.show()
    qtbot.waitExposed(runs_panel)
    tree, header = runs_panel.tree, runs_panel.tree.header()
    assert not tree.horizontalScrollBar().isVisible()  # an empty list does not scroll sideways
    assert tree.isColumnHidden(TEST)  # no test set: no column of dashes
    assert training.controller.set_data_settings(DataSettings(source="flower", test_fraction=0.2))
    two_runs(training, qtbot)
    qtbot.wait(20)
    assert not tree.isColumnHidden(TEST) and not tree.isColumnHidden(SAME_START)
    assert header.visualIndex(SAME_START) == header.visualIndex(DIFFERS) + 1  # beside what differs
    for column in range(tree.columnCount()):
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= tree.viewport().width()
    assert not tree.horizontalScrollBar().isVisible()
    for row in runs_panel.rows.values():  # every cell's text fits its column
        for column in range(tree.columnCount()):
            assert tree.fontMetrics().horizontalAdvance(row.text(column)) < header.sectionSize(column)


def test_how_a_run_ended_in_a_word():
    assert short_ending("completed") == "done"
    assert short_ending("stopped by user") == "stopped"
    assert short_ending("network or data edited") == "edited"
    assert short_ending("target cost 0.3 reached at iteration 812") == "target"
    assert short_ending("cost became NaN at iteration 198 — the learning rate 10 is probably too high") == "diverged"
    assert short_ending("the parameters overflowed at iteration 5; the learning rate 10 is probably too high") \
        == "diverged"
    assert short_ending("reset") == "reset"


def test_the_headings_have_full_spoken_names(window):
    from PySide6.QtCore import Qt
    from gui.runs_panel import COLUMNS, ITERATIONS
    header = window.runs_panel.tree.headerItem()
    names = [header.data(c, Qt.AccessibleTextRole) for c in range(len(COLUMNS))]
    assert names[ITERATIONS] == "Iterations" and header.text(ITERATIONS) == "Iter."
    assert all(names) and len(set(names)) == len(names)


def test_runs_seven_to_twelve_take_a_deeper_shade_not_the_same_colour():
    for dark in (False, True):
        colors = [run_color(n, dark).name() for n in range(1, 13)]
        assert len(set(colors)) == 12                       # twelve runs, twelve colours
        assert run_color(13, dark) == run_color(1, dark)    # then the cycle starts over
        first, seventh = run_color(1, dark), run_color(7, dark)
        assert first.hue() == seventh.hue() or abs(first.hue() - seventh.hue()) <= 2  # same hue
        assert (seventh.lightness() > first.lightness()) == dark   # lighter on dark, deeper on light
