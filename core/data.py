"""One way in to every data set: a built-in generator by name, or a file (HDF5 or CSV)."""
from __future__ import annotations

import os

from .data_files import _read_any, load_dataset_file
from .dataset import DataSet
from .errors import DataError
from .generators import GENERATORS, generate, split


def open_dataset(source: str, samples=None, noise=None, seed=None, test_fraction=0.0,
                 test_path=None) -> DataSet:
    """A generator name (flower, circles, ...) or a file path, with an optional test file.

    samples/noise/seed apply to generators only. test_fraction holds out part of the training
    data (0 keeps every example in order); it cannot be combined with data that already has a
    test set.
    """
    if source in GENERATORS:
        data = generate(source, samples=samples, noise=noise, seed=seed)
        if test_path is not None:
            # Read in the "test" role: a file holding both pairs gives its test pair, as it
            # does beside a training file.
            test = _read_any(test_path, "test")[0]
            if test.X.shape[0] != data.n_x:
                raise DataError(f"{os.path.basename(test_path)} has {test.X.shape[0]} features, "
                                f"the {source} data has {data.n_x}")
            data = _with_test(data, test.X, test.Y)
    elif os.path.exists(source):
        if samples is not None or noise is not None:
            raise DataError("samples and noise apply to the built-in data sets, not to files")
        data = load_dataset_file(source, test_path)
    elif _looks_like_a_path(source):
        raise DataError(f"{source}: file not found")
    else:
        raise DataError(f"unknown data set {source!r}: not a file, nor one of "
                        + ", ".join(GENERATORS))
    if test_fraction:
        if data.X_test is not None:
            raise DataError("this data already has a test set; leave the test fraction at 0")
        data = split(data, test_fraction, seed=1 if seed is None else seed)
    return data


def _looks_like_a_path(source: str) -> bool:
    """A folder separator or a file extension: the user meant a file, not a generator's name."""
    seps = {os.sep, os.altsep or os.sep, "/"}
    return any(s in source for s in seps) or os.path.splitext(source)[1] != ""


def _with_test(data: DataSet, X_test, Y_test) -> DataSet:
    from dataclasses import replace
    return replace(data, X_test=X_test, Y_test=Y_test)
