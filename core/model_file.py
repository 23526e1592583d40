"""The model file: HDF5 readable with plain h5py from a notebook.

    parameters/W1, parameters/b1, ..., parameters/WL, parameters/bL   float64, the course's shapes
    attrs: layer_sizes (n[0..L]), activations (one per layer)

    >>> with h5py.File("model.h5") as f:
    ...     W1 = f["parameters/W1"][()]

Loading reads only numbers and strings (no pickle, nothing evaluated) and checks every shape
against the declared architecture before reading any array.
"""
from __future__ import annotations

import os

import h5py
import numpy as np

from .atomic import atomic_path
from .errors import ConfigError, ModelFileError
from .data_files import MAX_DATA_BYTES
from .network import Network, parameter_count, validate_architecture

FORMAT = "deepstep-model"
VERSION = 1


def save_model(path, network: Network, extra_attrs: dict | None = None) -> None:
    """Write `network` to `path` atomically (the old file survives a failed save)."""
    try:
        with atomic_path(path) as tmp:
            with h5py.File(tmp, "w") as f:
                write_model(f, network)
                for key, value in (extra_attrs or {}).items():
                    f.attrs[key] = value
    except OSError as e:
        raise ModelFileError(f"cannot write {path}: {e.strerror or e}") from None


def write_model(f: h5py.File, network: Network) -> None:
    """The model part of a file: also used by session files, which add their own groups."""
    f.attrs["format"] = FORMAT
    f.attrs["version"] = VERSION
    f.attrs["layer_sizes"] = np.asarray(network.layer_sizes, dtype=np.int64)
    f.attrs["activations"] = list(network.activations)
    group = f.require_group("parameters")
    for l in range(1, network.L + 1):
        for name in (f"W{l}", f"b{l}"):
            if name in group:
                del group[name]
            group.create_dataset(name, data=np.asarray(network.parameters[name], dtype=np.float64))


def load_model(path, n_x: int | None = None) -> Network:
    """Read a model file; with n_x, also check it fits data with n[0] = n_x inputs."""
    name = os.path.basename(os.fspath(path))
    if not os.path.isfile(path):
        raise ModelFileError(not_a_file(path))
    try:
        with h5py.File(path, "r") as f:
            network = read_model(f, name)
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(open_failure(path, e, "model")) from None
    except (KeyError, ValueError, TypeError, RuntimeError) as e:
        raise ModelFileError(f"{name} is not a readable HDF5 model file ({_short(e)})") from None
    if n_x is not None and network.layer_sizes[0] != n_x:
        raise ModelFileError(f"{name} is a model for {network.layer_sizes[0]} inputs, "
                             f"but the data has n[0] = {n_x}")
    return network


def read_model(f: h5py.File, name: str) -> Network:
    for key in ("layer_sizes", "activations"):
        if key not in f.attrs:
            raise ModelFileError(f"{name} has no '{key}' attribute: not a DeepStep model file")
    sizes = np.asarray(f.attrs["layer_sizes"])
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu":
        raise ModelFileError(f"{name}: 'layer_sizes' must be a list of whole numbers")
    activations = [_text(a) for a in np.atleast_1d(f.attrs["activations"])]
    try:
        layer_sizes, activations = validate_architecture(sizes.tolist(), activations)
    except ConfigError as e:
        raise ModelFileError(f"{name}: {e}") from None
    if parameter_count(layer_sizes) * 8 > MAX_DATA_BYTES:  # before reading a single array
        raise ModelFileError(f"{name} declares {parameter_count(layer_sizes):,} parameters, "
                             f"more than fit in the memory DeepStep may use")
    group = f.get("parameters")
    if not isinstance(group, h5py.Group):
        raise ModelFileError(f"{name} has no 'parameters' group")
    parameters = {}
    for l in range(1, len(layer_sizes)):
        for pname, shape in ((f"W{l}", (layer_sizes[l], layer_sizes[l - 1])),
                             (f"b{l}", (layer_sizes[l], 1))):
            parameters[pname] = _read_array(group, pname, shape, name)
    return Network(layer_sizes, activations, parameters)


def _read_array(group, pname, shape, name):
    dset = group.get(pname)
    if not isinstance(dset, h5py.Dataset):
        raise ModelFileError(f"{name} has no parameters/{pname}")
    if dset.shape != shape:  # checked before anything is read
        raise ModelFileError(f"{name}: parameters/{pname} has shape {dset.shape}, "
                             f"the architecture needs {shape}")
    if dset.dtype.kind not in "fiu":
        raise ModelFileError(f"{name}: parameters/{pname} holds {kind_of(dset.dtype)}, not numbers")
    value = np.asarray(dset[()], dtype=np.float64)
    if not np.all(np.isfinite(value)):
        raise ModelFileError(f"{name}: parameters/{pname} contains NaN or infinite values")
    return value


def not_a_file(path) -> str:
    """Why `path`, which is not a regular file, cannot be read: absent, a folder, or a device or pipe."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    if os.path.isdir(path):
        return f"{name} is a folder, not a file"
    if os.path.exists(path):
        return f"{name} is not a regular file (a device or a pipe?)"
    return f"{name}: no such file"


def open_failure(path, e: OSError, what: str) -> str:
    """Why a model or session file would not open, in the user's words rather than HDF5's:
    h5py says "file signature not found" for a text file and "truncated file: eof = ..." for an
    interrupted copy."""
    name = os.path.basename(os.fspath(path))
    reason = str(e)
    try:
        empty = os.path.getsize(path) == 0
    except OSError:
        empty = False
    if empty:
        return f"{name} is empty (0 bytes): not a DeepStep {what} file"
    if "signature not found" in reason:
        return f"{name} is not an HDF5 file, so not a DeepStep {what} file"
    if "truncated" in reason:
        return f"{name} is truncated: shorter than its header says (an interrupted copy or download?)"
    return f"{name} cannot be opened as an HDF5 {what} file ({_short(e)})"


def kind_of(dtype) -> str:
    """What an HDF5 dataset holds, in words ("text" rather than numpy's "|S1" or "object")."""
    kinds = {"S": "text", "U": "text", "O": "text or objects", "b": "true/false values",
             "c": "complex numbers", "V": "records", "M": "dates", "m": "time spans"}
    return kinds.get(dtype.kind, str(dtype))


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:120]
