import copy

import numpy as np

from core.boundary import evaluate, make_grid
from core.history import CostHistory, ThinnedSeries
from core.network import Network
from core.propagation import forward


def test_grid_covers_the_data_row_major():
    X = np.array([[0.0, 2.0, 1.0], [-1.0, 1.0, 0.0]])
    g = make_grid(X, resolution=5, margin=0.0)
    assert g.extent == (0.0, 2.0, -1.0, 1.0)
    assert g.points.shape == (2, 25)
    # row i is y = ys[i], column j is x = xs[j]
    assert g.points[:, 0].tolist() == [0.0, -1.0] and g.points[:, 4].tolist() == [2.0, -1.0]
    assert g.points[:, 20].tolist() == [0.0, 1.0]


def test_maps_are_the_engines_forward_pass_over_the_grid():
    net = Network.create([2, 3, 2, 1], ["tanh", "relu", "sigmoid"], seed=3)
    X = np.random.RandomState(0).randn(2, 10)
    g = make_grid(X, resolution=20)
    maps = evaluate(g, net.parameters, net.activations)
    AL, caches = forward(g.points, net.parameters, net.activations)
    assert maps.probability.shape == (20, 20)
    assert np.array_equal(maps.probability.ravel(), AL.ravel())
    assert [m.shape for m in maps.hidden] == [(3, 20, 20), (2, 20, 20)]
    assert np.array_equal(maps.hidden[1][1].ravel(), caches[1].A[1])


def test_history_is_bounded_and_keeps_the_ends():
    h = CostHistory(capacity=100)
    for i in range(100_000):
        h.append(i, 1.0 / (i + 1))
    assert len(h) <= 100
    its = h.iterations
    assert its[0] == 0 and its[-1] == 99_999
    assert np.all(np.diff(its) > 0)
    assert h.last() == (99_999, 1.0 / 100_000)
    assert np.array_equal(h.costs, 1.0 / (its + 1))  # each cost stays with its iteration


def _per_decile(iterations, n):
    return np.histogram(iterations, bins=10, range=(0, n))[0]


def test_a_long_run_keeps_every_part_of_itself_evenly():
    n = 200_000
    h = CostHistory(capacity=4000)
    for i in range(n):
        h.append(i, float(i))
    its = h.iterations
    assert len(h) <= 4000 and its[0] == 0 and its[-1] == n - 1
    counts = _per_decile(its, n)
    assert counts.min() >= 0.9 * counts.max() and counts.min() > 200  # the first tenth as the last
    spread = np.diff(its[:-1])  # the evenly spread points, without the latest
    assert np.all(spread == spread[0]) and spread[0] == h.stride
    assert h._i.nbytes + h._c.nbytes == 4000 * 16  # the arrays never grow


def test_the_latest_point_is_always_there_and_replaced_by_the_next():
    h = CostHistory(capacity=10)
    for i in range(1000):
        h.append(i, -i)
        assert h.last() == (i, -i) and len(h) <= 10 and h.iterations[0] == 0
    h.clear()
    assert len(h) == 0 and h.last() is None
    h.extend([(5, 1.0), (6, 0.5)])
    assert list(h.iterations) == [5, 6]


def test_a_thinned_series_is_a_bounded_list_under_the_same_rule():
    s = ThinnedSeries(capacity=50)
    h = CostHistory(capacity=50)
    for i in range(20_000):
        s.append((i, (float(i),)))
        h.append(i, float(i))
        assert len(s) <= 50 and s[0][0] == 0 and s[-1][0] == i
    assert [i for i, _ in s] == list(h.iterations)
    counts = _per_decile([i for i, _ in s], 20_000)
    assert counts.min() >= 3 and counts.max() - counts.min() <= 2
    copied = copy.deepcopy(s)
    assert copied == s and copied.stride == s.stride
    copied.append((20_000, (0.0,)))
    s.append((20_000, (0.0,)))
    assert copied == s


def test_a_thinned_series_can_be_given_a_smaller_bound():
    s = ThinnedSeries(capacity=100, items=range(90))
    assert list(s) == list(range(90))
    s.capacity = 20
    assert len(s) <= 20 and s[0] == 0 and s[-1] == 89
    assert np.all(np.diff(list(s)[:-1]) == s.stride)
