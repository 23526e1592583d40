"""The whole run as a standalone NumPy script: same data, architecture, initialisation and
hyperparameters, trained with the course's functions written out in full, printing the cost curve
as "Cost after iteration i: cost".

The script imports numpy only (h5py as well when it reads the course's HDF5 files, base64 from the
standard library when it carries large arrays). It never imports DeepStep. Its arithmetic is the
engine's, operation for operation (core.propagation, core.cost, core.update, core.training), so the
costs it prints equal DeepStep's to the last bit on the same machine.

Data: a built-in generator is inlined from core.generators (its own source, so the points are the
app's); a course HDF5 file is read from its path with h5py; anything else (custom points, CSV,
edited data) is embedded. Whatever the recipe, it is run once here and compared with the data in
the session: a recipe that does not give exactly those arrays is replaced by the arrays themselves.
"""
from __future__ import annotations

import base64
import datetime
import inspect
import os
from dataclasses import dataclass

import h5py
import numpy as np

from . import generators
from .errors import DeepStepError
from .network import DEFAULT_SMALL_SCALE, init_parameters
from .runs import fingerprint

LITERAL_LIMIT = 4096          # arrays up to this many numbers are written as readable lists
EMBED_LIMIT = 64 * 2 ** 20    # bytes of array data a script may carry


class ExportError(DeepStepError):
    """The run cannot be written as a script (e.g. data too large to embed)."""


@dataclass(frozen=True)
class RunSpec:
    """What the script trains: the architecture, its start and the hyperparameters."""
    layer_sizes: tuple
    activations: tuple
    init_scheme: str
    init_seed: int
    init_scale: float | None
    start: dict | None            # starting parameters to embed; None: drawn as init_* says
    dtype: str                    # "float64" or "float32"
    learning_rate: float
    iterations: int
    batch_size: int | None
    l2: float
    target_cost: float | None
    shuffle_seed: int             # the mini-batch shuffle's RandomState (the app uses the init seed)
    print_every: int = 100
    title: str = "DeepStep run"


def spec_for(session, run=None, print_every: int = 100) -> tuple[RunSpec, list[str]]:
    """The spec of `run` (or, without one, of the session as it stands) and notes for the user."""
    net = session.network
    notes = []
    same_net = run is not None and tuple(run.layer_sizes) == net.layer_sizes \
        and tuple(run.activations) == net.activations
    if same_net:
        init, hyper = run.init, run.hyper
        iterations = max(run.iterations, hyper.iterations)
        changed = [text for _, text in run.changes if not text.startswith("N ")]
        if changed:
            notes.append("Settings changed during the run (" + "; ".join(changed) + "): the script "
                         "uses those the run started with.")
        title = run.summary()
    else:
        init, hyper = session.init, session.hyper
        iterations = hyper.iterations
        title = (f"[{', '.join(map(str, net.layer_sizes))}] {'/'.join(net.activations)}, "
                 f"lr {hyper.learning_rate:g}, {init.scheme} seed {init.seed}")
    dtype = net.parameters["W1"].dtype
    seeded = init_parameters(net.layer_sizes, init.scheme, init.seed, init.scale, dtype=dtype)
    start = None
    if same_net:
        if fingerprint(seeded) != run.start:
            first = run.timeline[0] if run.timeline else None
            if first is not None and first[0] == 0:
                start = first[1]
                notes.append("The run began from weights that were not a fresh initialisation "
                             "(kept through an edit or imported): the script carries them.")
            else:
                notes.append("The run's starting weights are not known: the script starts from "
                             f"the {init.scheme} initialisation with seed {init.seed}.")
    elif fingerprint(seeded) != fingerprint(net.parameters):
        start = net.parameters
        notes.append("The network's present weights are the start (they are not a fresh "
                     "initialisation): the script carries them.")
    spec = RunSpec(net.layer_sizes, net.activations, init.scheme, init.seed, init.scale,
                   None if start is None else {k: np.array(v) for k, v in start.items()},
                   np.dtype(dtype).name, float(hyper.learning_rate), int(iterations),
                   hyper.batch_size, float(hyper.l2), hyper.target_cost, int(init.seed),
                   print_every, title)
    return spec, notes


