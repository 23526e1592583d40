"""open_dataset: one way in to generators and files, with a test file beside either."""
import h5py
import numpy as np
import pytest

from core.data import open_dataset
from core.errors import DataError


def _points_file(path, m_train=30, m_test=10):
    """A course-layout file with both pairs: train points near +5, test points near −5."""
    rng = np.random.RandomState(0)
    with h5py.File(path, "w") as f:
        f["train_set_x"] = 5 + rng.randn(m_train, 2)
        f["train_set_y"] = np.arange(m_train) % 2
        f["test_set_x"] = -5 + rng.randn(m_test, 2)
        f["test_set_y"] = np.arange(m_test) % 2
    return path


def test_a_test_file_with_both_pairs_gives_its_test_pair_beside_a_generator(tmp_path):
    path = _points_file(tmp_path / "both.h5")
    data = open_dataset("moons", test_path=str(path))
    with h5py.File(path, "r") as f:
        expected = f["test_set_x"][()].T
    assert data.X_test.shape == (2, 10) and np.array_equal(data.X_test, expected)
    assert np.array_equal(data.Y_test, (np.arange(10) % 2).reshape(1, 10))
    assert data.X.shape == (2, 200)  # the generator's own data, untouched


def test_a_test_file_with_one_pair_gives_that_pair(tmp_path):
    path = tmp_path / "only.h5"
    with h5py.File(path, "w") as f:
        f["points_set_x"] = np.ones((4, 2))
        f["points_set_y"] = np.array([0, 1, 0, 1])
    data = open_dataset("moons", test_path=str(path))
    assert data.X_test.shape == (2, 4)


@pytest.mark.parametrize("source", ["/nonexistent/file.h5", "missing.csv", "data/points"])
def test_a_missing_file_is_named_as_a_missing_file(source):
    with pytest.raises(DataError, match="file not found"):
        open_dataset(source)


def test_an_unknown_name_lists_the_generators():
    with pytest.raises(DataError, match="unknown data set 'nosuch'.*flower"):
        open_dataset("nosuch")
