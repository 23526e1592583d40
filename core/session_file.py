"""The session file: a model file with the rest of the session beside it, in one HDF5 file.

    parameters/W1, parameters/b1, ...  the model, exactly as core.model_file writes it, so
    attrs layer_sizes, activations     load_model (or plain h5py in a notebook) reads the network
    attrs session_format, session_version
    session/   attrs: the data set settings, the initialisation, the hyperparameters, the
               parameters' dtype, the iterations done and the run still open
    data/      X, Y (and X_test, Y_test), attrs name, class_names, image_shape, source (JSON)
    runs/<n>/  attrs: the run's settings (its hyperparameters as it started) and results; costs and test_costs (k, 2) as
               [iteration, cost] rows; grad_norms (k, 1 + L); changes (JSON)

The data itself is always stored, not only how it was made: a session opens the same when the
course file has moved or a generator has changed, and custom points need it anyway. The settings
(generator name, samples, noise, seed, or the file's path) are kept beside it for the data panel.
Pixels as the course loads them (k / 255) are stored as the uint8 k with attribute scale = 255:
exactly the same numbers after loading, and the cat images take 2.5 MB instead of 20 MB.
A run's timeline (its parameter snapshots) is not saved: the file holds the present.

Loading reads numbers, strings and JSON text only (no pickle, nothing evaluated), checks every
size before reading an array, and refuses anything malformed with one ModelFileError.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, replace

import h5py
import numpy as np

from .atomic import atomic_path
from .data_files import MAX_DATA_BYTES
from .dataset import DataSet
from .errors import DeepStepError, ModelFileError
from .history import CostHistory
from .model_file import kind_of, not_a_file, open_failure, read_model, write_model
from .network import INIT_SCHEMES, Network, validate_architecture
from .runs import Run
from .session import DataSettings, Hyperparameters, InitSettings, Session
from .training import TrainConfig

FORMAT = "deepstep-session"
VERSION = 1
MAX_RUNS = 1000            # a RunBook keeps 50; more in a file is not one DeepStep wrote
MAX_POINTS = 1_000_000     # rows of one run's history; DeepStep keeps at most 4,000
MAX_TOTAL_POINTS = 2_000_000   # rows of all runs' histories (50 full runs hold ~500,000): ~2 s to read
MAX_TEXT = 100_000         # characters of one string attribute
DTYPES = ("float64", "float32")


@dataclass
class SessionFile:
    """What a session file holds: the session, its runs, and where training stood."""
    session: Session
    runs: list = field(default_factory=list)
    current: int | None = None     # the number of the run still open (training can go on), or None
    iteration: int = 0             # iterations done in that run


# ---------------------------------------------------------------------------------------------
# Saving


def save_session(path, session: Session, runs=(), current: int | None = None, iteration: int = 0) -> None:
    """Write the session (and its runs) to `path` atomically: the old file survives a failed save."""
    try:
        with atomic_path(path) as tmp:
            with h5py.File(tmp, "w") as f:
                write_model(f, session.network)
                f.attrs["session_format"] = FORMAT
                f.attrs["session_version"] = VERSION
                _write_settings(f.create_group("session"), session, current, iteration)
                _write_data(f.create_group("data"), session.data)
                group = f.create_group("runs")
                for run in runs:
                    _write_run(group.create_group(str(run.number)), run)
    except OSError as e:
        raise ModelFileError(f"cannot write {os.path.basename(os.fspath(path))}: {e.strerror or e}") from None


def detached(session: Session, runs) -> tuple[Session, list]:
    """Copies that another thread may save while this one trains on: the arrays and histories
    the originals go on changing are copied, the rest is immutable and shared."""
    net = session.network
    network = Network(net.layer_sizes, net.activations, {k: v.copy() for k, v in net.parameters.items()})
    copy = Session(data=session.data, data_settings=session.data_settings, network=network,
                   init=session.init, hyper=session.hyper)
    return copy, [_detached_run(run) for run in runs]


def _detached_run(run: Run) -> Run:
    return replace(run, costs=_Frozen(run.costs), test_costs=_Frozen(run.test_costs),
                   grad_norms=list(run.grad_norms), changes=list(run.changes), timeline=[])


class _Frozen:
    """A cost history's points as they are now: all that saving reads (a copy costs microseconds,
    where rebuilding a CostHistory of 4,000 points in Python would take milliseconds per run)."""

    def __init__(self, history: CostHistory):
        self.iterations, self.costs = history.iterations, history.costs


def _write_settings(g, session: Session, current, iteration) -> None:
    d, i, h = session.data_settings, session.init, session.hyper
    _set(g, data_source=d.source, data_samples=d.samples, data_noise=d.noise, data_seed=d.seed,
         data_test_fraction=d.test_fraction, data_test_path=d.test_path)
    _set(g, init_scheme=i.scheme, init_seed=i.seed, init_scale=i.scale)
    _write_hyper(g, h)
    _set(g, dtype=session.network.parameters["W1"].dtype.name, iteration=int(iteration), current_run=current)


def _write_hyper(g, h: Hyperparameters) -> None:
    _set(g, learning_rate=float(h.learning_rate), iterations=int(h.iterations), batch_size=h.batch_size,
         l2=float(h.l2), target_cost=h.target_cost)


def _write_data(g, data: DataSet) -> None:
    _write_x(g, "X", data.X)
    g.create_dataset("Y", data=data.Y.astype(np.uint8))
    if data.X_test is not None:
        _write_x(g, "X_test", data.X_test)
        g.create_dataset("Y_test", data=data.Y_test.astype(np.uint8))
    g.attrs["name"] = data.name
    g.attrs["class_names"] = [str(c) for c in data.class_names]
    if data.image_shape is not None:
        g.attrs["image_shape"] = np.asarray(data.image_shape, dtype=np.int64)
    g.attrs["source"] = json.dumps(data.source, default=str)


def _write_x(g, name: str, X: np.ndarray) -> None:
    """Pixels k/255 as uint8 k (exact, 8× smaller); anything else as float64."""
    if X.size and X.min() >= 0 and X.max() <= 1:
        k = np.rint(X * 255)
        if np.array_equal(k / 255., X):
            g.create_dataset(name, data=k.astype(np.uint8)).attrs["scale"] = 255.0
            return
    g.create_dataset(name, data=np.asarray(X, dtype=np.float64))


def _write_run(g, run: Run) -> None:
    _set(g, number=run.number, data_name=run.data_name, start=run.start, iterations_done=int(run.iterations),
         train_accuracy=_float_or_none(run.train_accuracy), test_accuracy=_float_or_none(run.test_accuracy),
         stopped=run.stopped, visible=bool(run.visible), init_scheme=run.init.scheme, init_seed=run.init.seed,
         init_scale=run.init.scale)
    g.attrs["layer_sizes"] = np.asarray(run.layer_sizes, dtype=np.int64)
    g.attrs["activations"] = list(run.activations)
    _write_hyper(g, run.hyper)
    for name, history in (("costs", run.costs), ("test_costs", run.test_costs)):
        g.create_dataset(name, data=np.column_stack([history.iterations.astype(np.float64), history.costs])
                         .reshape(-1, 2))
    L = len(run.layer_sizes) - 1
    rows = [[i, *norms] for i, norms in run.grad_norms if len(norms) == L]
    g.create_dataset("grad_norms", data=np.asarray(rows, dtype=np.float64).reshape(-1, 1 + L))
    g.attrs["changes"] = json.dumps([[int(i), str(text)] for i, text in run.changes])


def _set(g, **values) -> None:
    """Attributes; None is left out (an absent attribute reads back as None)."""
    for key, value in values.items():
        if value is not None:
            g.attrs[key] = value


def _float_or_none(x):
    return None if x is None else float(x)


# ---------------------------------------------------------------------------------------------
# Loading


def load_session(path) -> SessionFile:
    """Read a session file; ModelFileError (one line naming the file) if it cannot be used."""
    name = os.path.basename(os.fspath(path))
    if not os.path.isfile(path):
        raise ModelFileError(not_a_file(path))
    try:
        with h5py.File(path, "r") as f:
            return _read(f, name)
    except ModelFileError:
        raise
    except DeepStepError as e:        # a ConfigError or DataError from the checks the engine makes
        raise ModelFileError(f"{name}: {e}") from None
    except OSError as e:
        raise ModelFileError(open_failure(path, e, "session")) from None
    except (KeyError, ValueError, TypeError, RuntimeError, UnicodeError) as e:
        raise ModelFileError(f"{name} is not a readable DeepStep session file ({_short(e)})") from None


def _read(f: h5py.File, name: str) -> SessionFile:
    fmt = f.attrs.get("session_format")
    if not (isinstance(fmt, str) and fmt == FORMAT):
        if "layer_sizes" in f.attrs:
            raise ModelFileError(f"{name} is a model file without a session: use File > Import Model")
        raise ModelFileError(f"{name} is not a DeepStep session file")
    r = _Reader(name)
    version = r.int(f.attrs, "session_version", 1)
    if version > VERSION:
        raise ModelFileError(f"{name} was written by a newer DeepStep (session version {version})")
    network = read_model(f, name)
    s = r.group(f, "session")
    dtype = r.text(s.attrs, "dtype")
    if dtype not in DTYPES:
        raise ModelFileError(f"{name}: session dtype {dtype!r} is not one of {', '.join(DTYPES)}")
    network.parameters = {k: v.astype(dtype) for k, v in network.parameters.items()}
    data = r.data(r.group(f, "data"), network.layer_sizes[0])
    settings = DataSettings(
        source=r.text(s.attrs, "data_source"), samples=r.int(s.attrs, "data_samples", 1, optional=True),
        noise=r.float(s.attrs, "data_noise", 0, optional=True), seed=r.int(s.attrs, "data_seed", 0, optional=True),
        test_fraction=r.float(s.attrs, "data_test_fraction", 0, below=1),
        test_path=r.text(s.attrs, "data_test_path", optional=True))
    init, hyper = r.init(s.attrs), r.hyper(s.attrs, data.m)
    runs = r.runs(r.group(f, "runs"), data.m)
    current = r.int(s.attrs, "current_run", 1, optional=True)
    if current is not None and current not in {run.number for run in runs}:
        raise ModelFileError(f"{name}: the open run {current} is not among the file's runs")
    session = Session(data=data, data_settings=settings, network=network, init=init, hyper=hyper)
    return SessionFile(session, runs, current, r.int(s.attrs, "iteration", 0))


class _Reader:
    """Checked reads: each names the file and the item in the error it raises."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, what: str):
        raise ModelFileError(f"{self.name}: {what}")

    # --- groups, attributes ---------------------------------------------------------------------
    def group(self, f, key: str) -> h5py.Group:
        g = f.get(key)
        if not isinstance(g, h5py.Group):
            self.fail(f"has no '{key}' group")
        return g

    def attr(self, attrs, key: str, optional: bool):
        """The raw value, after checking its declared size (an attribute can be huge too)."""
        if key not in attrs:
            if optional:
                return None
            self.fail(f"'{key}' is missing")
        shape = attrs.get_id(key).shape
        if shape is not None and math.prod(shape) > MAX_TEXT:
            self.fail(f"'{key}' holds {math.prod(shape):,} values")
        return attrs[key]

    def number(self, attrs, key, kinds, optional):
        value = self.attr(attrs, key, optional)
        if value is None:
            return None
        if not isinstance(value, np.generic) or value.dtype.kind not in kinds:
            self.fail(f"'{key}' must be a number, not {_describe(value)}")
        if value.dtype.kind == "f" and not math.isfinite(value):
            self.fail(f"'{key}' is {value}, not a finite number")
        return value

    def int(self, attrs, key, low, optional=False):
        value = self.number(attrs, key, "iu", optional)
        if value is None:
            return None
        if int(value) < low:
            self.fail(f"'{key}' is {int(value)}, at least {low} is needed")
        return int(value)

    def float(self, attrs, key, low, optional=False, below=None):
        value = self.number(attrs, key, "iuf", optional)
        if value is None:
            return None
        value = float(value)
        if value < low or (below is not None and value >= below):
            self.fail(f"'{key}' is {value:g}, outside {low}..{below if below is not None else '∞'}")
        return value

    def flag(self, attrs, key) -> bool:
        value = self.attr(attrs, key, optional=False)
        if not isinstance(value, (np.bool_, bool, np.integer)) or int(value) not in (0, 1):
            self.fail(f"'{key}' must be true or false")
        return bool(value)

    def text(self, attrs, key, optional=False):
        value = self.attr(attrs, key, optional)
        if value is None:
            return None
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            self.fail(f"'{key}' must be text, not {_describe(value)}")
        if len(value) > MAX_TEXT:
            self.fail(f"'{key}' is {len(value):,} characters long")
        return value

    def texts(self, attrs, key) -> list[str]:
        value = self.attr(attrs, key, optional=False)
        items = np.atleast_1d(value)
        if items.ndim != 1 or items.dtype.kind not in "OSU":
            self.fail(f"'{key}' must be a list of text, not {_describe(value)}")
        out = [v.decode("utf-8") if isinstance(v, bytes) else v for v in items.tolist()]
        if not all(isinstance(v, str) for v in out):
            self.fail(f"'{key}' must be a list of text")
        return out

    def ints(self, attrs, key) -> list[int]:
        value = np.asarray(self.attr(attrs, key, optional=False))
        if value.ndim != 1 or value.dtype.kind not in "iu":
            self.fail(f"'{key}' must be a list of whole numbers, not {_describe(value)}")
        return [int(v) for v in value]

    def json(self, attrs, key):
        try:
            return json.loads(self.text(attrs, key))
        except json.JSONDecodeError:
            self.fail(f"'{key}' is not valid JSON")

    # --- arrays --------------------------------------------------------------------------------
    def array(self, g, key, ndim, kinds="fiub", optional=False, finite=True, max_rows=None) -> np.ndarray | None:
        """A dataset as float64, its size checked before a byte of it is read."""
        dset = g.get(key)
        if dset is None and optional:
            return None
        if not isinstance(dset, h5py.Dataset):
            self.fail(f"has no {g.name.strip('/')}/{key}")
        if dset.ndim != ndim:
            self.fail(f"{key} has shape {dset.shape}, {ndim} dimensions are needed")
        if dset.dtype.kind not in kinds:
            self.fail(f"{key} holds {kind_of(dset.dtype)}, not numbers")
        if dset.size * 8 > MAX_DATA_BYTES or (max_rows is not None and dset.shape[0] > max_rows):
            self.fail(f"{key} declares {dset.shape}: more than DeepStep may load")
        raw = dset[()]
        value = np.asarray(raw, dtype=np.float64)
        scale = self.float(dset.attrs, "scale", 0, optional=True)
        if scale is not None:
            if scale == 0:
                self.fail(f"{key} has a scale of 0")
            value = raw / scale   # uint8 pixels k → k / 255., the course loader's very numbers
        if finite and not np.all(np.isfinite(value)):
            self.fail(f"{key} contains NaN or infinite values")
        return value

    def data(self, g, n_x: int) -> DataSet:
        X, Y = self.array(g, "X", 2), self.labels(g, "Y")
        if X.shape[0] != n_x or X.shape[1] < 1:
            self.fail(f"data/X has shape {X.shape}, the network needs ({n_x}, m) with m ≥ 1")
        if Y.shape != (1, X.shape[1]):
            self.fail(f"data/Y has shape {Y.shape}, the data needs (1, {X.shape[1]})")
        X_test = self.array(g, "X_test", 2, optional=True)
        Y_test = self.labels(g, "Y_test", optional=True)
        if (X_test is None) != (Y_test is None):
            self.fail("data has only one of X_test and Y_test")
        if X_test is not None:
            if X_test.shape[0] != n_x or X_test.shape[1] < 1 or Y_test.shape != (1, X_test.shape[1]):
                self.fail(f"data/X_test {X_test.shape} and Y_test {Y_test.shape} do not fit "
                          f"({n_x}, m_test) and (1, m_test)")
        image_shape = None
        if "image_shape" in g.attrs:
            image_shape = tuple(self.ints(g.attrs, "image_shape"))
            if not 2 <= len(image_shape) <= 3 or min(image_shape) < 1 or math.prod(image_shape) != n_x:
                self.fail(f"data image_shape {image_shape} does not hold n[0] = {n_x} values")
        class_names = self.texts(g.attrs, "class_names")
        if len(class_names) != 2:
            self.fail(f"data class_names must name 2 classes, got {len(class_names)}")
        source = self.json(g.attrs, "source")
        if not isinstance(source, dict) or not all(
                isinstance(v, (str, int, float, type(None))) for v in source.values()):
            self.fail("data source must be a table of plain values")
        return DataSet(X=X, Y=Y, X_test=X_test, Y_test=Y_test, name=self.text(g.attrs, "name"),
                       image_shape=image_shape, class_names=tuple(class_names), source=source)

    def labels(self, g, key, optional=False):
        Y = self.array(g, key, 2, optional=optional)
        if Y is not None and not np.all((Y == 0) | (Y == 1)):
            self.fail(f"data/{key} holds labels other than 0 and 1")
        return Y

    # --- settings ------------------------------------------------------------------------------
    def init(self, attrs) -> InitSettings:
        scheme = self.text(attrs, "init_scheme")
        if scheme not in INIT_SCHEMES:
            self.fail(f"unknown initialisation {scheme!r}; one of {', '.join(INIT_SCHEMES)}")
        seed = self.int(attrs, "init_seed", 0)
        if seed >= 2 ** 32:
            self.fail(f"'init_seed' {seed} is above 2**32 - 1")
        return InitSettings(scheme, seed, self.float(attrs, "init_scale", 0, optional=True))

    def hyper(self, attrs, m: int) -> Hyperparameters:
        hyper = Hyperparameters(
            learning_rate=self.float(attrs, "learning_rate", 0), iterations=self.int(attrs, "iterations", 0),
            batch_size=self.int(attrs, "batch_size", 1, optional=True), l2=self.float(attrs, "l2", 0),
            target_cost=self.float(attrs, "target_cost", 0, optional=True))
        TrainConfig(learning_rate=hyper.learning_rate, iterations=hyper.iterations, batch_size=hyper.batch_size,
                    l2=hyper.l2, target_cost=hyper.target_cost).validate(m)
        return hyper

    # --- runs ----------------------------------------------------------------------------------
    def runs(self, g, m: int) -> list[Run]:
        if len(g) > MAX_RUNS:
            self.fail(f"holds {len(g):,} runs, at most {MAX_RUNS:,}")
        rows = 0
        for key in g:   # the histories' declared lengths, before reading any of them
            for name in ("costs", "test_costs", "grad_norms"):
                dset = g[key].get(name) if isinstance(g[key], h5py.Group) else None
                rows += dset.shape[0] if isinstance(dset, h5py.Dataset) and dset.ndim else 0
        if rows > MAX_TOTAL_POINTS:
            self.fail(f"its runs declare {rows:,} history points, at most {MAX_TOTAL_POINTS:,}")
        runs = [self.run(g[key], key, m) for key in g]
        if len({run.number for run in runs}) != len(runs):
            self.fail("two runs have the same number")
        return sorted(runs, key=lambda run: run.number)

    def run(self, g, key: str, m: int) -> Run:
        if not isinstance(g, h5py.Group):
            self.fail(f"runs/{key} is not a group")
        a = g.attrs
        layer_sizes, activations = validate_architecture(self.ints(a, "layer_sizes"), self.texts(a, "activations"))
        run = Run(number=self.int(a, "number", 1), data_name=self.text(a, "data_name"), layer_sizes=layer_sizes,
                  activations=activations, init=self.init(a), hyper=self.hyper(a, 1 << 62),
                  start=self.text(a, "start"), iterations=self.int(a, "iterations_done", 0),
                  train_accuracy=self.float(a, "train_accuracy", 0, optional=True),
                  test_accuracy=self.float(a, "test_accuracy", 0, optional=True),
                  stopped=self.text(a, "stopped", optional=True), visible=self.flag(a, "visible"))
        for name in ("costs", "test_costs"):
            # a diverged run's last cost can be inf or NaN: that is where it went wrong
            rows = self.array(g, name, 2, finite=False, max_rows=MAX_POINTS)
            if rows.shape[1] != 2 or not _iterations_ok(rows[:, 0]):
                self.fail(f"runs/{key}/{name} must be [iteration, cost] rows")
            history = getattr(run, name)
            history.extend((int(i), c) for i, c in rows.tolist())
        L = len(layer_sizes) - 1
        rows = self.array(g, "grad_norms", 2, finite=False, max_rows=MAX_POINTS)
        if rows.shape[1] != 1 + L or not _iterations_ok(rows[:, 0]):
            self.fail(f"runs/{key}/grad_norms must be rows of an iteration and {L} norms")
        run.grad_norms = [(int(row[0]), tuple(row[1:])) for row in rows.tolist()]
        changes = self.json(a, "changes")
        if not isinstance(changes, list) or not all(
                isinstance(c, list) and len(c) == 2 and isinstance(c[0], int) and isinstance(c[1], str)
                for c in changes):
            self.fail(f"runs/{key} changes must be [iteration, text] pairs")
        run.changes = [(i, text) for i, text in changes]
        return run


def _iterations_ok(column: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(column)) and np.all(column >= 0) and np.all(column == np.rint(column)))


def _describe(value) -> str:
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind in ("S", "U", "O") or isinstance(value, (str, bytes)):
        return "text"
    shape = getattr(value, "shape", ())
    return f"an array of shape {shape}" if shape else type(value).__name__


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:120]


__all__ = ["SessionFile", "save_session", "load_session", "detached", "FORMAT", "VERSION"]
