"""The built-in 2-D data sets: the course's flower bit for bit, the others by shape and geometry."""
import math

import numpy as np
import pytest

from core.dataset import DataSet
from core.errors import DataError
from core.generators import (DEFAULTS, GENERATORS, generate, make_blobs, make_circles, make_flower,
                             make_moons, make_quantiles, make_spiral, make_xor, split)

NAMES = ["flower", "circles", "moons", "blobs", "quantiles", "xor", "spiral", "gaussians"]
# Every generator except the flower adds noise * randn to noise-free points.
ADDITIVE = [name for name in NAMES if name != "flower"]


# ---------------------------------------------------------------------------------------------
# The course's flower


def test_flower_defaults_are_the_course_data_bit_for_bit():
    data = generate("flower")
    np.testing.assert_allclose(data.X[:, 0], [1.20444229, 3.57611415], rtol=0, atol=5e-9)
    assert data.X.sum() == 10.087983277441666
    assert data.X.shape == (2, 400) and data.Y.shape == (1, 400)
    assert data.Y.sum() == 200
    assert (data.Y[0, :200] == 0).all() and (data.Y[0, 200:] == 1).all()


def test_flower_follows_the_notebook_algorithm_step_by_step():
    rng = np.random.RandomState(1)
    X, Y = np.zeros((400, 2)), np.zeros((400, 1), dtype="uint8")
    for j in range(2):
        ix = range(200 * j, 200 * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, 200) + rng.randn(200) * 0.2
        r = 4 * np.sin(4 * t) + rng.randn(200) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    data = make_flower(400, 0.2, 1)
    assert np.array_equal(data.X, X.T) and np.array_equal(data.Y, Y.T)


def test_flower_without_noise_lies_on_the_petal_curve():
    data = make_flower(400, 0.0, 1)
    t = np.concatenate([np.linspace(0, 3.12, 200), np.linspace(3.12, 6.24, 200)])
    r = 4 * np.sin(4 * t)
    np.testing.assert_allclose(data.X, np.vstack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)


def test_flower_odd_samples_give_the_extra_example_to_class_1():
    data = make_flower(401, 0.2, 1)
    assert data.X.shape == (2, 401)
    assert data.Y.sum() == 201 and (data.Y[0, :200] == 0).all()


# ---------------------------------------------------------------------------------------------
# Every generator


def test_registry_lists_the_eight_generators_with_defaults():
    assert list(GENERATORS) == NAMES
    assert set(DEFAULTS) == set(NAMES)
    for settings in DEFAULTS.values():
        assert set(settings) == {"samples", "noise", "seed"} and settings["seed"] == 1


@pytest.mark.parametrize("name", NAMES)
def test_generator_shapes_labels_and_metadata(name):
    data = generate(name)
    m = DEFAULTS[name]["samples"]
    assert isinstance(data, DataSet)
    assert data.X.shape == (2, m) and data.Y.shape == (1, m)
    assert data.X.dtype == np.float64 and data.Y.dtype == np.float64
    assert set(np.unique(data.Y)) == {0.0, 1.0}
    assert np.isfinite(data.X).all()
    assert np.abs(data.X).max() < 6            # drawn at a reasonable scale
    assert data.X_test is None and data.Y_test is None
    assert data.name == name and data.image_shape is None
    assert data.class_names == ("red", "blue")
    assert data.source == {"name": name, **DEFAULTS[name]}


@pytest.mark.parametrize("name", NAMES)
def test_generator_is_deterministic_per_seed(name):
    first, again = generate(name, seed=7), generate(name, seed=7)
    other = generate(name, seed=8)
    assert np.array_equal(first.X, again.X) and np.array_equal(first.Y, again.Y)
    assert not np.array_equal(first.X, other.X)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("samples", [2, 3, 37, 1000])
def test_generator_gives_exactly_the_samples_asked_with_both_classes(name, samples):
    data = generate(name, samples=samples)
    assert data.X.shape == (2, samples) and data.Y.shape == (1, samples)
    assert data.source["samples"] == samples
    assert 0 < data.Y.sum() < samples


@pytest.mark.parametrize("name", [n for n in NAMES if n != "blobs"])
def test_two_class_generators_split_examples_half_and_half(name):
    assert generate(name, samples=200).Y.sum() == 100
    assert generate(name, samples=201).Y.sum() == 101