def export_script(data, data_settings, spec: RunSpec, filename: str = "deepstep_run.py") -> str:
    """The script's text for `data` (the session's DataSet, made by `data_settings`)."""
    data_code, imports = _data_section(data, data_settings)
    init_code, init_imports = _init_section(spec)
    imports = sorted(set(imports) | set(init_imports))
    header = _HEADER.format(title=spec.title, date=datetime.date.today().isoformat(),
                            filename=filename,
                            needs=" and ".join(["NumPy"] + [m for m in ("h5py",) if m in imports]))
    settings = _SETTINGS.format(
        layer_sizes=list(spec.layer_sizes), activations=list(spec.activations),
        learning_rate=repr(spec.learning_rate), iterations=spec.iterations,
        batch_size=spec.batch_size, shuffle_seed=spec.shuffle_seed, l2=repr(spec.l2),
        target_cost=None if spec.target_cost is None else repr(float(spec.target_cost)),
        print_every=spec.print_every, dtype=spec.dtype)
    import_lines = "".join(f"import {m}\n" for m in imports if m != "numpy") + "import numpy as np\n"
    return "\n".join([header, import_lines, settings, data_code, init_code, _MODEL]).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# The data


def _data_section(data, settings) -> tuple[str, list[str]]:
    """Code defining load_data(), and the modules it needs; checked against `data` here."""
    recipe = _generator_recipe(settings) or _hdf5_recipe(settings)
    if recipe is not None and _reproduces(recipe, data):
        return recipe
    return _embedded(data), ["base64"] if _needs_base64(data) else []


def _reproduces(recipe, data) -> bool:
    code, imports = recipe
    namespace = {"__name__": "deepstep_export_check"}
    try:
        exec("import numpy as np\n" + "".join(f"import {m}\n" for m in imports) + code, namespace)
        X, Y, X_test, Y_test = namespace["load_data"]()
    except Exception:          # a file moved or changed since it was opened: embed instead
        return False
    return _same(X, data.X) and _same(Y, data.Y) and _same(X_test, data.X_test) \
        and _same(Y_test, data.Y_test)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)


def _generator_recipe(settings):
    name = settings.source
    if name not in generators.GENERATORS or settings.test_path is not None:
        return None
    defaults = generators.DEFAULTS[name]
    samples = defaults["samples"] if settings.samples is None else int(settings.samples)
    noise = defaults["noise"] if settings.noise is None else float(settings.noise)
    seed = defaults["seed"] if settings.seed is None else int(settings.seed)
    make = generators.GENERATORS[name]
    lines = ["# --- The data " + "-" * 79, "",
             f"# The {name} data, made exactly as DeepStep makes it: core/generators.py's own code.",
             "def _checked(name, samples, noise, seed):",
             "    return int(samples), float(noise), int(seed)   # DeepStep checked the settings",
             "", "",
             "def _dataset(name, samples, noise, seed, X, Y):",
             "    return X, Y", "", ""]
    for fn in _helpers(make) + [make]:
        lines += [inspect.getsource(fn).rstrip(), "", ""]
    call = f"    X, Y = {make.__name__}({samples}, {noise!r}, {seed})"
    body = [call]
    if settings.test_fraction:
        lines += [_SPLIT, "", ""]
        split_seed = 1 if settings.seed is None else int(settings.seed)
        body.append(f"    return split(X, Y, {float(settings.test_fraction)!r}, {split_seed})")
    else:
        body.append("    return X, Y, None, None")
    lines += ["def load_data():", '    """X (n[0], m), Y (1, m), and the test part (None without one)."""',
              *body, "", ""]
    return "\n".join(lines), []


def _helpers(fn) -> list:
    """The module-level functions of core.generators that `fn` calls (bar the two shimmed)."""
    found, todo = [], [fn]
    while todo:
        for name in todo.pop().__code__.co_names:
            obj = getattr(generators, name, None)
            if inspect.isfunction(obj) and obj.__module__ == generators.__name__ \
                    and name not in ("_checked", "_dataset") and obj not in found and obj is not fn:
                found.append(obj)
                todo.append(obj)
    return found


