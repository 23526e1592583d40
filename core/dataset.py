"""The DataSet every part of DeepStep trains on: X (n[0], m) and Y (1, m), course layout."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class DataSet:
    """A binary-classification data set in the course's layout.

    X has one column per example, shape (n[0], m); Y has shape (1, m) and holds 0.0 or 1.0.
    The test part is optional (X_test is None when everything is used for training).
    `image_shape` is (h, w, c) for image data (each column of X is an image flattened in C order),
    None for points; `class_names` names label 0 and label 1.
    """

    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    name: str = ""
    image_shape: tuple[int, ...] | None = None
    class_names: tuple[str, str] = ("0", "1")
    source: dict = field(default_factory=dict)  # how to make it again: generator settings or file path

    @property
    def n_x(self) -> int:
        """n[0]: the number of input features."""
        return self.X.shape[0]

    @property
    def m(self) -> int:
        """The number of training examples."""
        return self.X.shape[1]

    @property
    def m_test(self) -> int:
        return 0 if self.X_test is None else self.X_test.shape[1]

    def __repr__(self) -> str:
        kind = f"images {self.image_shape}" if self.image_shape else f"{self.n_x}-D points"
        return (f"DataSet({self.name or 'unnamed'}: {kind}, m={self.m}, m_test={self.m_test}, "
                f"positives={int(self.Y.sum())})")
