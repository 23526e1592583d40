"""Session files: one HDF5 file round-trips the whole session and stays a model file."""
from dataclasses import replace

import h5py
import numpy as np
import pytest

from core import session_file
from core.dataset import DataSet
from core.errors import ModelFileError
from core.model_file import load_model, save_model
from core.network import Network
from core.runs import RunBook, fingerprint
from core.session import DataSettings, Hyperparameters, InitSettings, Session, load_data
from core.session_file import detached, load_session, save_session


def trained_session():
    settings = DataSettings(source="moons", samples=60, noise=0.2, seed=5, test_fraction=0.25)
    data = load_data(settings)
    rng = np.random.RandomState(0)
    network = Network.create([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], "he", 7)
    network.parameters = {k: v + rng.randn(*v.shape) for k, v in network.parameters.items()}  # "trained"
    return Session(data=data, data_settings=settings, network=network, init=InitSettings("he", 7, 0.5),
                   hyper=Hyperparameters(learning_rate=0.0375, iterations=1234, batch_size=16, l2=0.01,
                                         target_cost=0.05))


def some_runs(session):
    book = RunBook()
    for lr in (0.3, 0.03):
        run = book.new(data_name="moons", layer_sizes=session.network.layer_sizes,
                       activations=session.network.activations, init=session.init,
                       hyper=replace(session.hyper, learning_rate=lr), start=fingerprint(session.network.parameters))
        run.costs.extend((i, 0.7 / (1 + i * lr)) for i in range(0, 300, 3))
        run.test_costs.extend((i, 0.8 / (1 + i * lr)) for i in range(0, 300, 30))
        run.grad_norms.extend((i, (0.1 * i, 0.2, 0.3)) for i in (1, 50, 299))
        run.changes.append((120, "lr 0.3 → 0.03"))
        run.iterations, run.train_accuracy, run.test_accuracy, run.stopped = 299, 0.9, 0.85, "completed"
    book.runs[0].visible = False
    book.runs[1].costs.append(300, float("inf"))   # a diverged run keeps where it went wrong
    book.runs[1].stopped = None
    return book.runs


def test_a_session_round_trips_parameters_data_settings_and_runs(tmp_path):
    session, path = trained_session(), tmp_path / "s.h5"
    runs = some_runs(session)
    save_session(path, session, runs, current=2, iteration=299)
    out = load_session(path)
    s = out.session
    for name, value in session.network.parameters.items():
        assert np.array_equal(s.network.parameters[name], value) and s.network.parameters[name].dtype == np.float64
    assert s.network.layer_sizes == (2, 5, 3, 1) and s.network.activations == ("relu", "tanh", "sigmoid")
    for name in ("X", "Y", "X_test", "Y_test"):
        assert np.array_equal(getattr(s.data, name), getattr(session.data, name)), name
    assert (s.data.name, s.data.class_names, s.data.source) == (session.data.name, session.data.class_names,
                                                                 session.data.source)
    assert s.data_settings == session.data_settings
    assert s.init == session.init and s.hyper == session.hyper
    assert (out.current, out.iteration) == (2, 299)
    assert len(out.runs) == 2
    for got, want in zip(out.runs, runs):
        for name in ("number", "data_name", "layer_sizes", "activations", "init", "hyper", "start", "iterations",
                     "train_accuracy", "test_accuracy", "stopped", "visible", "grad_norms", "changes"):
            assert getattr(got, name) == getattr(want, name), name
        for name in ("costs", "test_costs"):
            assert np.array_equal(getattr(got, name).iterations, getattr(want, name).iterations)
            assert np.array_equal(getattr(got, name).costs, getattr(want, name).costs)
    assert out.runs[1].costs.last() == (300, float("inf"))


def test_a_session_file_is_a_model_file_for_plain_h5py_and_load_model(tmp_path):
    session, path = trained_session(), tmp_path / "s.h5"
    save_session(path, session)
    with h5py.File(path, "r") as f:
        W2 = f["parameters/W2"][()]
        assert list(f.attrs["layer_sizes"]) == [2, 5, 3, 1]
        assert W2.dtype == np.float64 and W2.shape == (3, 5)
    assert np.array_equal(W2, session.network.parameters["W2"])
    network = load_model(path, n_x=2)
    assert np.array_equal(network.parameters["b1"], session.network.parameters["b1"])