def _hdf5_recipe(settings):
    """Course-layout HDF5 read with h5py as the course's load_dataset() does."""
    path = settings.source
    if settings.source in generators.GENERATORS or not os.path.isfile(path):
        return None
    train = _pairs(path)
    if train is None:
        return None
    prefix = "train" if "train" in train else (train[0] if len(train) == 1 else None)
    if prefix is None:
        return None
    body = [f"    X, Y = read_pair(TRAIN_FILE, {prefix!r})"]
    constants = [f"TRAIN_FILE = {os.path.abspath(path)!r}"]
    if settings.test_path is not None:
        test = _pairs(settings.test_path)
        if test is None:
            return None
        test_prefix = "test" if "test" in test else (test[0] if len(test) == 1 else None)
        if test_prefix is None:
            return None
        constants.append(f"TEST_FILE = {os.path.abspath(settings.test_path)!r}")
        body.append(f"    X_test, Y_test = read_pair(TEST_FILE, {test_prefix!r})")
    elif prefix == "train" and "test" in train:
        body.append("    X_test, Y_test = read_pair(TRAIN_FILE, 'test')")
    else:
        body.append("    X_test = Y_test = None")
    extra = ""
    if settings.test_fraction:
        if len(body) > 1 and "None" not in body[-1]:
            return None
        extra = _SPLIT + "\n\n\n"
        split_seed = 1 if settings.seed is None else int(settings.seed)
        body.append(f"    return split(X, Y, {float(settings.test_fraction)!r}, {split_seed})")
    else:
        body.append("    return X, Y, X_test, Y_test")
    code = ("# --- The data " + "-" * 79 + "\n\n" + "\n".join(constants) + "\n\n\n"
            + _READ_PAIR + "\n\n\n" + extra + "def load_data():\n"
            '    """X (n[0], m), Y (1, m), and the test part (None without one)."""\n'
            + "\n".join(body) + "\n\n")
    return code, ["h5py"]


def _pairs(path):
    try:
        with h5py.File(path, "r") as f:
            keys = set(f.keys())
    except Exception:
        return None
    return sorted(k[:-6] for k in keys if k.endswith("_set_x") and k[:-6] + "_set_y" in keys)


def _embedded(data) -> str:
    nbytes = sum(a.nbytes for a in (data.X, data.Y, data.X_test, data.Y_test) if a is not None)
    if nbytes > EMBED_LIMIT:
        raise ExportError(f"the data ({nbytes / 2 ** 20:.0f} MB) is too large to embed in a script; "
                          "save it as a course HDF5 file, open that, and export again")
    lines = ["# --- The data " + "-" * 79, "",
             "# The data as it was in DeepStep (custom or edited points, or a CSV file), embedded."]
    for name, a in (("X", data.X), ("Y", data.Y), ("X_test", data.X_test), ("Y_test", data.Y_test)):
        lines.append(f"{name} = " + ("None" if a is None else _array_code(a)))
    lines += ["", "", "def load_data():", '    """X (n[0], m), Y (1, m), and the test part (None without one)."""',
              "    return X, Y, X_test, Y_test", "", ""]
    return "\n".join(lines)


def _needs_base64(data) -> bool:
    return any(a is not None and a.size > LITERAL_LIMIT for a in (data.X, data.Y, data.X_test, data.Y_test))


def _array_code(a: np.ndarray) -> str:
    """Exact source for an array: a readable list when small, its bytes in base64 when large."""
    if a.size <= LITERAL_LIMIT:
        rows = ",\n    ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in np.atleast_2d(a))
        return f"np.array([\n    {rows}], dtype=np.{a.dtype.name})"
    raw = base64.b64encode(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).decode()
    chunks = "\n    ".join(repr(raw[k:k + 96]) for k in range(0, len(raw), 96))
    return (f"np.frombuffer(base64.b64decode(\n    {chunks}),\n    dtype='<{a.dtype.kind}{a.dtype.itemsize}')"
            f".reshape({a.shape}).astype(np.{a.dtype.name})")


# ---------------------------------------------------------------------------------------------
# The initialisation


_DRAW = {
    "zeros": "W = np.zeros((layer_dims[l], layer_dims[l - 1]))",
    "small": "W = rng.randn(layer_dims[l], layer_dims[l - 1]) * {scale}",
    "xavier": "W = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])",
    "he": "W = rng.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(2.0 / layer_dims[l - 1])",
}


def _init_section(spec: RunSpec) -> tuple[str, list[str]]:
    if spec.start is not None:
        big = any(v.size > LITERAL_LIMIT for v in spec.start.values())
        entries = ",\n".join(f"        {k!r}: {_array_code(v)}".replace("\n    ", "\n            ")
                             for k, v in sorted(spec.start.items(), key=lambda kv: (kv[0][0] == "b", int(kv[0][1:]))))
        code = ("# --- The initial parameters " + "-" * 65 + "\n"
                'def initialize_parameters(layer_dims):\n'
                '    """The weights the run began from in DeepStep (not a fresh draw)."""\n'
                f"    parameters = {{\n{entries}}}\n"
                "    return {k: v.astype(DTYPE) for k, v in parameters.items()}\n\n")
        return code, ["base64"] if big else []
    scale = spec.init_scale
    draw = _DRAW[spec.init_scheme].format(scale=repr(DEFAULT_SMALL_SCALE if scale is None else float(scale)))
    rescale = (f"\n        W = W * {float(scale)!r}" if scale is not None and spec.init_scheme in ("xavier", "he")
               else "")
    code = _INIT.format(scheme=spec.init_scheme, seed=spec.init_seed, draw=draw, rescale=rescale)
    return code, []


