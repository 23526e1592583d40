"""The timeline: an earlier moment shows an earlier boundary; play resumes from the present."""
import numpy as np
import pytest



def test_scrubbing_shows_an_earlier_network_and_boundary(window, qtbot):
    t, c = window.training, window.controller
    t.set_hyperparameters(iterations=1500)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle", timeout=30000)
    moments = t.timeline()
    assert len(moments) >= 3 and moments[-1][0] == 1500
    present_W1 = c.network.parameters["W1"].copy()
    qtbot.wait(50)
    late = window.boundary_panel.probability_image()
    bar = window.training_panel.timeline
    bar.slider.setValue(0)                                   # the first moment kept
    assert t.viewing == moments[0][0]
    assert np.array_equal(c.network.parameters["W1"], moments[0][1]["W1"])
    qtbot.waitUntil(lambda: not np.array_equal(window.boundary_panel.probability_image(), late), timeout=3000)
    assert "past" in bar.label.text()
    bar.present.click()
    assert t.viewing is None and np.array_equal(c.network.parameters["W1"], present_W1)


def test_play_goes_on_from_the_present(window, qtbot):
    t, c = window.training, window.controller
    t.set_hyperparameters(iterations=400)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle", timeout=30000)
    t.show_past(0)
    t.set_hyperparameters(iterations=500)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration == 500, timeout=30000)
    run = t.runs.runs[-1]
    assert list(run.costs.iterations) == list(range(500))  # one unbroken run, no jump back


def test_the_timeline_is_bounded():
    from core.runs import Run, keep_in_timeline
    from core.session import Hyperparameters, InitSettings
    run = Run(1, "x", (2, 1), ("sigmoid",), InitSettings(), Hyperparameters(), "0")
    big = {"W1": np.zeros((20, 12288)), "b1": np.zeros((20, 1))}
    for i in range(1000):
        keep_in_timeline(run, i, big)
    assert len(run.timeline) <= 35 and run.timeline[0][0] == 0 and run.timeline[-1][0] == 999


@pytest.mark.parametrize("end", ["reset", "edit"])
def test_after_a_reset_or_an_edit_the_timeline_offers_no_moments_of_the_ended_run(window, qtbot, end):
    t, c = window.training, window.controller
    t.set_hyperparameters(iterations=300)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration == 300, timeout=20000)
    bar = window.training_panel.timeline
    assert bar.slider.isEnabled() and "300" in bar.label.text()
    t.reset() if end == "reset" else c.set_units(1, 6)
    start = {k: v.copy() for k, v in c.network.parameters.items()}
    assert bar.label.text() == "no moments yet" and not bar.slider.isEnabled()
    t.show_past(0)                                           # e.g. the presentation's [ key
    assert t.viewing is None
    assert all(np.array_equal(c.network.parameters[k], start[k]) for k in start)


def test_the_moment_is_never_clipped_in_the_narrowest_training_panel(window, qtbot, monkeypatch):
    """A laptop's dock once showed "iteration 10,000 (prese": the slider gives way, not the text."""
    from PySide6.QtWidgets import QApplication
    panel, t = window.training_panel, window.training
    monkeypatch.setattr(t, "timeline", lambda: [(0, {}), (10_000, {})])
    bar = panel.timeline
    bar.refresh()
    assert bar.label.text() == "10,000 (present)"
    window.training_dock.setFloating(True)                  # the panel alone, at its minimum width
    window.training_dock.resize(panel.minimumSizeHint().width(), 600)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: panel.width() <= panel.minimumSizeHint().width() + 20)
    assert bar.label.width() >= bar.label.sizeHint().width()
    assert bar.slider.width() >= 20


def test_the_moment_label_keeps_its_size_while_the_count_grows_within_its_digits(window, qtbot, monkeypatch):
    """A label that resizes relays out the panel, its dock and the window: 10 times a second while
    training. Its size is fixed and grows only when the text needs more room."""
    from PySide6.QtCore import QEvent, QObject
    bar, t = window.training_panel.timeline, window.training
    moments = [(0, {}), (10_000, {})]
    monkeypatch.setattr(t, "timeline", lambda: moments)
    bar.refresh()
    qtbot.wait(10)                                                    # its first relayout done
    size = bar.label.size()
    assert bar.label.minimumSize() == bar.label.maximumSize()          # fixed: no relayout on a new text

    class Requests(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.LayoutRequest:
                Requests.count += 1
            return False

    watcher = Requests()
    bar.installEventFilter(watcher)
    for i in (10_001, 17_345, 54_321, 99_999):
        moments.append((i, {}))
        bar.refresh()
        qtbot.wait(5)
        assert bar.label.text() == f"{i:,} (present)" and bar.label.size() == size
    assert Requests.count == 0
    moments.append((1_234_567, {}))                                  # more digits: wider once
    bar.refresh()
    assert bar.label.width() >= bar.label.sizeHint().width() > size.width()
