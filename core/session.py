"""A session: the data set, the network, the hyperparameters. One plain object the GUI shows.

The GUI's controller owns one Session and replaces its parts through the methods here, so the
same rules hold whether an edit comes from the window, a preset or a test.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import architecture
from .data import open_dataset
from .dataset import DataSet
from .errors import DataError
from .network import Network, init_parameters


@dataclass(frozen=True)
class DataSettings:
    """How the data set was made: a generator name and its settings, a file, or custom points."""
    source: str = "flower"          # generator name, file path, or "custom"
    samples: int | None = None
    noise: float | None = None
    seed: int | None = None
    test_fraction: float = 0.0
    test_path: str | None = None


@dataclass(frozen=True)
class InitSettings:
    scheme: str = "small"
    seed: int = 2
    scale: float | None = None


@dataclass(frozen=True)
class Hyperparameters:
    learning_rate: float = 1.2
    iterations: int = 10000          # stop at N iterations
    batch_size: int | None = None
    l2: float = 0.0
    target_cost: float | None = None  # or stop once the cost is this low


class Session:
    """Data + network + hyperparameters; defaults are the week-3 planar notebook."""

    def __init__(self, data: DataSet | None = None, data_settings: DataSettings | None = None,
                 network: Network | None = None, init: InitSettings | None = None,
                 hyper: Hyperparameters | None = None):
        self.data_settings = data_settings or DataSettings()
        self.data = data if data is not None else load_data(self.data_settings)
        self.init = init or InitSettings()
        self.hyper = hyper or Hyperparameters()
        self.network = network or Network.create([self.data.n_x, 4, 1], ["tanh", "sigmoid"],
                                                  self.init.scheme, self.init.seed, self.init.scale)

    # --- the network ---------------------------------------------------------------------------
    def initial_parameters(self) -> dict:
        """The start "reset" returns to: the init scheme and seed over today's architecture."""
        return init_parameters(self.network.layer_sizes, self.init.scheme, self.init.seed,
                               self.init.scale, dtype=self.network.parameters["W1"].dtype)

    def edited(self, edit: str, *args) -> Network:
        """The network after an architecture edit (insert_layer, remove_layer, set_units, ...)."""
        fn = getattr(architecture, edit)
        if edit == "set_activation":
            return fn(self.network, *args)
        return fn(self.network, *args, self.init.scheme, self.init.seed, self.init.scale)

    # --- the data -----------------------------------------------------------------------------
    def network_for(self, data: DataSet) -> Network:
        """The current network fitted to data with another n[0] (W1 drawn afresh if needed)."""
        if data.n_x == self.network.layer_sizes[0]:
            return self.network
        return architecture.set_inputs(self.network, data.n_x, self.init.scheme, self.init.seed,
                                       self.init.scale)


def load_data(settings: DataSettings) -> DataSet:
    return open_dataset(settings.source, samples=settings.samples, noise=settings.noise,
                        seed=settings.seed, test_fraction=settings.test_fraction,
                        test_path=settings.test_path)


def with_point(data: DataSet, x: float, y: float, label: int) -> DataSet:
    """Custom data: the data set with one more training point (x, y) of class `label`."""
    if data.n_x != 2:
        raise DataError("points can only be added to 2-D data")
    X = np.concatenate([data.X, [[x], [y]]], axis=1)
    Y = np.concatenate([data.Y, [[float(label)]]], axis=1)
    return replace(data, X=X, Y=Y, name="custom", source={"name": "custom"})


def without_point(data: DataSet, index: int, test: bool = False) -> DataSet:
    """Custom data: the data set without training (or test) example `index`."""
    X, Y = (data.X_test, data.Y_test) if test else (data.X, data.Y)
    if not test and X.shape[1] <= 1:
        raise DataError("the last training example cannot be removed")
    X, Y = np.delete(X, index, axis=1), np.delete(Y, index, axis=1)
    if test:
        if X.shape[1] == 0:  # no test points left: no test set, rather than an empty one
            X = Y = None
        return replace(data, X_test=X, Y_test=Y, name="custom", source={"name": "custom"})
    return replace(data, X=X, Y=Y, name="custom", source={"name": "custom"})
