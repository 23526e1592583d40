"""Gradient health: one ‖dW[l]‖ line per layer of the run, on a log axis, with every point recorded."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QAbstractButton

from gui.gradient_panel import GradientPanel
from gui.training_controller import TrainingController


@pytest.fixture
def training(qtbot, controller):
    t = TrainingController(controller)
    yield t
    t.shutdown()
    assert not t.trainer.running


@pytest.fixture
def panel(qtbot, training):
    p = GradientPanel(training)
    qtbot.addWidget(p)
    p.show()          # a hidden panel skips its redraws (see the test at the end)
    qtbot.waitExposed(p)
    return p


def train(training, qtbot, iterations=300):
    training.session.hyper = replace(training.session.hyper, iterations=iterations)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    return training.runs.runs[-1]


def test_one_line_per_layer_with_every_recorded_norm(panel, training, qtbot):
    assert panel.lines == [] and "Play" in panel.heading.text()
    run = train(training, qtbot)
    assert len(panel.lines) == 2
    assert [label.text for _, label in panel.legend.items] == ["dW[1]", "dW[2]"]
    iterations = [i for i, _ in run.grad_norms]
    assert len(iterations) >= 1
    for l, line in enumerate(panel.lines, start=1):
        assert line.xData.tolist() == iterations
        assert np.allclose(line.yData, [norms[l - 1] for _, norms in run.grad_norms])
    assert run.name in panel.heading.text()


def test_the_axis_is_logarithmic_by_default(panel):
    assert panel.log_scale.isChecked() and panel.plot.getAxis("left").logMode
    panel.log_scale.setChecked(False)
    assert not panel.plot.getAxis("left").logMode


def test_a_deeper_network_gets_a_line_per_layer(panel, training, controller, qtbot):
    train(training, qtbot, iterations=50)
    first_lines = list(panel.lines)
    assert controller.insert_layer(1, 5, "relu")  # the edit ends the run; the next one has L = 3
    run = train(training, qtbot, iterations=50)
    assert len(run.layer_sizes) == 4 and len(panel.lines) == 3
    assert not any(line in panel.lines for line in first_lines)
    assert [label.text for _, label in panel.legend.items] == ["dW[1]", "dW[2]", "dW[3]"]
    assert all(len(line.xData) == len(run.grad_norms) for line in panel.lines)


def test_every_control_has_a_tooltip_and_an_accessible_name(panel):
    for widget in [panel.plot, *panel.findChildren(QAbstractButton)]:
        assert widget.toolTip() and widget.accessibleName()
    assert "vanishing" in panel.caption.text()


@pytest.mark.parametrize("dark", [False, True])
def test_every_layer_line_stands_out_from_the_plot_background(dark):
    """At least 3:1 contrast (WCAG's figure for lines) for ten layers, light and dark palettes."""
    from PySide6.QtGui import QPalette
    from gui import theme
    from gui.gradient_panel import layer_colors

    def luminance(c):
        def channel(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())

    palette = theme.dark_palette() if dark else theme.light_palette()
    base = luminance(palette.color(QPalette.Base))           # style_plot's background
    for color in layer_colors(10, dark):
        hi, lo = sorted([luminance(color), base], reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 3.0, color.name()


def test_a_hidden_panel_skips_its_frames_and_catches_up_when_shown(panel, training, qtbot):
    panel.hide()
    run = train(training, qtbot)
    assert all(line.xData is None for line in panel.lines) or not panel.lines   # nothing drawn
    panel.show()
    iterations = [i for i, _ in run.grad_norms]
    qtbot.waitUntil(lambda: len(panel.lines) == 2 and all(line.xData is not None and line.xData.tolist()
                                                          == iterations for line in panel.lines), timeout=3000)


def test_a_dock_tabbed_behind_another_skips_its_frames_until_brought_to_the_front(window, qtbot):
    panel, training = window.gradient_panel, window.training
    window.runs_dock.raise_()                  # the Gradients tab behind the Runs tab
    qtbot.waitUntil(lambda: panel.visibleRegion().isEmpty(), timeout=3000)
    assert panel.isVisible()                   # what Qt says of a tab behind another
    drawn = []
    panel._draw = lambda draw=panel._draw: drawn.append(1) or draw()
    run = train(training, qtbot, iterations=50)
    assert not drawn and panel._stale
    window.gradient_dock.raise_()
    qtbot.waitUntil(lambda: bool(drawn) and not panel._stale, timeout=3000)
    iterations = [i for i, _ in run.grad_norms]
    assert all(line.xData.tolist() == iterations for line in panel.lines)


def test_while_training_runs_the_plot_redraws_at_a_readable_pace_and_ends_exact(panel, training, qtbot):
    training._begin_run()
    run = training.current
    training._on_trainer_state("running")
    draws = []
    panel._draw = lambda draw=panel._draw: draws.append(1) or draw()
    for frame in range(12):                     # 12 frames within a few milliseconds
        run.grad_norms.append((frame * 10, (1.0 / (frame + 1), 0.5 / (frame + 1))))
        training.run_updated.emit(run)
    assert 1 <= len(draws) <= 2
    training._on_trainer_state("idle")          # paused or stopped: every point at once
    assert panel.lines[0].xData.tolist() == [i for i, _ in run.grad_norms]