def test_pixels_are_stored_as_exact_bytes_and_other_data_as_float64(tmp_path):
    rng = np.random.RandomState(1)
    pixels = rng.randint(0, 256, (3 * 4 * 3, 7)).astype(np.uint8)
    data = DataSet(X=pixels / 255., Y=(rng.rand(1, 7) > 0.5).astype(float), name="tiny cats",
                   image_shape=(3, 4, 3), class_names=("non-cat", "cat"), source={"path": "/x/train.h5"})
    network = Network.create([36, 2, 1], ["relu", "sigmoid"], "he", 1)
    session = Session(data=data, data_settings=DataSettings(source="/x/train.h5"), network=network)
    save_session(tmp_path / "cats.h5", session)
    with h5py.File(tmp_path / "cats.h5", "r") as f:
        assert f["data/X"].dtype == np.uint8 and f["data/X"].attrs["scale"] == 255
    back = load_session(tmp_path / "cats.h5").session.data
    assert np.array_equal(back.X, data.X) and back.image_shape == (3, 4, 3)
    assert back.class_names == ("non-cat", "cat")

    custom = replace(data, X=data.X * 0.5 + 1e-3, image_shape=None)      # not k/255: kept as float64
    save_session(tmp_path / "custom.h5", Session(data=custom, network=network,
                                                 data_settings=DataSettings(source="custom")))
    with h5py.File(tmp_path / "custom.h5", "r") as f:
        assert f["data/X"].dtype == np.float64
    assert np.array_equal(load_session(tmp_path / "custom.h5").session.data.X, custom.X)


def test_float32_parameters_come_back_float32(tmp_path):
    session = trained_session()
    session.network.parameters = {k: v.astype(np.float32) for k, v in session.network.parameters.items()}
    save_session(tmp_path / "s.h5", session)
    W1 = load_session(tmp_path / "s.h5").session.network.parameters["W1"]
    assert W1.dtype == np.float32 and np.array_equal(W1, session.network.parameters["W1"])


