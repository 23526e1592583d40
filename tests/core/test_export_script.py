"""The run exported as a standalone NumPy script: it imports no DeepStep, and run on its own it
prints the very costs the engine records."""
import ast
import re
import subprocess
import sys
from dataclasses import replace

import h5py
import numpy as np
import pytest

from core import architecture
from core.export_script import export_script, spec_for
from core.generators import GENERATORS
from core.network import Network
from core.runs import RunBook, fingerprint, keep_in_timeline
from core.session import DataSettings, Hyperparameters, InitSettings, Session, load_data, with_point
from core.training import TrainConfig, run
from tests.paths import CAT_MISSING, CAT_TEST, CAT_TRAIN


def _script(session, tmp_path, run_=None, print_every=100, name="run.py"):
    spec, notes = spec_for(session, run_, print_every=print_every)
    path = tmp_path / name
    path.write_text(export_script(session.data, session.data_settings, spec, name))
    return path, notes


def _printed_costs(path) -> dict:
    # Run from an empty folder with DeepStep off the path: the script must stand alone.
    result = subprocess.run([sys.executable, "-I", str(path)], capture_output=True, text=True,
                            cwd=path.parent, timeout=60)
    assert result.returncode == 0, result.stderr
    return {int(i): float(c) for i, c in re.findall(r"^Cost after iteration (\d+): (\S+)$",
                                                    result.stdout, re.M)}


