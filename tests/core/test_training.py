"""The trainer: course conventions, snapshots, stop/pause from another thread, divergence."""
import threading
import time

import numpy as np
import pytest

from core.cost import compute_cost
from core.errors import ConfigError
from core.network import Network
from core.propagation import backward, forward
from core.training import COMPLETED, STOPPED_BY_USER, TrainConfig, TrainControl, run, train
from core.update import update_parameters


def _blobs(m=60, seed=0):
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(float)
    X = rng.randn(2, m) + 2.0 * (Y - 0.5)
    return X, Y


def test_training_is_the_engines_own_forward_backward_update_loop():
    X, Y = _blobs()
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], init="small", seed=2)
    by_hand = net.copy()
    costs, final = run(net, X, Y, TrainConfig(learning_rate=0.5, iterations=5, record_every=1))
    for i in range(5):
        AL, caches = forward(X, by_hand.parameters, by_hand.activations)
        assert costs[i] == (i, compute_cost(AL, Y))  # recorded before the update, bit for bit
        update_parameters(by_hand.parameters, backward(AL, Y, caches, by_hand.activations), 0.5)
    for k, v in by_hand.parameters.items():
        assert np.array_equal(v, net.parameters[k])
    assert final.stopped == COMPLETED and final.iteration == 5


def test_network_keeps_its_arrays_and_snapshots_are_frozen_copies():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["relu", "sigmoid"], seed=0)
    params, W1 = net.parameters, net.parameters["W1"]
    snaps = list(train(net, X, Y, TrainConfig(learning_rate=0.1, iterations=7, snapshot_every=2)))
    assert net.parameters is params and net.parameters["W1"] is W1
    assert [s.iteration for s in snaps] == [0, 2, 4, 6, 7]
    assert snaps[-1].stopped == COMPLETED and all(s.stopped is None for s in snaps[:-1])
    assert np.array_equal(snaps[-1].parameters["W1"], W1)
    assert not np.array_equal(snaps[0].parameters["W1"], W1)
    with pytest.raises(ValueError):
        snaps[0].parameters["W1"][0, 0] = 1.0
    assert len(snaps[1].grad_norms) == 2 and all(n > 0 for n in snaps[1].grad_norms)


def test_record_every_and_accuracies_with_a_test_set():
    X, Y = _blobs(80)
    net = Network.create([2, 5, 1], ["tanh", "sigmoid"], seed=1)
    cfg = TrainConfig(learning_rate=0.5, iterations=250, record_every=50, snapshot_every=100)
    costs, final = run(net, X[:, :60], Y[:, :60], cfg, X[:, 60:], Y[:, 60:])
    assert [i for i, _ in costs] == [0, 50, 100, 150, 200]
    assert costs[-1][1] < costs[0][1]
    assert final.train_accuracy > 0.8 and final.test_accuracy > 0.7
    assert final.test_cost is not None and final.seconds > 0


def test_stop_at_target_cost():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    costs, final = run(net, X, Y, TrainConfig(learning_rate=1.0, iterations=5000, target_cost=0.3,
                                               record_every=1))
    assert final.stopped.startswith("target cost 0.3 reached at iteration")
    assert final.cost <= 0.3 and final.iteration < 5000
    assert costs[-1][1] <= 0.3 < costs[-2][1]


def test_divergence_keeps_the_last_finite_parameters():
    X, Y = _blobs()
    X = X * 1e150  # overflowing products at any sensible learning rate
    net = Network.create([2, 3, 1], ["relu", "sigmoid"], init="xavier", seed=0)
    costs, final = run(net, X, Y, TrainConfig(learning_rate=1e10, iterations=100, record_every=1))
    assert "the learning rate 1e+10 is probably too high" in final.stopped
    assert final.diverged
    assert final.iteration < 100
    assert all(np.all(np.isfinite(v)) for v in net.parameters.values())
    assert np.isfinite(final.cost)
    assert all(np.isfinite(c) for _, c in costs)


def test_the_cost_that_reaches_the_target_is_recorded_between_recorded_iterations():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    costs, final = run(net, X, Y, TrainConfig(learning_rate=1.0, iterations=5000, target_cost=0.3,
                                               record_every=100))
    assert final.iteration % 100 != 0  # the target is met between two recorded iterations
    assert costs[-1] == (final.iteration, final.cost) and final.cost <= 0.3
    assert [i for i, _ in costs[:-1]] == list(range(0, final.iteration, 100))


