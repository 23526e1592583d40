"""Built-in 2-D data sets: the course's planar "flower" and the week-3 notebook's other shapes.

Every generator returns a DataSet with X of shape (2, m) and Y of shape (1, m) holding 0.0 or 1.0,
one column per example, with no test part (`split` makes one). Each draws from its own
np.random.RandomState(seed) in the order its docstring states, so the same (samples, noise, seed)
always gives the same points, on every machine, whatever else has used NumPy's random numbers.

m == samples always. Where a generator draws the two classes separately, class 0 gets samples // 2
examples and class 1 the rest; with an even count (the course's case) that is N = m / 2 per class.
Examples come in the order drawn (for most generators, class 0 then class 1): training shuffles
mini-batches itself, and an unshuffled set reads naturally when printed beside the notebook.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import replace

import numpy as np

from .dataset import DataSet
from .errors import DataError

MIN_SAMPLES = 2               # one example of each class
MAX_SAMPLES = 1_000_000
MAX_NOISE = 100.0             # far beyond any useful picture, and keeps every point finite
MAX_SEED = 2**32 - 1          # the largest seed RandomState accepts
CLASS_NAMES = ("red", "blue")  # the notebook's colour map draws label 0 red and label 1 blue


# ---------------------------------------------------------------------------------------------
# The generators


def make_flower(samples, noise, seed):
    """The course's planar data set (week 3, load_planar_dataset): two classes of petals.

    With samples=400, noise=0.2, seed=1 this is bit-for-bit the notebook's X and Y.
    `noise` replaces both of the notebook's 0.2s. Draw order, class 0 then class 1:
    t = linspace(3.12 j, 3.12 (j+1), N) + noise randn(N), then r = 4 sin(4t) + noise randn(N);
    the class's points are (r sin t, r cos t).
    """
    samples, noise, seed = _checked("flower", samples, noise, seed)
    rng = np.random.RandomState(seed)
    a = 4                            # the maximum ray of the flower
    X = np.zeros((samples, 2))       # examples in rows while building, as the notebook does
    Y = np.zeros((samples, 1))
    start = 0
    for j, N in enumerate(_class_sizes(samples)):
        ix = range(start, start + N)
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N) + rng.randn(N) * noise   # theta
        r = a * np.sin(4 * t) + rng.randn(N) * noise                          # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
        start += N
    return _dataset("flower", samples, noise, seed, X.T, Y.T)


def make_circles(samples, noise, seed):
    """Two concentric circles (sklearn's make_circles, factor 0.5): class 0 outside, class 1 inside.

    Points are evenly spaced on radius 1 and radius 0.5; draw: one randn(2, m) of noise.
    """
    samples, noise, seed = _checked("circles", samples, noise, seed)
    rng = np.random.RandomState(seed)
    n_out, n_in = _class_sizes(samples)
    outer = _circle(n_out, radius=1.0)
    inner = _circle(n_in, radius=0.5)
    X = np.hstack([outer, inner]) + noise * rng.randn(2, samples)
    return _dataset("circles", samples, noise, seed, X, _labels(n_out, n_in))


def make_moons(samples, noise, seed):
    """Two interleaving half circles (sklearn's make_moons): class 0 the upper, class 1 the lower.

    Points are evenly spaced along each half circle; draw: one randn(2, m) of noise.
    """
    samples, noise, seed = _checked("moons", samples, noise, seed)
    rng = np.random.RandomState(seed)
    n_out, n_in = _class_sizes(samples)
    theta_out = np.linspace(0, np.pi, n_out)
    theta_in = np.linspace(0, np.pi, n_in)
    outer = np.vstack([np.cos(theta_out), np.sin(theta_out)])
    inner = np.vstack([1 - np.cos(theta_in), 1 - np.sin(theta_in) - 0.5])
    X = np.hstack([outer, inner]) + noise * rng.randn(2, samples)
    return _dataset("moons", samples, noise, seed, X, _labels(n_out, n_in))


def make_blobs(samples, noise, seed):
    """Six gaussian blobs (sklearn's make_blobs, centers=6), blob i labelled i mod 2.

    `noise` is each blob's standard deviation. Draw: the 6 centres uniform in [-4, 4]^2 as one
    uniform(size=(6, 2)), then blob by blob noise randn(2, n_i). As in sklearn, each blob gets
    samples // 6 points and the first samples % 6 blobs one more.
    """
    samples, noise, seed = _checked("blobs", samples, noise, seed)
    rng = np.random.RandomState(seed)
    n_blobs = 6
    centres = rng.uniform(-4.0, 4.0, size=(n_blobs, 2))
    sizes = [samples // n_blobs + (i < samples % n_blobs) for i in range(n_blobs)]
    X = np.hstack([centre[:, None] + noise * rng.randn(2, n) for centre, n in zip(centres, sizes)])
    Y = np.hstack([np.full(n, i % 2, dtype=np.float64) for i, n in enumerate(sizes)]).reshape(1, -1)
    return _dataset("blobs", samples, noise, seed, X, Y)


def make_quantiles(samples, noise, seed):
    """Gaussian quantiles (sklearn's make_gaussian_quantiles, cov 0.5, 2 classes).

    Points are drawn from a 2-D normal with covariance 0.5 I around 0; the half farther from the
    mean (squared distance above the median) is class 1. The notebook's version has no noise, so
    `noise` here jitters the points after they are labelled, blurring the ring between classes.
    Draw: sqrt(0.5) randn(2, m), then noise randn(2, m).
    """
    samples, noise, seed = _checked("quantiles", samples, noise, seed)
    rng = np.random.RandomState(seed)
    X = np.sqrt(0.5) * rng.randn(2, samples)
    squared_distance = np.sum(X ** 2, axis=0)
    farthest = np.argsort(squared_distance, kind="stable")[samples // 2:]
    Y = np.zeros((1, samples))
    Y[0, farthest] = 1.0
    X = X + noise * rng.randn(2, samples)
    return _dataset("quantiles", samples, noise, seed, X, Y)


def make_xor(samples, noise, seed):
    """XOR: points in [-1, 1]^2, class 1 where x1 and x2 have the same sign (quadrants I and III).

    Each class is placed in its own two quadrants before the noise, so both classes always have
    their share of the points; the noise then pushes some across the axes. Draw, class 0 then
    class 1: x1 uniform(-1, 1, N), |x2| uniform(0, 1, N), then noise randn(2, N).
    """
    samples, noise, seed = _checked("xor", samples, noise, seed)
    rng = np.random.RandomState(seed)
    parts = []
    for j, N in enumerate(_class_sizes(samples)):
        x1 = rng.uniform(-1.0, 1.0, N)
        same_sign = np.where(x1 >= 0, 1.0, -1.0)
        x2 = rng.uniform(0.0, 1.0, N) * (same_sign if j == 1 else -same_sign)
        parts.append(np.vstack([x1, x2]) + noise * rng.randn(2, N))
    n0, n1 = _class_sizes(samples)
    return _dataset("xor", samples, noise, seed, np.hstack(parts), _labels(n0, n1))


def make_spiral(samples, noise, seed):
    """Two interleaved spirals (as in TensorFlow Playground), 1.75 turns out to radius 4.

    Point i of N in class j: r = 4 i / N, t = 1.75 * 2 pi i / N + pi j, at (r sin t, r cos t).
    Draw, class 0 then class 1: noise randn(2, N).
    """
    samples, noise, seed = _checked("spiral", samples, noise, seed)
    rng = np.random.RandomState(seed)
    parts = []
    for j, N in enumerate(_class_sizes(samples)):
        i = np.arange(N) / N
        r = 4.0 * i
        t = 1.75 * 2 * np.pi * i + np.pi * j     # class 1 is class 0 turned half a circle
        parts.append(np.vstack([r * np.sin(t), r * np.cos(t)]) + noise * rng.randn(2, N))
    n0, n1 = _class_sizes(samples)
    return _dataset("spiral", samples, noise, seed, np.hstack(parts), _labels(n0, n1))


def make_gaussians(samples, noise, seed):
    """Two gaussian clusters, class 0 around (-2, -2) and class 1 around (2, 2).

    `noise` is each cluster's standard deviation: below about 1 they are separable by a line.
    Draw, class 0 then class 1: noise randn(2, N).
    """
    samples, noise, seed = _checked("gaussians", samples, noise, seed)
    rng = np.random.RandomState(seed)
    parts = []
    for j, N in enumerate(_class_sizes(samples)):
        centre = -2.0 if j == 0 else 2.0
        parts.append(centre + noise * rng.randn(2, N))
    n0, n1 = _class_sizes(samples)
    return _dataset("gaussians", samples, noise, seed, np.hstack(parts), _labels(n0, n1))


GENERATORS = {
    "flower": make_flower,
    "circles": make_circles,
    "moons": make_moons,
    "blobs": make_blobs,
    "quantiles": make_quantiles,
    "xor": make_xor,
    "spiral": make_spiral,
    "gaussians": make_gaussians,
}

DEFAULTS = {
    "flower": dict(samples=400, noise=0.2, seed=1),     # the course's exact data
    "circles": dict(samples=200, noise=0.3, seed=1),    # the notebook's noisy_circles
    "moons": dict(samples=200, noise=0.2, seed=1),      # the notebook's noisy_moons
    "blobs": dict(samples=200, noise=0.5, seed=1),
    "quantiles": dict(samples=200, noise=0.0, seed=1),  # the notebook's version has no noise
    "xor": dict(samples=400, noise=0.1, seed=1),
    "spiral": dict(samples=400, noise=0.2, seed=1),
    "gaussians": dict(samples=200, noise=0.5, seed=1),
}


def generate(name, samples=None, noise=None, seed=None) -> DataSet:
    """The built-in data set `name`, with DEFAULTS filling any setting left as None."""
    key = name.strip().lower() if isinstance(name, str) else name
    if not isinstance(key, str) or key not in GENERATORS:
        raise DataError(f"unknown data set {name!r}: choose one of {', '.join(GENERATORS)}")
    settings = DEFAULTS[key]
    return GENERATORS[key](
        settings["samples"] if samples is None else samples,
        settings["noise"] if noise is None else noise,
        settings["seed"] if seed is None else seed,
    )


# ---------------------------------------------------------------------------------------------
# Holding out a test set


def split(dataset: DataSet, test_fraction, seed) -> DataSet:
    """Hold out round(test_fraction * m) examples, chosen by RandomState(seed).permutation(m).

    Both parts keep the examples' original relative order. A fraction of 0 returns the data set
    unchanged (every example for training, in the generator's order).
    """
    if not _is_real(test_fraction) or not (0.0 <= float(test_fraction) < 1.0):
        raise DataError(f"test fraction must be a number from 0 up to (not including) 1, "
                        f"got {test_fraction!r}")
    seed = _checked_seed("split", seed)
    if test_fraction == 0:
        return dataset
    if dataset.X_test is not None:
        raise DataError(f"{dataset.name or 'the data set'} already has a test set: "
                        f"use a test fraction of 0")
    m = dataset.m
    m_test = round(float(test_fraction) * m)
    if m_test == 0:
        raise DataError(f"test fraction {test_fraction} of {m} examples holds out none: "
                        f"use 0, or at least {1 / m:.3g}")
    if m_test >= m:
        raise DataError(f"test fraction {test_fraction} of {m} examples leaves none for training")
    test = np.sort(np.random.RandomState(seed).permutation(m)[:m_test])
    train = np.setdiff1d(np.arange(m), test)     # sorted: the original order
    return replace(
        dataset,
        X=dataset.X[:, train], Y=dataset.Y[:, train],
        X_test=dataset.X[:, test], Y_test=dataset.Y[:, test],
        source={**dataset.source, "test_fraction": float(test_fraction), "split_seed": seed},
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def _class_sizes(samples: int) -> tuple[int, int]:
    """(N0, N1): half each, the odd one out going to class 1."""
    return samples // 2, samples - samples // 2


def _labels(n0: int, n1: int) -> np.ndarray:
    """Y of shape (1, n0 + n1): n0 zeros then n1 ones."""
    return np.hstack([np.zeros(n0), np.ones(n1)]).reshape(1, -1)


def _circle(n: int, radius: float) -> np.ndarray:
    """n points evenly spaced on a circle, shape (2, n)."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return radius * np.vstack([np.cos(angle), np.sin(angle)])


def _dataset(name, samples, noise, seed, X, Y) -> DataSet:
    return DataSet(X=X, Y=Y, name=name, class_names=CLASS_NAMES,
                   source=dict(name=name, samples=samples, noise=noise, seed=seed))


def _checked(name, samples, noise, seed) -> tuple[int, float, int]:
    """The settings as (int, float, int), or a DataError saying which one is wrong."""
    if not _is_whole(samples) or not MIN_SAMPLES <= int(samples) <= MAX_SAMPLES:
        raise DataError(f"{name}: samples must be a whole number from {MIN_SAMPLES} to "
                        f"{MAX_SAMPLES:,}, got {samples!r}")
    if not _is_real(noise) or not math.isfinite(float(noise)) or not 0 <= float(noise) <= MAX_NOISE:
        raise DataError(f"{name}: noise must be a number from 0 to {MAX_NOISE:g}, got {noise!r}")
    return int(samples), float(noise), _checked_seed(name, seed)


def _checked_seed(name, seed) -> int:
    if not _is_whole(seed) or not 0 <= int(seed) <= MAX_SEED:
        raise DataError(f"{name}: seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def _is_real(value) -> bool:
    """A plain number (bools are refused: True as a noise level is a slip, not a setting)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_whole(value) -> bool:
    """An integer, or a float with an integral value (as JSON or a spin box may hand over)."""
    if isinstance(value, numbers.Integral):
        return not isinstance(value, (bool, np.bool_))
    return _is_real(value) and math.isfinite(float(value)) and float(value).is_integer()