# ---------------------------------------------------------------------------------------------
# The script's fixed parts


_HEADER = '''#!/usr/bin/env python3
"""{title}

Exported from DeepStep on {date}: a standalone script ({needs} only) that trains the same
network on the same data, from the same initial weights, with the same hyperparameters, using the
functions of deeplearning.ai's "Neural Networks and Deep Learning" written out in full.

It prints "Cost after iteration i: cost" every PRINT_EVERY iterations, the cost in full precision
(the notebooks print 6 decimals), so the curve can be compared digit for digit with DeepStep's.

    python {filename}
"""'''

_SETTINGS = '''# --- The run's settings -------------------------------------------------------------------
LAYER_DIMS = {layer_sizes}   # n[0], n[1], ..., n[L]
ACTIVATIONS = {activations}   # g[1], ..., g[L]
LEARNING_RATE = {learning_rate}
NUM_ITERATIONS = {iterations}
MINI_BATCH_SIZE = {batch_size}   # None: batch gradient descent; else one iteration is one epoch
SHUFFLE_SEED = {shuffle_seed}   # np.random.RandomState(SHUFFLE_SEED) shuffles the mini-batches
LAMBD = {l2}   # L2 regularisation
TARGET_COST = {target_cost}   # stop once the cost is this low (None: never)
PRINT_EVERY = {print_every}
DTYPE = np.{dtype}
'''

_SPLIT = '''def split(X, Y, test_fraction, seed):
    """Hold out round(test_fraction * m) examples chosen by RandomState(seed), order kept."""
    m = X.shape[1]
    test = np.sort(np.random.RandomState(seed).permutation(m)[:round(test_fraction * m)])
    train = np.setdiff1d(np.arange(m), test)
    return X[:, train], Y[:, train], X[:, test], Y[:, test]'''

_READ_PAIR = '''def read_pair(path, prefix):
    """<prefix>_set_x and <prefix>_set_y as X (n[0], m) and Y (1, m), as the course loads them."""
    with h5py.File(path, "r") as f:
        x = f[prefix + "_set_x"][()]
        y = f[prefix + "_set_y"][()]
    m = x.shape[0]
    X = x.reshape(m, -1).T                 # one column per example
    X = X / 255. if x.dtype == np.uint8 else X.astype(np.float64)
    Y = np.asarray(y, dtype=np.float64).reshape(1, m)
    return X, Y'''

_INIT = '''# --- The initial parameters ---------------------------------------------------------------
def initialize_parameters(layer_dims):
    """The {scheme} initialisation: W[l] drawn for l = 1..L in order from RandomState({seed}), b[l] = 0."""
    rng = np.random.RandomState({seed})
    parameters = {{}}
    for l in range(1, len(layer_dims)):
        {draw}{rescale}
        parameters["W" + str(l)] = W.astype(DTYPE, copy=False)
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1), dtype=DTYPE)
    return parameters

'''