@pytest.mark.parametrize("name", ADDITIVE)
def test_noise_is_gaussian_jitter_of_that_standard_deviation(name):
    clean = generate(name, samples=4000, noise=0.0)
    noisy = generate(name, samples=4000, noise=0.3)
    noisier = generate(name, samples=4000, noise=0.6)
    jitter = noisy.X - clean.X
    assert abs(jitter.std() - 0.3) < 0.02 and abs(jitter.mean()) < 0.02
    np.testing.assert_allclose(noisier.X - clean.X, 2 * jitter, atol=1e-12)   # same draws, scaled
    assert np.array_equal(noisy.Y, clean.Y)                   # noise moves points, never labels
    assert noisy.source["noise"] == 0.3


def test_flower_noise_replaces_the_notebooks_0_2():
    assert not np.array_equal(make_flower(400, 0.3, 1).X, make_flower(400, 0.2, 1).X)
    assert make_flower(400, 0.3, 1).source["noise"] == 0.3


# Noise-free geometry: each generator draws the shape its docstring promises.

def test_circles_without_noise_are_radius_1_outside_and_0_5_inside():
    data = make_circles(200, 0.0, 1)
    radius = np.linalg.norm(data.X, axis=0)
    np.testing.assert_allclose(radius[data.Y[0] == 0], 1.0)
    np.testing.assert_allclose(radius[data.Y[0] == 1], 0.5)


def test_moons_without_noise_are_two_half_circles():
    data = make_moons(200, 0.0, 1)
    upper, lower = data.X[:, data.Y[0] == 0], data.X[:, data.Y[0] == 1]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=0), 1.0)
    assert (upper[1] >= -1e-12).all()
    np.testing.assert_allclose(np.linalg.norm(lower - [[1.0], [0.5]], axis=0), 1.0)
    assert (lower[1] <= 0.5 + 1e-12).all()


def test_blobs_label_six_blobs_alternately():
    data = make_blobs(200, 0.0, 1)       # without noise each blob is a single point: its centre
    centres = np.unique(data.X, axis=1)
    assert centres.shape == (2, 6) and (np.abs(centres) <= 4).all()
    sizes = [34, 34, 33, 33, 33, 33]                     # 200 // 6, the first 200 % 6 one more
    assert data.Y[0].tolist() == sum(([i % 2] * n for i, n in enumerate(sizes)), [])
    starts = np.cumsum([0] + sizes[:-1])
    assert len({tuple(data.X[:, k]) for k in starts}) == 6     # each blob around its own centre


def test_quantiles_class_1_is_the_far_half():
    data = make_quantiles(200, 0.0, 1)
    distance = np.sum(data.X ** 2, axis=0)
    assert distance[data.Y[0] == 1].min() > distance[data.Y[0] == 0].max()
    assert data.Y.sum() == 100
    assert abs(data.X.var() - 0.5) < 0.1                 # covariance 0.5 I


def test_xor_without_noise_labels_same_sign_quadrants_1():
    data = make_xor(400, 0.0, 1)
    assert np.abs(data.X).max() <= 1
    same_sign = np.sign(data.X[0]) == np.sign(data.X[1])
    assert np.array_equal(same_sign.astype(float), data.Y[0])


def test_spiral_without_noise_winds_out_to_radius_4():
    data = make_spiral(400, 0.0, 1)
    radius = np.linalg.norm(data.X, axis=0)
    np.testing.assert_allclose(radius[:200], 4 * np.arange(200) / 200, atol=1e-12)
    np.testing.assert_allclose(data.X[:, 200:], -data.X[:, :200], atol=1e-12)   # half a turn


def test_gaussians_are_two_clusters_around_minus_2_and_2():
    data = generate("gaussians", samples=2000)
    np.testing.assert_allclose(data.X[:, data.Y[0] == 0].mean(axis=1), [-2, -2], atol=0.1)
    np.testing.assert_allclose(data.X[:, data.Y[0] == 1].mean(axis=1), [2, 2], atol=0.1)
    assert (data.X.sum(axis=0) > 0).astype(float).tolist() == data.Y[0].tolist()   # separable


# ---------------------------------------------------------------------------------------------
# generate(): defaults and refusals


def test_generate_fills_defaults_and_keeps_given_settings():
    assert np.array_equal(generate("moons").X, make_moons(200, 0.2, 1).X)
    data = generate(" Circles ", samples=50, noise=0.1, seed=3)
    assert data.source == {"name": "circles", "samples": 50, "noise": 0.1, "seed": 3}
    assert np.array_equal(data.X, make_circles(50, 0.1, 3).X)
    assert generate("flower", samples=400.0, seed=np.int64(1)).X.sum() == 10.087983277441666