def _loaded(path):
    """The script's own load_data() and initialize_parameters(), without training."""
    namespace = {"__name__": "exported"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["load_data"](), namespace["initialize_parameters"](namespace["LAYER_DIMS"])


def _engine_costs(session, iterations, record_every, **config) -> dict:
    net, h = session.network.copy(), session.hyper
    costs, _ = run(net, session.data.X, session.data.Y,
                   TrainConfig(learning_rate=h.learning_rate, iterations=iterations, batch_size=h.batch_size,
                               l2=h.l2, record_every=record_every, seed=session.init.seed, **config))
    return dict(costs)


def _assert_same_costs(printed, engine):
    assert printed.keys() == engine.keys() and len(printed) >= 10
    for i, cost in engine.items():
        assert printed[i] == pytest.approx(cost, rel=1e-12, abs=0), i


def test_flower_planar_model_prints_the_engines_costs(tmp_path):
    s = Session(hyper=Hyperparameters(learning_rate=1.2, iterations=1000))
    path, notes = _script(s, tmp_path)
    assert notes == []
    printed = _printed_costs(path)
    _assert_same_costs(printed, _engine_costs(s, 1000, 100))
    assert round(printed[0], 6) == 0.693048    # the course's check value


def test_deep_relu_network_with_mini_batches_and_l2(tmp_path):
    settings = DataSettings(source="moons", samples=300, noise=0.25, seed=4, test_fraction=0.2)
    s = Session(data_settings=settings, init=InitSettings("he", 3),
                hyper=Hyperparameters(learning_rate=0.05, iterations=200, batch_size=32, l2=0.7))
    s.network = Network.create([2, 16, 8, 4, 1], ["relu", "relu", "leaky_relu", "sigmoid"], "he", 3)
    path, _ = _script(s, tmp_path, print_every=20)
    text = path.read_text()
    assert "MINI_BATCH_SIZE = 32" in text and "LAMBD = 0.7" in text and "def split(" in text
    _assert_same_costs(_printed_costs(path), _engine_costs(s, 200, 20))


def test_the_script_imports_numpy_only(tmp_path):
    path, _ = _script(Session(), tmp_path)
    tree = ast.parse(path.read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported == {"numpy"}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_generator_is_inlined_and_gives_the_apps_points(tmp_path, name):
    settings = DataSettings(source=name, samples=61, noise=0.3, seed=7, test_fraction=0.25)
    s = Session(data_settings=settings)
    path, _ = _script(s, tmp_path)
    assert f"def {GENERATORS[name].__name__}(" in path.read_text()
    (X, Y, X_test, Y_test), _ = _loaded(path)
    for got, want in ((X, s.data.X), (Y, s.data.Y), (X_test, s.data.X_test), (Y_test, s.data.Y_test)):
        np.testing.assert_array_equal(got, want)


def test_custom_points_are_embedded_exactly(tmp_path):
    s = Session()
    s.data = with_point(s.data, 0.123456789012345, -3.3, 1)
    s.data_settings = replace(s.data_settings, source="custom")
    path, _ = _script(s, tmp_path)
    assert "make_flower" not in path.read_text()
    (X, Y, X_test, _), _ = _loaded(path)
    np.testing.assert_array_equal(X, s.data.X)
    np.testing.assert_array_equal(Y, s.data.Y)
    assert X_test is None


def _course_file(path, prefix, m, seed):
    rng = np.random.RandomState(seed)
    with h5py.File(path, "w") as f:
        f[f"{prefix}_set_x"] = rng.randint(0, 256, size=(m, 6, 6, 3)).astype(np.uint8)
        f[f"{prefix}_set_y"] = (np.arange(m) % 3 == 0).astype(np.int64)


def test_course_hdf5_files_are_read_with_h5py(tmp_path):
    train, test = tmp_path / "train_small.h5", tmp_path / "test_small.h5"
    _course_file(train, "train", 40, 1)
    _course_file(test, "test", 12, 2)
    settings = DataSettings(source=str(train), test_path=str(test))
    s = Session(data=load_data(settings), data_settings=settings, init=InitSettings("xavier", 1),
                hyper=Hyperparameters(learning_rate=0.01, iterations=100))
    s.network = Network.create([108, 5, 1], ["relu", "sigmoid"], "xavier", 1)
    path, _ = _script(s, tmp_path, print_every=10)
    text = path.read_text()
    assert "import h5py" in text and repr(str(train)) in text and "base64" not in text
    (X, Y, X_test, Y_test), _ = _loaded(path)
    np.testing.assert_array_equal(X_test, s.data.X_test)
    _assert_same_costs(_printed_costs(path), _engine_costs(s, 100, 10))


def test_a_run_that_began_from_edited_weights_carries_them(tmp_path):
    s = Session()
    s.network.parameters = {k: v + 0.25 for k, v in s.network.parameters.items()}   # trained, say
    s.network = architecture.insert_layer(s.network, 2, 3, "relu", "small", 2, None)  # W1 kept
    book = RunBook()
    r = book.new(data_name="flower", layer_sizes=s.network.layer_sizes, activations=s.network.activations,
                 init=s.init, hyper=s.hyper, start=fingerprint(s.network.parameters))
    keep_in_timeline(r, 0, {k: v.copy() for k, v in s.network.parameters.items()})
    r.changes.append((50, "lr 1.2 → 0.5"))
    path, notes = _script(s, tmp_path, run_=r)
    assert any("began from weights" in n for n in notes) and any("lr 1.2 → 0.5" in n for n in notes)
    _, parameters = _loaded(path)
    for k, v in s.network.parameters.items():
        np.testing.assert_array_equal(parameters[k], v)


def test_a_seeded_run_is_drawn_not_embedded(tmp_path):
    s = Session(init=InitSettings("he", 5, 0.5))
    s.network = Network.create([2, 6, 1], ["tanh", "sigmoid"], "he", 5, 0.5)
    path, notes = _script(s, tmp_path)
    assert notes == [] and "RandomState(5)" in path.read_text() and "W = W * 0.5" in path.read_text()
    _, parameters = _loaded(path)
    for k, v in s.network.parameters.items():
        np.testing.assert_array_equal(parameters[k], v)


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_week4_cat_network_reads_the_course_files(tmp_path):
    settings = DataSettings(source=str(CAT_TRAIN), test_path=str(CAT_TEST))
    s = Session(data=load_data(settings), data_settings=settings, init=InitSettings("xavier", 1),
                hyper=Hyperparameters(learning_rate=0.0075, iterations=10))
    s.network = Network.create([12288, 20, 7, 5, 1], ["relu", "relu", "relu", "sigmoid"], "xavier", 1)
    path, _ = _script(s, tmp_path, print_every=1)
    assert "base64" not in path.read_text()          # read from the files, not embedded
    printed = _printed_costs(path)
    _assert_same_costs(printed, _engine_costs(s, 10, 1))
    assert round(printed[0], 6) == 0.771749          # the course's check value


def test_a_float32_network_trains_in_float32_in_the_script_too(tmp_path):
    s = Session(hyper=Hyperparameters(learning_rate=1.2, iterations=300))
    s.network = Network.create([2, 5, 1], ["tanh", "sigmoid"], "small", 2, dtype=np.float32)
    path, notes = _script(s, tmp_path, print_every=30)
    assert notes == [] and "DTYPE = np.float32" in path.read_text()
    _assert_same_costs(_printed_costs(path), _engine_costs(s, 300, 30))