_MODEL = '''
# --- Activations: A = g(Z) forward, dZ = dA * g'(Z) backward -----------------------------------
def sigmoid(Z):
    with np.errstate(over="ignore"):   # exp(-Z) overflows for Z < -709: A = 0 exactly, correct
        return 1 / (1 + np.exp(-Z))


def activation_forward(Z, activation):
    if activation == "sigmoid":
        return sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.maximum(0, Z)
    if activation == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    return Z                                        # linear


def activation_backward(dA, Z, A, activation):
    if activation == "sigmoid":
        return dA * A * (1 - A)
    if activation == "tanh":
        return dA * (1 - A ** 2)
    if activation == "relu":
        return np.where(Z > 0, dA, 0.0)
    if activation == "leaky_relu":
        return np.where(Z > 0, dA, 0.01 * dA)
    return dA.copy()                                # linear


# --- Forward propagation: Z = W·A_prev + b, A = g(Z) --------------------------------------------
def L_model_forward(X, parameters):
    caches = []
    A = X
    for l in range(1, len(ACTIVATIONS) + 1):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A_prev) + b
        A = activation_forward(Z, ACTIVATIONS[l - 1])
        caches.append((A_prev, W, b, Z, A))
    return A, caches


# --- The cost: J = -(1/m) sum(y log a + (1-y) log(1-a)), plus (lambd/2m) sum ||W||^2 ------------
TINY = np.finfo(np.float64).tiny   # log(a) with a clipped here: finite when a sigmoid saturates


def compute_cost(AL, Y):
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a = np.log(np.maximum(AL, TINY))
        log_1_a = np.log(np.maximum(1 - AL, TINY))
    cost = (1. / m) * (-np.dot(Y, log_a.T) - np.dot(1 - Y, log_1_a.T))
    return float(np.squeeze(cost))


def l2_cost(parameters, m):
    if not LAMBD:
        return 0.0
    L = len(ACTIVATIONS)
    return float(LAMBD / (2 * m) * sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, L + 1)))


def accuracy(AL, Y):
    return float(np.mean((AL > 0.5) == (Y > 0.5)))


# --- Backward propagation: dW = (1/m) dZ·A_prevᵀ, db = (1/m) sum dZ, dA_prev = Wᵀ·dZ -----------
def linear_backward(dZ, cache, need_dA_prev):
    A_prev, W, b, Z, A = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    if LAMBD:
        dW += (LAMBD / m) * W
    db = 1. / m * dZ.sum(axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ) if need_dA_prev else None
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dZ = AL - Y                        # the sigmoid output meets the cross-entropy: dZ[L] = A[L] - Y
    dA_prev, grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, caches[L - 1], L > 1)
    for l in reversed(range(1, L)):
        A_prev, W, b, Z, A = caches[l - 1]
        dZ = activation_backward(dA_prev, Z, A, ACTIVATIONS[l - 1])
        dA_prev, grads["dW" + str(l)], grads["db" + str(l)] = linear_backward(dZ, caches[l - 1], l > 1)
    return grads


def update_parameters(parameters, grads, learning_rate):
    for l in range(1, len(ACTIVATIONS) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


# --- The model -------------------------------------------------------------------------------
def L_layer_model(X, Y):
    """Gradient descent for NUM_ITERATIONS iterations; returns the parameters and the costs printed.

    The cost of iteration i is that of its forward pass, before its update (iteration 0 is the
    initial parameters' cost). With mini-batches an iteration is one epoch over the shuffled data
    and its cost is the whole training set's, at the start of the epoch.
    """
    m = X.shape[1]
    X, Y = X.astype(DTYPE, copy=False), Y.astype(DTYPE, copy=False)
    parameters = initialize_parameters(LAYER_DIMS)
    full_batch = MINI_BATCH_SIZE is None or MINI_BATCH_SIZE >= m
    rng = np.random.RandomState(SHUFFLE_SEED)
    costs = []
    for i in range(NUM_ITERATIONS):
        wants_cost = i % PRINT_EVERY == 0 or TARGET_COST is not None
        if full_batch:
            AL, caches = L_model_forward(X, parameters)
            cost = compute_cost(AL, Y) + l2_cost(parameters, m) if wants_cost else None
        elif wants_cost:
            AL, _ = L_model_forward(X, parameters)
            cost = compute_cost(AL, Y) + l2_cost(parameters, m)
        if wants_cost and not np.isfinite(cost):
            print(f"The cost became {cost} at iteration {i}: the learning rate is too high")
            break
        if i % PRINT_EVERY == 0:
            print(f"Cost after iteration {i}: {cost}")
            costs.append((i, cost))
        if TARGET_COST is not None and cost <= TARGET_COST:
            print(f"Target cost {TARGET_COST} reached at iteration {i}")
            break
        if full_batch:
            grads = L_model_backward(AL, Y, caches)
            parameters = update_parameters(parameters, grads, LEARNING_RATE)
        else:
            permutation = rng.permutation(m)
            X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
            for k in range(0, m, MINI_BATCH_SIZE):
                X_batch = X_shuffled[:, k:k + MINI_BATCH_SIZE]
                Y_batch = Y_shuffled[:, k:k + MINI_BATCH_SIZE]
                AL_batch, caches = L_model_forward(X_batch, parameters)
                grads = L_model_backward(AL_batch, Y_batch, caches)
                parameters = update_parameters(parameters, grads, LEARNING_RATE)
    return parameters, costs


def main():
    X, Y, X_test, Y_test = load_data()
    parameters, costs = L_layer_model(X, Y)
    AL, _ = L_model_forward(X.astype(DTYPE), parameters)
    print(f"Train accuracy: {accuracy(AL, Y):.2%}")
    if X_test is not None:
        AL_test, _ = L_model_forward(X_test.astype(DTYPE), parameters)
        print(f"Test accuracy: {accuracy(AL_test, Y_test):.2%}")


if __name__ == "__main__":
    main()
'''