def test_a_failed_save_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    session, path = trained_session(), tmp_path / "s.h5"
    save_session(path, session)

    def disk_full(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(session_file, "_write_data", disk_full)
    session.network.parameters = {k: v * 0 for k, v in session.network.parameters.items()}
    with pytest.raises(ModelFileError, match="No space left"):
        save_session(path, session)
    assert [p.name for p in tmp_path.iterdir()] == ["s.h5"]
    assert np.abs(load_session(path).session.network.parameters["W1"]).sum() > 0


def test_detached_copies_do_not_change_when_training_goes_on(tmp_path):
    session = trained_session()
    runs = some_runs(session)
    copy, copied_runs = detached(session, runs)
    session.network.parameters["W1"][0, 0] = 99.0
    runs[0].costs.append(1000, 0.1)
    assert copy.network.parameters["W1"][0, 0] != 99.0
    assert len(copied_runs[0].costs.iterations) == len(runs[0].costs) - 1
    save_session(tmp_path / "s.h5", copy, copied_runs)
    assert np.array_equal(load_session(tmp_path / "s.h5").runs[0].costs.costs, runs[0].costs.costs[:-1])


# --- malformed files: each refused with one ModelFileError naming the file --------------------------

def _set_attr(key, value, where="session"):
    def edit(f):
        f[where].attrs[key] = value
    return edit


def _del(key):
    def edit(f):
        del f[key]
    return edit


def _replace(key, value, **kwargs):
    def edit(f):
        del f[key]
        f.create_dataset(key, data=value, **kwargs)
    return edit


def _huge(f):
    del f["data/X"]
    f.create_dataset("data/X", shape=(2, 10 ** 11), dtype=np.float64, chunks=(2, 1024))


def _long_histories(f):
    for name in ("costs", "test_costs"):
        del f["runs/1/" + name]
        f.create_dataset("runs/1/" + name, shape=(999_999, 2), dtype=np.float64, chunks=(4096, 2))


def _del_attr(key, where="session"):
    def edit(f):
        del f[where].attrs[key]
    return edit


MALFORMED = {
    "no session group": (_del("session"), "has no 'session' group"),
    "no data group": (_del("data"), "has no 'data' group"),
    "no runs group": (_del("runs"), "has no 'runs' group"),
    "X of the wrong shape": (_replace("data/X", np.zeros((3, 45))), "data/X has shape"),
    "X one-dimensional": (_replace("data/X", np.zeros(45)), "2 dimensions"),
    "NaN in X": (_replace("data/X", np.full((2, 45), np.nan)), "NaN"),
    "text in X": (_replace("data/X", np.array([[b"a"] * 45] * 2)), "X holds text, not numbers"),
    "labels 2": (_replace("data/Y", np.full((1, 45), 2.0)), "labels other than 0 and 1"),
    "Y count mismatch": (_replace("data/Y", np.zeros((1, 44))), "data/Y has shape"),
    "only X_test": (_del("data/Y_test"), "only one of X_test"),
    "huge declared data": (_huge, "more than DeepStep may load"),
    "two million history points": (_long_histories, "history points"),
    "text learning rate": (_set_attr("learning_rate", "fast"), "'learning_rate' must be a number"),
    "NaN learning rate": (_set_attr("learning_rate", np.nan), "not a finite number"),
    "negative learning rate": (_set_attr("learning_rate", -1.0), "learning_rate"),
    "array iterations": (_set_attr("iterations", np.arange(3)), "'iterations' must be a number"),
    "batch larger than m": (_set_attr("batch_size", 1000), "larger than the 45 training"),
    "test fraction 1": (_set_attr("data_test_fraction", 1.0), "data_test_fraction"),
    "unknown init": (_set_attr("init_scheme", "magic"), "unknown initialisation"),
    "missing seed": (_del_attr("init_seed"), "'init_seed' is missing"),
    "unknown dtype": (_set_attr("dtype", "float16"), "dtype"),
    "open run missing": (_set_attr("current_run", 9), "open run 9"),
    "run costs of 3 columns": (_replace("runs/1/costs", np.zeros((4, 3))), "costs must be"),
    "run costs of negative iterations": (_replace("runs/1/costs", [[-1.0, 0.5]]), "costs must be"),
    "run with a bad activation": (_set_attr("activations", ["relu", "swish", "sigmoid"], "runs/1"), "swish"),
    "run changes not JSON": (_set_attr("changes", "[[1, ", "runs/1"), "not valid JSON"),
    "source not a table": (_set_attr("source", "[1, 2]", "data"), "source must be a table"),
    "W1 of the wrong shape": (_replace("parameters/W1", np.zeros((5, 3))), "W1 has shape"),
    "newer version": (lambda f: f.attrs.__setitem__("session_version", 99), "newer DeepStep"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_session_files_are_refused_cleanly(tmp_path, case):
    session, path = trained_session(), tmp_path / "bad.h5"
    save_session(path, session, some_runs(session)[:1], current=1, iteration=5)
    edit, message = MALFORMED[case]
    with h5py.File(path, "r+") as f:
        edit(f)
    with pytest.raises(ModelFileError, match="bad.h5") as e:
        load_session(path)
    assert message in str(e.value)


def test_files_that_are_not_sessions_are_refused_with_a_reason(tmp_path):
    session = trained_session()
    save_model(tmp_path / "model.h5", session.network)
    with pytest.raises(ModelFileError, match="model file without a session: use File > Import Model"):
        load_session(tmp_path / "model.h5")
    (tmp_path / "text.h5").write_text("not hdf5 at all")
    (tmp_path / "empty.h5").write_bytes(b"")
    save_session(tmp_path / "whole.h5", session)
    whole = (tmp_path / "whole.h5").read_bytes()
    (tmp_path / "truncated.h5").write_bytes(whole[:len(whole) // 3])
    for name, words in (("text.h5", "is not an HDF5 file"), ("empty.h5", "is empty"),
                        ("truncated.h5", "is truncated: shorter than its header says"),
                        ("missing.h5", "no such file")):
        with pytest.raises(ModelFileError, match=f"{name}:? {words}") as e:
            load_session(tmp_path / name)
        assert "sblock" not in str(e.value) and "synchronously" not in str(e.value)   # no HDF5 jargon
    with h5py.File(tmp_path / "course.h5", "w") as f:
        f["train_set_x"] = np.zeros((3, 4))
    with pytest.raises(ModelFileError, match="not a DeepStep session file"):
        load_session(tmp_path / "course.h5")


# --- fuzz: generated malformed session files raise only ModelFileError -------------------------------

FUZZ = {"files": 0, "loaded": 0}
BAD_VALUES = [lambda rng: "text", lambda rng: np.nan, lambda rng: -np.inf, lambda rng: -1, lambda rng: 2 ** 40,
              lambda rng: True, lambda rng: np.arange(int(rng.randint(0, 5))), lambda rng: [b"a", b"b"],
              lambda rng: 0.5, lambda rng: "[[1, \"x\"]]", lambda rng: "{\"k\": [1]}", lambda rng: 0]


def _items(f):
    """Every (object path, attribute name or None) in the file."""
    found = [(f.name, key) for key in f.attrs]
    f.visititems(lambda name, obj: found.extend([(name, None)] + [(name, key) for key in obj.attrs]))
    return found


def _break(f, rng):
    items = _items(f)
    where, key = items[rng.randint(len(items))]
    obj = f[where]
    action = rng.randint(4)
    if key is not None:
        if action == 0:
            del obj.attrs[key]
        else:
            obj.attrs[key] = BAD_VALUES[rng.randint(len(BAD_VALUES))](rng)
    elif action == 0 or where == "/":
        if where != "/":
            del f[where]
    elif isinstance(obj, h5py.Dataset):
        data = obj[()]
        del f[where]
        choice = rng.randint(4)
        if choice == 0:
            f[where] = np.zeros(tuple(rng.randint(0, 4, size=rng.randint(0, 4))))
        elif choice == 1 and data.size:
            data = np.array(data, dtype=np.float64)
            data.flat[rng.randint(data.size)] = [np.nan, np.inf, 7.0, -3.0][rng.randint(4)]
            f[where] = data
        elif choice == 2:
            f.create_dataset(where, data=np.full(data.shape, "x", dtype=object), dtype=h5py.string_dtype())
        else:
            f.create_group(where)
    else:
        obj.attrs["stray"] = BAD_VALUES[rng.randint(len(BAD_VALUES))](rng)


def _fuzz(folder, examples):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    session = trained_session()
    save_session(folder / "good.h5", session, some_runs(session)[1:], current=2, iteration=299)
    good = (folder / "good.h5").read_bytes()
    path = folder / "fuzzed.h5"

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(0, 2 ** 32 - 1), st.integers(1, 3), st.booleans())
    def fuzz_one(seed, breaks, truncate):
        rng = np.random.RandomState(seed)
        path.write_bytes(good)
        with h5py.File(path, "r+") as f:
            for _ in range(breaks):
                try:
                    _break(f, rng)
                except (KeyError, ValueError, TypeError, OSError):
                    break
        if truncate and seed % 8 == 0:
            content = path.read_bytes()
            path.write_bytes(content[:rng.randint(len(content))])
        FUZZ["files"] += 1
        try:
            out = load_session(path)
        except ModelFileError as error:
            assert "\n" not in str(error) and "fuzzed.h5" in str(error)
            return
        FUZZ["loaded"] += 1   # what loads is whole: every array fits and is finite
        s = out.session
        assert s.data.X.shape == (s.network.layer_sizes[0], s.data.m) and np.isfinite(s.data.X).all()
        assert all(np.isfinite(v).all() for v in s.network.parameters.values())

    FUZZ.update(files=0, loaded=0)
    fuzz_one()
    return FUZZ["files"], FUZZ["loaded"]


def test_random_malformed_session_files_raise_only_model_file_error(tmp_path):
    files, loaded = _fuzz(tmp_path, 60)       # quick in every run; the slow run below makes 520
    assert files >= 60 and loaded > 0         # harmless breaks (a stray attribute) still load


@pytest.mark.slow
def test_520_random_malformed_session_files_raise_only_model_file_error(tmp_path):
    files, loaded = _fuzz(tmp_path, 520)
    assert files >= 500 and loaded > 0
