"""Presets from the Examples menu: one click sets data, network, initialisation and hyperparameters."""
import numpy as np
import pytest

from tests.paths import CAT_MISSING, CAT_TRAIN


def test_examples_menu_lists_every_preset_with_what_it_shows(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Examples" in titles and titles.index("Examples") < titles.index("Help")
    assert len(window.preset_actions) == 6
    assert all(a.toolTip() for a in window.preset_actions.values())


def test_week2_preset_is_logistic_regression_and_fails(window, qtbot):
    window.preset_actions["week2-logistic"].trigger()
    c, t = window.controller, window.training
    assert c.network.layer_sizes == (2, 1) and c.session.init.scheme == "zeros"
    assert not c.network.parameters["W1"].any()
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle", timeout=30000)
    assert t.iteration == 2000 and t.runs.runs[-1].train_accuracy < 0.6


def test_week3_preset_matches_the_notebook(window, qtbot):
    window.preset_actions["week3-planar"].trigger()
    c, t = window.controller, window.training
    assert c.network.layer_sizes == (2, 4, 1) and c.network.activations == ("tanh", "sigmoid")
    np.testing.assert_allclose(c.network.parameters["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]],
                               atol=1e-8)
    t.set_hyperparameters(iterations=1001)
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle", timeout=30000)
    costs = dict(zip(t.runs.runs[-1].costs.iterations, t.runs.runs[-1].costs.costs))
    assert round(costs[0], 6) == 0.693048 and round(costs[1000], 6) == 0.288083


def test_the_sweep_trains_every_size_as_compared_runs(window, qtbot, monkeypatch):
    from core.presets import load_presets
    from dataclasses import replace
    sweep = next(p for p in load_presets() if p.id == "week3-sweep")
    quick = replace(sweep, hyper=replace(sweep.hyper, iterations=300))
    window.presets.apply(quick)
    t = window.training
    qtbot.waitUntil(lambda: len(t.runs.runs) == 7 and t.state == "idle"
                    and t.iteration >= 300, timeout=60000)
    sizes = [r.layer_sizes[1] for r in t.runs.runs]
    assert sizes == [1, 2, 3, 4, 5, 20, 50]
    # each size ran its 300 iterations and is listed as done, not as ended by the next size's edit
    assert [(r.iterations, r.stopped) for r in t.runs.runs] == [(300, "completed")] * 7
    assert len(set(r.start for r in t.runs.runs)) == 7  # different architectures, different starts
    labels = window.cost_panel.legend_labels() if hasattr(window.cost_panel, "legend_labels") else None
    assert labels is None or len(labels) >= 7


def test_symmetry_preset(window, qtbot):
    window.preset_actions["symmetry"].trigger()
    t = window.training
    t.play()
    qtbot.waitUntil(lambda: t.state == "idle", timeout=30000)
    W1 = window.controller.network.parameters["W1"]
    assert np.all(W1 == W1[0])


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_week4_preset_asks_for_the_cat_images(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    import gui.presets_menu as pm
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    from gui.data_panel import open_data_path
    monkeypatch.setattr(pm, "open_data_file", lambda parent, c: open_data_path(c, str(CAT_TRAIN)))
    window.preset_actions["week4-cat"].trigger()
    c = window.controller
    assert c.network.layer_sizes == (12288, 20, 7, 5, 1) and c.session.hyper.learning_rate == 0.0075
    assert c.data.m_test == 50          # test_catvnoncat.h5 sat beside it: the test set came too


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_week4_preset_adds_the_test_file_to_cat_images_open_without_it(window):
    from core.session import DataSettings
    c = window.controller
    assert c.set_data_settings(DataSettings(source=str(CAT_TRAIN)))
    assert c.data.n_x == 12288 and c.data.X_test is None
    window.preset_actions["week4-cat"].trigger()
    assert c.data.m_test == 50 and c.session.data_settings.test_path.endswith("test_catvnoncat.h5")
    assert c.network.layer_sizes == (12288, 20, 7, 5, 1)


def test_the_example_in_effect_is_known_until_it_is_changed(window):
    runner = window.presets
    assert runner.current() is None
    window.preset_actions["vanishing"].trigger()
    assert runner.current().id == "vanishing"
    window.controller.set_activation(2, "relu")
    assert runner.current() is None
    window.controller.undo_stack.undo()
    assert runner.current().id == "vanishing"


def test_a_sweep_stops_when_the_user_makes_the_session_something_else(window, qtbot):
    from core.presets import load_presets
    from dataclasses import replace
    sweep = next(p for p in load_presets() if p.id == "week3-sweep")
    window.presets.apply(replace(sweep, hyper=replace(sweep.hyper, iterations=200)))
    t = window.training
    qtbot.waitUntil(lambda: len(t.runs.runs) == 2, timeout=20000)
    t.stop()
    window.controller.set_activation(1, "relu")      # no longer the example
    qtbot.waitUntil(lambda: t.state == "idle", timeout=5000)
    t.play()                                         # the user's own run, trained to its end
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration >= 200, timeout=20000)
    qtbot.wait(50)
    assert window.controller.network.layer_sizes[1] == 2 and len(t.runs.runs) == 3
    assert window.controller.network.activations[0] == "relu"


def test_a_new_session_ends_the_sweep_and_the_example(window, qtbot, monkeypatch):
    from core.presets import load_presets
    from dataclasses import replace
    sweep = next(p for p in load_presets() if p.id == "week3-sweep")
    window.presets.apply(replace(sweep, hyper=replace(sweep.hyper, iterations=200)))
    monkeypatch.setattr("gui.session_actions.ask_to_save", lambda *a: "discard")
    assert window.sessions.new_session()
    assert window.presets.current() is None      # the caption no longer names the example
    t = window.training
    t.set_hyperparameters(iterations=200)
    t.play()                                     # the new session's own run, to its end
    qtbot.waitUntil(lambda: t.state == "idle" and t.iteration >= 200, timeout=20000)
    qtbot.wait(50)
    assert window.controller.network.layer_sizes == (2, 4, 1) and len(t.runs.runs) == 1
