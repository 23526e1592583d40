"""The model file: round trip, plain-h5py readability, and refusal of bad files."""
import h5py
import numpy as np
import pytest

from core.errors import ModelFileError
from core.model_file import load_model, save_model
from core.network import Network


@pytest.fixture
def net():
    return Network.create([5, 4, 3, 1], ["relu", "leaky_relu", "sigmoid"], init="he", seed=7)


def test_round_trip(tmp_path, net):
    path = tmp_path / "model.h5"
    save_model(path, net)
    back = load_model(path)
    assert back.layer_sizes == (5, 4, 3, 1) and back.activations == ("relu", "leaky_relu", "sigmoid")
    for k, v in net.parameters.items():
        assert np.array_equal(back.parameters[k], v) and back.parameters[k].dtype == np.float64


def test_readable_with_plain_h5py_as_a_notebook_would(tmp_path, net):
    path = tmp_path / "model.h5"
    save_model(path, net)
    with h5py.File(path, "r") as f:
        assert list(f.attrs["layer_sizes"]) == [5, 4, 3, 1]
        assert [str(a) for a in f.attrs["activations"]] == ["relu", "leaky_relu", "sigmoid"]
        assert f["parameters/W1"].shape == (4, 5) and f["parameters/b3"].shape == (1, 1)
        assert f["parameters/W2"].dtype == np.float64
        assert np.array_equal(f["parameters/W2"][()], net.parameters["W2"])


def test_a_failed_save_leaves_the_old_file(tmp_path, net, monkeypatch):
    path = tmp_path / "model.h5"
    save_model(path, net)
    before = path.read_bytes()
    import core.model_file as mf

    def explode(f, network):
        f.attrs["layer_sizes"] = [1]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mf, "write_model", explode)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(path, net)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.h5"]  # no temporary left behind


def _write(path, layer_sizes=(2, 3, 1), activations=("tanh", "sigmoid"), shapes=None, dtype="f8",
           drop=None, value=None):
    with h5py.File(path, "w") as f:
        if layer_sizes is not None:
            f.attrs["layer_sizes"] = np.asarray(layer_sizes)
        if activations is not None:
            f.attrs["activations"] = list(activations)
        shapes = shapes or {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
        for name, shape in shapes.items():
            if name != drop:
                f.create_dataset(f"parameters/{name}", data=np.full(shape, 0.5 if value is None else value,
                                                                    dtype=dtype))


@pytest.mark.parametrize("kwargs, words", [
    (dict(layer_sizes=None), "layer_sizes"),
    (dict(activations=None), "activations"),
    (dict(activations=("tanh", "softmax")), "softmax"),
    (dict(layer_sizes=(2, 0, 1)), "0 units"),
    (dict(layer_sizes=(2.5, 3, 1)), "whole numbers"),
    (dict(drop="b2"), "no parameters/b2"),
    (dict(shapes={"W1": (2, 3), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}), "W1 has shape"),
    (dict(dtype="S4"), "holds text, not numbers"),   # not numpy's "|S4"
    (dict(value=np.nan), "NaN"),
])
def test_malformed_model_files_are_refused(tmp_path, kwargs, words):
    path = tmp_path / "bad.h5"
    _write(path, **kwargs)
    with pytest.raises(ModelFileError, match=words):
        load_model(path)


def test_not_hdf5_missing_and_truncated(tmp_path, net):
    junk = tmp_path / "junk.h5"
    junk.write_text("layer_sizes = [2, 1]")
    with pytest.raises(ModelFileError, match="junk.h5 is not an HDF5 file, so not a DeepStep model file$"):
        load_model(junk)
    empty = tmp_path / "empty.h5"
    empty.write_bytes(b"")
    with pytest.raises(ModelFileError, match=r"empty.h5 is empty \(0 bytes\)"):
        load_model(empty)
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "absent.h5")
    good = tmp_path / "good.h5"
    save_model(good, net)
    cut = tmp_path / "cut.h5"
    cut.write_bytes(good.read_bytes()[:1500])
    with pytest.raises(ModelFileError, match="cut.h5 is truncated: shorter than its header says"):
        load_model(cut)   # in words, not h5py's "truncated file: eof = 1500, sblock->base_addr"


def test_a_model_for_other_data_is_refused(tmp_path, net):
    path = tmp_path / "model.h5"
    save_model(path, net)
    with pytest.raises(ModelFileError, match="5 inputs, but the data has n\\[0\\] = 2"):
        load_model(path, n_x=2)


def test_a_model_declaring_more_than_fits_in_memory_is_refused(tmp_path, monkeypatch):
    import core.model_file as mf
    path = tmp_path / "model.h5"
    _write(path)
    monkeypatch.setattr(mf, "MAX_DATA_BYTES", 8 * 12)  # the model has 13 parameters
    with pytest.raises(ModelFileError, match="13 parameters"):
        load_model(path)


def test_a_folder_or_a_device_is_not_called_missing(tmp_path):
    from core.session_file import load_session
    for load in (load_model, load_session):
        with pytest.raises(ModelFileError, match="is a folder, not a file"):
            load(tmp_path)
        with pytest.raises(ModelFileError, match="zero is not a regular file"):
            load("/dev/zero")
        with pytest.raises(ModelFileError, match="absent.h5: no such file"):
            load(tmp_path / "absent.h5")
