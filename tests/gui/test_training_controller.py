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


def test_a_long_runs_gradient_history_stays_even_from_its_first_iteration(training, qtbot, monkeypatch):
    import gui.training_controller as tc
    monkeypatch.setattr(tc, "GRAD_HISTORY_LIMIT", 20)
    monkeypatch.setattr(tc, "FALLBACK_SNAPSHOT_EVERY", 10)  # ≥ 300 snapshots: thinned 4 times
    training.session.hyper = training.session.hyper.__class__(learning_rate=1.2, iterations=3000)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    iterations = np.array([i for i, _ in training.runs.runs[-1].grad_norms])
    assert len(iterations) <= 20
    assert iterations[0] == 0 and iterations[-1] == 3000  # the first and the latest
    assert np.all(np.diff(iterations) > 0)
    # evenly spread: the first 70 % of the run holds about 70 % of the points (it held none)
    assert 0.55 < np.mean(iterations < 2100) < 0.85
    gaps = np.diff(iterations[:-1])
    assert gaps.max() <= 3 * np.median(gaps)


def step_once(training, qtbot):
    training.step()
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 1, timeout=5000)
    return training.runs.runs[-1]


def _first_cost(controller, parameters):
    from core.cost import compute_cost
    from core.propagation import forward
    AL, _ = forward(controller.data.X, parameters, controller.network.activations)
    return compute_cost(AL, controller.data.Y)


@pytest.mark.parametrize("edit", ["activation", "data"])
def test_a_run_after_an_edit_starts_from_the_reset_start(training, controller, qtbot, edit):
    from core.runs import fingerprint
    from core.session import DataSettings
    controller.set_activation(1, "tanh")
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 300, timeout=10000)
    if edit == "activation":
        controller.set_activation(1, "relu")  # every trained tensor still fits
    else:
        assert controller.set_data_settings(DataSettings(source="moons"))
    initial = controller.session.initial_parameters()
    assert all(np.array_equal(controller.network.parameters[k], initial[k]) for k in initial)
    after_edit = step_once(training, qtbot)
    assert after_edit.start == fingerprint(initial)
    assert after_edit.costs.costs[0] == pytest.approx(_first_cost(controller, initial), abs=1e-12)
    training.reset()
    after_reset = step_once(training, qtbot)
    # R returns to where the edit began: the two runs compare fairly
    assert after_reset.start == after_edit.start
    assert after_reset.costs.costs[0] == after_edit.costs.costs[0]
    from gui.runs_panel import start_groups
    assert start_groups([after_edit, after_reset]) == {after_edit.number: "A", after_reset.number: "A"}


def test_an_imported_model_keeps_its_own_weights(training, controller, qtbot):
    from core.network import Network, init_parameters
    training.step()
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 1, timeout=5000)
    sizes = controller.network.layer_sizes
    model = Network(sizes, controller.network.activations, init_parameters(sizes, "he", 99))
    loaded = {k: v.copy() for k, v in model.parameters.items()}
    assert controller.set_network(model, "Import model")
    assert all(np.array_equal(controller.network.parameters[k], loaded[k]) for k in loaded)
    assert training.iteration == 0 and training.current is None


def test_only_the_newest_run_keeps_its_timeline(training, controller, qtbot):
    from core.runs import TIMELINE_BYTES
    controller.set_units(1, 300)  # 3,600 weights: each run's moments weigh something
    training.session.hyper = training.session.hyper.__class__(learning_rate=1.2, iterations=200)
    for _ in range(3):
        training.play()
        qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
        training.reset()
    runs = training.runs.runs
    assert len(runs) == 3 and len(runs[-1].timeline) >= 2  # the newest can still be scrubbed
    assert all(run.timeline == [] for run in runs[:-1])
    total = sum(v.nbytes for run in runs for _, p in run.timeline for v in p.values())
    assert total <= TIMELINE_BYTES
    training.step()  # a new run: the one before it is no longer shown
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 1, timeout=5000)
    assert runs[2].timeline == [] and len(training.runs.runs[-1].timeline) >= 1


def test_a_slider_drag_is_one_change_in_the_log(training, qtbot, monkeypatch):
    import gui.training_controller as tc
    training.session.hyper = training.session.hyper.__class__(learning_rate=1.2, iterations=100)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    run = training.current
    for k in range(50):  # paused between iterations: none of these values was ever used
        assert training.set_hyperparameters(learning_rate=round(1.0 - k * 0.01, 2))
    assert run.changes == [(100, "lr 1.2 → 0.51")]
    training.set_hyperparameters(learning_rate=1.2)  # dragged back: nothing changed
    assert run.changes == []
    training.set_hyperparameters(iterations=100_000)
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 200, timeout=10000)
    for k in range(50):  # dragged while it runs
        training.set_hyperparameters(learning_rate=round(0.5 + k * 0.01, 2))
    lr_changes = [text for _, text in run.changes if text.startswith("lr")]
    assert lr_changes == ["lr 1.2 → 0.99"]
    monkeypatch.setattr(tc, "MERGE_SECONDS", 0.0)
    i = training.iteration
    qtbot.waitUntil(lambda: training.iteration > i + 10, timeout=10000)
    training.set_hyperparameters(learning_rate=0.3)  # later, on its own: a change of its own
    assert [text for _, text in run.changes if text.startswith("lr")] == ["lr 1.2 → 0.99", "lr 0.99 → 0.3"]


