"""Runs: the timeline of parameter moments stays bounded and spread over the whole run."""
import numpy as np

from core.history import ThinnedSeries
from core.runs import TIMELINE_LENGTH, Run, keep_in_timeline
from core.session import Hyperparameters, InitSettings


def _run():
    return Run(1, "x", (2, 1), ("sigmoid",), InitSettings(), Hyperparameters(), "0")


def test_a_long_run_keeps_moments_from_every_part_of_itself():
    run, small = _run(), {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
    n = 50_000
    for i in range(n):
        keep_in_timeline(run, i, small)
    its = [i for i, _ in run.timeline]
    assert len(its) <= TIMELINE_LENGTH and its[0] == 0 and its[-1] == n - 1
    counts = np.histogram(its, bins=10, range=(0, n))[0]
    assert counts.min() >= 0.8 * counts.max() and counts.min() >= 10


def test_the_byte_bound_holds_and_the_moments_stay_even():
    run = _run()
    big = {"W1": np.zeros((20, 12288)), "b1": np.zeros((20, 1))}  # the cat network's first layer
    for i in range(0, 10_000, 10):
        keep_in_timeline(run, i, big)
    its = [i for i, _ in run.timeline]
    assert len(its) <= 34 and its[0] == 0 and its[-1] == 9_990
    assert len(set(np.diff(its[:-1]))) == 1  # evenly spaced, but for the latest
    assert its[len(its) // 2] < 6_000  # the first half of the run is not thinned away


def test_an_older_moment_is_not_added_and_a_plain_list_is_taken_over():
    run, p = _run(), {"W1": np.zeros((1, 2))}
    run.timeline = [(0, p), (5, p)]
    keep_in_timeline(run, 5, p)
    keep_in_timeline(run, 3, p)
    assert [i for i, _ in run.timeline] == [0, 5]
    keep_in_timeline(run, 9, p)
    assert isinstance(run.timeline, ThinnedSeries) and [i for i, _ in run.timeline] == [0, 5, 9]
