"""Training from the window's side: a worker thread, snapshots into the session, runs, divergence."""
import numpy as np
import pytest

from gui.training_controller import TrainingController


@pytest.fixture
def training(qtbot, controller):
    t = TrainingController(controller)
    yield t
    t.shutdown()
    assert not t.trainer.running


def test_play_trains_on_a_worker_and_the_cost_falls(training, controller, qtbot):
    controller.session.hyper = controller.session.hyper.__class__(learning_rate=1.2, iterations=600)
    start_W1 = controller.network.parameters["W1"].copy()
    training.play()
    assert training.state == "running"
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    run = training.runs.runs[-1]
    assert training.iteration == 600 and run.iterations == 600
    costs = run.costs.costs
    assert len(costs) == 600 and costs[-1] < costs[0] - 0.2
    assert round(costs[0], 6) == 0.693048  # the course's first cost, from the GUI's own run
    assert not np.array_equal(controller.network.parameters["W1"], start_W1)


def test_pause_then_reset_returns_the_same_initial_cost(training, controller, qtbot):
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 50, timeout=10000)
    training.pause()
    qtbot.waitUntil(lambda: training.state == "paused", timeout=5000)
    paused_at = training.iteration
    qtbot.wait(150)
    assert training.iteration == paused_at  # nothing moves while paused
    training.reset()
    assert training.state == "idle" and training.iteration == 0
    training.step()
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 1, timeout=5000)
    first, second = training.runs.runs
    assert first.costs.costs[0] == second.costs.costs[0]  # same start, same first cost
    assert first.start == second.start


def test_step_does_one_iteration(training, qtbot):
    training.step()
    qtbot.waitUntil(lambda: training.iteration == 1 and training.state == "idle", timeout=5000)
    training.step()
    qtbot.waitUntil(lambda: training.iteration == 2 and training.state == "idle", timeout=5000)
    assert training.runs.runs[-1].costs.iterations.tolist() == [0, 1]


def test_learning_rate_change_applies_while_running(training, controller, qtbot):
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 20, timeout=10000)
    assert training.set_hyperparameters(learning_rate=0.05)
    qtbot.waitUntil(lambda: training.last_snapshot is not None and training.last_snapshot.learning_rate == 0.05,
                    timeout=5000)
    assert any("lr 1.2 → 0.05" in text for _, text in training.current.changes)


def test_bad_settings_are_refused_and_never_reach_the_engine(training, controller):
    errors = []
    training.error.connect(lambda title, msg: errors.append(msg))
    for bad in (dict(learning_rate=float("nan")), dict(learning_rate=0.0), dict(batch_size=401),
                dict(l2=-1.0), dict(iterations=-3)):
        assert not training.set_hyperparameters(**bad)
    assert len(errors) == 5 and controller.session.hyper.learning_rate == 1.2


def test_a_diverging_learning_rate_pauses_with_a_message(training, controller, qtbot):
    messages = []
    training.diverged.connect(messages.append)
    controller.set_activation(1, "linear")  # nothing saturates: the weights overflow
    training.set_hyperparameters(learning_rate=10.0)
    training.play()
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    assert "probably too high" in messages[0] and "iteration" in messages[0]
    assert training.state == "idle"
    assert all(np.all(np.isfinite(v)) for v in controller.network.parameters.values())


def test_editing_the_network_stops_and_ends_the_run(training, controller, qtbot):
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 10, timeout=10000)
    controller.set_units(1, 6)
    assert not training.trainer.running and training.iteration == 0 and training.current is None
    assert training.runs.runs[-1].stopped == "network or data edited"