def test_generate_refuses_an_unknown_name_listing_the_known_ones():
    with pytest.raises(DataError, match="unknown data set 'petals'") as error:
        generate("petals")
    assert all(name in str(error.value) for name in NAMES)
    with pytest.raises(DataError, match="unknown"):
        generate(None)


@pytest.mark.parametrize("settings, word", [
    (dict(samples=1), "samples"), (dict(samples=0), "samples"), (dict(samples=-5), "samples"),
    (dict(samples=1_000_001), "samples"), (dict(samples=2.5), "samples"),
    (dict(samples="100"), "samples"), (dict(samples=True), "samples"),
    (dict(noise=-0.1), "noise"), (dict(noise=math.nan), "noise"), (dict(noise=math.inf), "noise"),
    (dict(noise="0.2"), "noise"), (dict(noise=1e300), "noise"),
    (dict(seed=-1), "seed"), (dict(seed=1.5), "seed"), (dict(seed=2**32), "seed"),
    (dict(seed="1"), "seed"), (dict(seed=math.nan), "seed"),
])
@pytest.mark.parametrize("name", ["flower", "spiral"])
def test_generate_refuses_bad_settings(name, settings, word):
    with pytest.raises(DataError, match=word) as error:
        generate(name, **settings)
    assert str(error.value).startswith(name) and "\n" not in str(error.value)


def test_generate_accepts_the_extreme_sample_counts():
    assert generate("xor", samples=2).m == 2
    assert generate("circles", samples=1_000_000, noise=0.0).m == 1_000_000


# ---------------------------------------------------------------------------------------------
# split()


def test_split_holds_out_the_permutations_first_examples_in_order():
    data = generate("flower")
    parts = split(data, 0.2, seed=3)
    held_out = np.sort(np.random.RandomState(3).permutation(400)[:80])
    kept = np.setdiff1d(np.arange(400), held_out)
    assert parts.m == 320 and parts.m_test == 80
    assert np.array_equal(parts.X_test, data.X[:, held_out])
    assert np.array_equal(parts.Y_test, data.Y[:, held_out])
    assert np.array_equal(parts.X, data.X[:, kept]) and np.array_equal(parts.Y, data.Y[:, kept])
    assert parts.source == {**data.source, "test_fraction": 0.2, "split_seed": 3}
    assert parts.name == "flower" and parts.class_names == data.class_names


def test_split_sizes_round_the_fraction():
    data = generate("moons", samples=30)
    assert split(data, 0.25, seed=1).m_test == 8          # round(7.5): Python rounds half to even
    assert split(data, 0.1, seed=1).m_test == 3
    assert split(data, 0.5, seed=1).m == 15
    assert split(data, 0.9, seed=1).m == 3


def test_split_with_fraction_0_returns_the_data_unchanged():
    data = generate("spiral")
    assert split(data, 0, seed=5) is data
    assert split(data, 0.0, seed=5).X_test is None


def test_split_is_deterministic_per_seed():
    data = generate("circles")
    assert np.array_equal(split(data, 0.3, 2).X_test, split(data, 0.3, 2).X_test)
    assert not np.array_equal(split(data, 0.3, 2).X_test, split(data, 0.3, 4).X_test)


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5, math.nan, math.inf, "0.2", None, True])
def test_split_refuses_a_fraction_outside_0_to_1(fraction):
    with pytest.raises(DataError, match="test fraction"):
        split(generate("xor"), fraction, seed=1)


def test_split_refuses_to_leave_no_training_examples():
    with pytest.raises(DataError, match="none for training"):
        split(generate("xor", samples=2), 0.9, seed=1)
    with pytest.raises(DataError, match="none for training"):
        split(generate("flower"), 0.999, seed=1)


def test_split_refuses_a_fraction_too_small_to_hold_out_anything():
    with pytest.raises(DataError, match="holds out none"):
        split(generate("flower"), 0.001, seed=1)


def test_split_refuses_a_bad_seed_and_data_already_split():
    with pytest.raises(DataError, match="seed"):
        split(generate("flower"), 0.2, seed=-1)
    with pytest.raises(DataError, match="already has a test set"):
        split(split(generate("flower"), 0.2, seed=1), 0.2, seed=1)