def test_the_test_cost_is_recorded_on_the_train_costs_schedule():
    X, Y = _blobs(80)
    X_train, Y_train, X_test, Y_test = X[:, :60], Y[:, :60], X[:, 60:], Y[:, 60:]
    net = Network.create([2, 5, 1], ["tanh", "sigmoid"], seed=1)
    by_hand = net.copy()
    snaps = list(train(net, X_train, Y_train, TrainConfig(learning_rate=0.5, iterations=45,
                                                          record_every=10, snapshot_every=1000),
                       X_test, Y_test))
    assert len(snaps) == 2  # the first and the final snapshot only
    points = [p for s in snaps for p in s.new_test_costs]
    assert [i for i, _ in points] == [i for s in snaps for i, _ in s.new_costs] == [0, 10, 20, 30, 40]
    for i in range(45):
        if i % 10 == 0:
            AL_test, _ = forward(X_test, by_hand.parameters, by_hand.activations)
            assert points[i // 10] == (i, compute_cost(AL_test, Y_test))
        AL, caches = forward(X_train, by_hand.parameters, by_hand.activations)
        update_parameters(by_hand.parameters, backward(AL, Y_train, caches, by_hand.activations), 0.5)
    # without a test set there are none
    _, final = run(Network.create([2, 5, 1], ["tanh", "sigmoid"]), X_train, Y_train,
                   TrainConfig(iterations=20, record_every=10))
    assert final.new_test_costs == () and final.test_cost is None


def _diverging(batch_size, learning_rate=1000.0):
    """Linear hidden layers at a huge learning rate: Z overflows to inf − inf = NaN within a few
    iterations while the parameters themselves are still finite."""
    X, Y = _blobs()
    net = Network.create([2, 16, 16, 1], ["linear", "linear", "sigmoid"], init="he", seed=1)
    cfg = TrainConfig(learning_rate=learning_rate, iterations=3000, batch_size=batch_size,
                      record_every=100, snapshot_every=10 ** 9)
    return X, Y, net, cfg


@pytest.mark.parametrize("batch_size, learning_rate", [(None, 1000.0), (None, 30.0), (16, 30.0),
                                                       (16, 1000.0)])
def test_divergence_between_recorded_iterations_keeps_parameters_whose_cost_is_finite(
        batch_size, learning_rate):
    X, Y, net, cfg = _diverging(batch_size, learning_rate)
    costs, final = run(net, X, Y, cfg)
    assert final.diverged and 0 < final.iteration < 100  # no cost was recorded near the failure
    assert "NaN" in final.stopped and " — the learning rate" in final.stopped
    assert final.stopped.endswith(f"the parameters of iteration {final.iteration} are kept")
    with np.errstate(all="ignore"):
        AL, _ = forward(X, net.parameters, net.activations)
    assert np.isfinite(compute_cost(AL, Y)) and compute_cost(AL, Y) == final.cost
    # "the parameters of iteration k" are exactly what k iterations of the same run give
    again = Network.create([2, 16, 16, 1], ["linear", "linear", "sigmoid"], init="he", seed=1)
    cfg.iterations = final.iteration
    _, same = run(again, X, Y, cfg)
    assert same.stopped == COMPLETED
    for k, v in again.parameters.items():
        assert np.array_equal(v, net.parameters[k])


def test_the_divergence_message_names_the_failing_and_the_kept_iteration():
    X, Y, net, cfg = _diverging(None)
    _, final = run(net, X, Y, cfg)
    k = final.iteration
    assert final.stopped == (f"cost became NaN at iteration {k + 1} — the learning rate 1000 is "
                             f"probably too high; the parameters of iteration {k} are kept")


def test_parameters_that_overflow_in_the_update_are_not_kept():
    X, Y = _blobs()
    net = Network.create([2, 1], ["sigmoid"], init="zeros")  # dW = (1/m)(A − Y)Xᵀ is huge
    costs, final = run(net, X * 1e200, Y, TrainConfig(learning_rate=1e200, iterations=100))
    k = final.iteration
    assert final.diverged and final.stopped.startswith("the parameters became infinite")
    assert f"at iteration {k + 1} — " in final.stopped and f"of iteration {k} are kept" in final.stopped
    assert all(np.all(np.isfinite(v)) for v in net.parameters.values()) and np.isfinite(final.cost)


def test_mini_batches_are_shuffled_with_the_seed_and_reproducible():
    X, Y = _blobs(50)
    results = []
    for seed in (0, 0, 1):
        net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
        costs, final = run(net, X, Y, TrainConfig(learning_rate=0.3, iterations=20, batch_size=16,
                                                  seed=seed, record_every=5))
        results.append(net.parameters["W1"].copy())
        assert [i for i, _ in costs] == [0, 5, 10, 15] and final.iteration == 20
        assert costs[-1][1] < costs[0][1]
    assert np.array_equal(results[0], results[1]) and not np.array_equal(results[0], results[2])


def test_l2_adds_to_the_cost_and_shrinks_the_weights():
    X, Y = _blobs()
    plain, reg = (Network.create([2, 6, 1], ["relu", "sigmoid"], seed=4) for _ in range(2))
    c0, _ = run(plain, X, Y, TrainConfig(learning_rate=0.3, iterations=300))
    c1, _ = run(reg, X, Y, TrainConfig(learning_rate=0.3, iterations=300, l2=5.0))
    assert c1[0][1] > c0[0][1]  # same start, the L2 term on top
    assert np.linalg.norm(reg.parameters["W1"]) < np.linalg.norm(plain.parameters["W1"])


def test_stop_and_pause_from_another_thread():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    control = TrainControl()
    snaps = []
    cfg = TrainConfig(learning_rate=0.1, iterations=10 ** 9, snapshot_every=1000)

    def worker():
        snaps.extend(train(net, X, Y, cfg, control=control))

    thread = threading.Thread(target=worker)
    thread.start()
    time.sleep(0.2)
    control.pause()
    time.sleep(0.1)
    count = len(snaps)
    at_pause = snaps[-1].iteration
    time.sleep(0.2)
    assert len(snaps) == count  # paused: nothing moves
    control.set_hyperparameters(learning_rate=0.05)
    control.resume()
    time.sleep(0.1)
    control.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert snaps[-1].stopped == STOPPED_BY_USER
    assert snaps[-1].iteration > at_pause
    assert snaps[-1].learning_rate == 0.05


def test_stop_wakes_a_paused_trainer():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    control = TrainControl()
    control.pause()
    out = []
    thread = threading.Thread(target=lambda: out.extend(
        train(net, X, Y, TrainConfig(iterations=10 ** 9), control=control)))
    thread.start()
    time.sleep(0.1)
    control.stop()
    thread.join(5)
    assert not thread.is_alive() and out[-1].stopped == STOPPED_BY_USER


@pytest.mark.parametrize("field, value, words", [
    ("learning_rate", 0.0, "learning rate"), ("learning_rate", float("nan"), "learning rate"),
    ("learning_rate", -1.0, "learning rate"), ("iterations", -1, "iterations"),
    ("batch_size", 0, "batch size"), ("batch_size", 61, "larger than the 60"),
    ("l2", -0.1, "L2"), ("record_every", 0, "record every"), ("target_cost", float("inf"), "target"),
])
def test_bad_hyperparameters_are_refused(field, value, words):
    X, Y = _blobs()
    net = Network.create([2, 2, 1], ["tanh", "sigmoid"])
    with pytest.raises(ConfigError, match=words):
        next(train(net, X, Y, TrainConfig(**{field: value})))


def test_control_refuses_a_nan_learning_rate():
    with pytest.raises(ConfigError):
        TrainControl().set_hyperparameters(learning_rate=float("nan"))


def test_data_of_the_wrong_width_is_refused():
    X, Y = _blobs()
    net = Network.create([3, 2, 1], ["tanh", "sigmoid"])
    with pytest.raises(ConfigError, match="n\\[0\\] = 2"):
        next(train(net, X, Y, TrainConfig()))


def test_a_viewer_can_ask_for_the_next_snapshot():
    X, Y = _blobs()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    control = TrainControl()
    gen = train(net, X, Y, TrainConfig(iterations=50, snapshot_every=1000), control=control)
    assert next(gen).iteration == 0
    control.request_snapshot()
    assert next(gen).iteration == 1  # not 1000
    rest = list(gen)
    assert [s.iteration for s in rest] == [50] and not rest[-1].diverged


def test_a_resumed_run_numbers_its_iterations_from_where_it_left_off():
    X, Y = _blobs()
    whole, halves = (Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1) for _ in range(2))
    c_whole, _ = run(whole, X, Y, TrainConfig(learning_rate=0.5, iterations=40, record_every=10))
    c1, s1 = run(halves, X, Y, TrainConfig(learning_rate=0.5, iterations=25, record_every=10))
    c2, s2 = run(halves, X, Y, TrainConfig(learning_rate=0.5, iterations=15, record_every=10,
                                           start_iteration=25))
    assert s1.iteration == 25 and s2.iteration == 40
    assert c1 + c2 == c_whole  # same points, same numbers
    assert np.array_equal(whole.parameters["W1"], halves.parameters["W1"])


def test_the_trainer_never_leaks_its_floating_point_settings():
    X, Y = _blobs()
    before = np.geterr()
    gen = train(Network.create([2, 4, 1], ["tanh", "sigmoid"]), X, Y, TrainConfig(iterations=300))
    next(gen)
    assert np.geterr() == before  # at a yield the caller's settings are back
    next(gen)
    gen.close()
    assert np.geterr() == before
