"""bench/gui.py on a short run, so the GUI benchmark cannot rot as the panels change."""
from PySide6.QtWidgets import QApplication

from bench import gui as bench_gui


def test_bench_counts_real_draws_while_training_and_times_steps(qtbot):
    from gui.main_window import MainWindow
    window = MainWindow(restore_settings=False)
    qtbot.addWidget(window)
    window.resize(1600, 960)
    window.show()
    qtbot.waitExposed(window)
    app = QApplication.instance()

    # The hooks sit on the objects that really draw: one redraw of each view counts once.
    boundary = bench_gui.Counter(window.boundary_panel.image, "setImage")
    maps = bench_gui.Counter(window.canvas._maps, "update")
    window.boundary_panel._throttle.flush()
    window.canvas._map_throttle.flush()
    assert (boundary.count, maps.count) == (1, 1)

    live = bench_gui.live_training(app, window, 0.3, settle=0.15)
    assert live["iterations_per_second"] > 0
    assert live["cost_curves_counted"] == 1
    assert sum(v for k, v in live.items() if k.endswith("_per_second") and k != "iterations_per_second") > 0
    assert not window.training.trainer.running          # the bench leaves no worker behind

    steps = bench_gui.step_latency(app, window, 1)
    assert len(steps) == 1 and all(0 < s < 5 for s in steps)
    assert not window.stepping.active


def test_frame_costs_attributes_each_frames_time_to_the_views_that_drew(qtbot):
    out = bench_gui.frame_costs(frames=4, iterations_per_frame=50)
    assert out["frames"] == 4        # the first frame (iteration 0, the run's curves built) not counted
    per_view = out["per_view_ms_mean"]
    for view in ("cost curve", "cost curve paint", "boundary", "boundary paint", "canvas paint", "neuron maps"):
        assert per_view[view] > 0, view           # every live view drew in the frames timed
    assert abs(sum(per_view.values()) - out["frame_ms_mean"]) < 1e-6 * out["frame_ms_mean"] + 1e-9
    import pyqtgraph as pg
    from gui.cost_panel import CostPanel
    assert pg.GraphicsView.paintEvent.__name__ == "paintEvent" and CostPanel.update_run.__name__ == "update_run"
    assert not hasattr(CostPanel.update_run, "__wrapped__")   # the timing wrappers are removed again