def test_a_restored_open_run_keeps_its_gradient_history_and_adds_to_it(training, controller, qtbot):
    from copy import deepcopy
    training.session.hyper = training.session.hyper.__class__(learning_rate=1.2, iterations=100)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    saved = deepcopy(training.runs.runs)
    saved[0].grad_norms = list(saved[0].grad_norms)  # as a session file gives it back
    kept = list(saved[0].grad_norms)
    training.reset()
    training.restore_runs(saved, current=saved[0].number, iteration=100)
    training.set_hyperparameters(iterations=150)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 150, timeout=20000)
    norms = training.current.grad_norms
    assert list(norms[:len(kept)]) == kept and norms[-1][0] == 150


def test_the_test_cost_is_recorded_at_every_iteration_the_train_cost_is(training, controller, qtbot):
    from core.cost import compute_cost
    from core.propagation import forward
    from core.session import DataSettings
    assert controller.set_data_settings(DataSettings(test_fraction=0.25))
    initial = controller.session.initial_parameters()
    training.session.hyper = training.session.hyper.__class__(learning_rate=1.2, iterations=300)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=20000)
    run = training.runs.runs[-1]
    assert run.test_costs.iterations.tolist() == run.costs.iterations.tolist() == list(range(300))
    data = controller.data
    AL, _ = forward(data.X_test, initial, controller.network.activations)
    assert run.test_costs.costs[0] == pytest.approx(compute_cost(AL, data.Y_test), abs=1e-12)
    assert run.test_costs.costs[-1] < run.test_costs.costs[0]


def test_the_engine_trains_in_a_process_of_its_own(training, qtbot):
    import os
    assert training.trainer.use_process
    training.set_hyperparameters(iterations=10 ** 9)
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 100, timeout=10000)
    worker = training.trainer._worker
    assert worker.pid is not None and worker.pid != os.getpid()
    training.pause()
    qtbot.waitUntil(lambda: training.state == "paused", timeout=5000)
    training.stop()
    assert training.state == "idle" and not training.trainer.running


def test_a_training_process_that_dies_is_reported_and_the_next_run_trains(training, qtbot):
    import os
    import signal
    errors = []
    training.trainer.error.connect(lambda title, text: errors.append((title, text)))
    training.set_hyperparameters(iterations=10 ** 9)
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 100, timeout=10000)
    os.kill(training.trainer._worker.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: training.state == "idle", timeout=10000)
    assert errors == [("Training stopped", "the training process stopped unexpectedly (killed by signal 9)")]
    reached = training.iteration
    training.reset()
    training.set_hyperparameters(iterations=200)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle" and training.iteration == 200, timeout=10000)
    assert reached > 100 and training.runs.runs[-1].iterations == 200


def test_without_a_child_process_training_runs_in_a_thread(training, qtbot, monkeypatch):
    from core.train_process import POOL, ProcessError

    def refuse():
        raise ProcessError("could not start the training process: not allowed here")

    monkeypatch.setattr(POOL, "acquire", refuse)
    training.set_hyperparameters(iterations=10 ** 9)
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 100, timeout=10000)
    assert training.trainer._worker.pid is None
    training.pause()
    qtbot.waitUntil(lambda: training.state == "paused", timeout=5000)
    training.stop()
    assert training.state == "idle" and training.last_snapshot.stopped == "stopped by user"


def test_a_run_records_its_cost_at_the_stride_its_length_needs(training, controller, qtbot):
    from gui.training_controller import record_stride
    assert [record_stride(n) for n in (1, 600, 3997, 3998, 10_000, 200_000)] == [1, 1, 1, 2, 4, 64]
    controller.session.hyper = controller.session.hyper.__class__(learning_rate=1.2, iterations=10_000)
    training.play()
    qtbot.waitUntil(lambda: training.state == "idle", timeout=30000)
    costs = training.runs.runs[-1].costs
    assert costs.stride == 1                                # nothing recorded only to be thinned away
    assert costs.iterations.tolist() == list(range(0, 10_000, 4))
    training.step()                                          # one iteration at a time records each
    qtbot.waitUntil(lambda: training.iteration == 10_001 and training.state == "idle", timeout=5000)
    assert training.runs.runs[-1].costs.iterations[-1] == 10_000


def test_stop_does_not_hang_on_a_child_that_ignores_it(training, qtbot, monkeypatch):
    import gui.trainer
    monkeypatch.setattr(gui.trainer, "STOP_WAIT_MS", 300)
    training.set_hyperparameters(iterations=10 ** 9)
    training.play()
    qtbot.waitUntil(lambda: training.iteration > 100, timeout=10000)
    control = training.trainer._control
    monkeypatch.setattr(control, "_command", lambda header: None)   # the stop never arrives
    training.stop()
    assert training.state == "idle" and not training.trainer.running
