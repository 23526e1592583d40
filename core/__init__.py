"""DeepStep's engine: numpy, h5py and the standard library only (no Qt; a test proves it).

The names below are the documented API; see README.md ("The engine from Python").
"""
from .activations import ACTIVATIONS
from .cost import accuracy, compute_cost
from .data import open_dataset
from .dataset import DataSet
from .errors import ConfigError, DataError, DeepStepError, ModelFileError
from .gradcheck import gradient_check
from .model_file import load_model, save_model
from .network import Network, init_parameters
from .propagation import (LayerCache, LayerGrads, backward, forward, layer_backward, layer_forward,
                          linear_backward, linear_forward)
from .training import Snapshot, TrainConfig, TrainControl, run, train
from .update import update_parameters

__all__ = [
    "ACTIVATIONS", "accuracy", "compute_cost", "open_dataset", "DataSet", "ConfigError", "DataError",
    "DeepStepError", "ModelFileError", "gradient_check", "load_model", "save_model", "Network",
    "init_parameters", "LayerCache", "LayerGrads", "backward", "forward", "layer_backward",
    "layer_forward", "linear_backward", "linear_forward", "Snapshot", "TrainConfig", "TrainControl",
    "run", "train", "update_parameters",
]
