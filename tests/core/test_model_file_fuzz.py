"""Fuzz the model-file reader: generated malformed model files only ever raise ModelFileError.

Each example starts from a valid model file and breaks it in one to three ways (a missing or
renamed attribute, a wrong type of layer_sizes, a parameter dropped, reshaped, retyped or filled
with NaN, a group where a dataset belongs, garbage or a truncated file). Whatever the result, the
app must either get a valid Network whose arrays fit its architecture, or one clear line.
"""
import tempfile
from pathlib import Path

import h5py
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ModelFileError
from core.model_file import load_model, save_model
from core.network import Network

MUTATIONS = ["drop_attr", "attr_type", "sizes", "activation", "drop_param", "reshape", "retype",
             "nan", "group", "extra", "garbage", "truncate"]
FUZZ = {"files": 0, "loaded": 0}


def _good_model(path, rng):
    L = int(rng.randint(1, 4))
    sizes = [int(rng.randint(1, 6)) for _ in range(L)] + [1]
    acts = [["relu", "tanh", "sigmoid", "leaky_relu", "linear"][rng.randint(5)] for _ in range(L - 1)]
    net = Network.create(sizes, acts + ["sigmoid"], init="he", seed=int(rng.randint(100)))
    save_model(path, net)
    return net


def _mutate(path, mutation, rng):
    if mutation in ("garbage", "truncate"):
        content = path.read_bytes()
        cut = int(rng.randint(0, len(content)))
        if mutation == "garbage":
            content = content[:cut] + rng.bytes(int(rng.randint(1, 64))) + content[cut + 64:]
        else:
            content = content[:cut]
        path.write_bytes(content)
        return
    with h5py.File(path, "r+") as f:
        params = f["parameters"] if isinstance(f.get("parameters"), h5py.Group) else None
        names = sorted(params) if params is not None else []
        name = names[rng.randint(len(names))] if names else None
        if mutation == "drop_attr":
            key = ["layer_sizes", "activations"][rng.randint(2)]
            if key in f.attrs:
                del f.attrs[key]
        elif mutation == "attr_type":
            f.attrs["layer_sizes"] = [b"two", b"four"] if rng.randint(2) else 3.5
        elif mutation == "sizes":
            f.attrs["layer_sizes"] = np.asarray(rng.randint(-2, 7, size=rng.randint(0, 5)), dtype=np.int64)
        elif mutation == "activation":
            f.attrs["activations"] = ["softmax"] * int(rng.randint(0, 4))
        elif name is None:
            return
        elif mutation == "drop_param":
            del params[name]
        elif mutation == "reshape":
            del params[name]
            params[name] = np.zeros(tuple(rng.randint(0, 4, size=rng.randint(0, 4))))
        elif mutation == "retype":
            data = params[name][()]
            del params[name]
            kind = rng.randint(3)
            if kind == 0:
                params.create_dataset(name, data=np.full(data.shape, "x", dtype=object),
                                      dtype=h5py.string_dtype())
            elif kind == 1:
                params[name] = np.zeros(data.shape, dtype=[("a", "f8"), ("b", "i2")])
            else:
                params[name] = data.astype(np.float16)
        elif mutation == "nan":
            data = params[name][()]
            data.flat[rng.randint(data.size)] = [np.nan, np.inf, -np.inf][rng.randint(3)]
            params[name][...] = data
        elif mutation == "group":
            del params[name]
            params.create_group(name)
        elif mutation == "extra":
            params["W99"] = np.ones((2, 2))


@settings(max_examples=520, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3))
def _fuzz_one(seed, mutations):
    rng = np.random.RandomState(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.h5"
        _good_model(path, rng)
        for mutation in mutations:
            try:
                _mutate(path, mutation, rng)
            except (OSError, KeyError, ValueError, TypeError):
                break               # an earlier mutation left nothing h5py can edit: test as it is
        FUZZ["files"] += 1
        try:
            net = load_model(path)
        except ModelFileError as error:
            message = str(error)
            assert "\n" not in message and "model.h5" in message
            return
    FUZZ["loaded"] += 1
    for l in range(1, net.L + 1):
        W, b = net.parameters[f"W{l}"], net.parameters[f"b{l}"]
        assert W.shape == (net.layer_sizes[l], net.layer_sizes[l - 1]) and b.shape == (net.layer_sizes[l], 1)
        assert W.dtype == np.float64 and np.isfinite(W).all() and np.isfinite(b).all()


def test_random_malformed_model_files_raise_only_model_file_error():
    FUZZ.update(files=0, loaded=0)
    _fuzz_one()
    assert FUZZ["files"] >= 500
    assert FUZZ["loaded"] > 0              # harmless mutations (an extra dataset) still load
