"""A cost curve that keeps a whole run at bounded memory.

Points arrive in order. When more than `capacity` are held, the older half is thinned to every
other point, so the recent past stays at full detail and the distant past at decreasing detail,
and a 200,000-iteration run never holds more than `capacity` points.
"""
from __future__ import annotations

import numpy as np


class CostHistory:
    def __init__(self, capacity: int = 4000):
        if capacity < 4:
            raise ValueError("capacity must be at least 4")
        self.capacity = capacity
        self._i = np.empty(capacity + 1, dtype=np.int64)
        self._c = np.empty(capacity + 1, dtype=np.float64)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, iteration: int, cost: float) -> None:
        self._i[self._n] = iteration
        self._c[self._n] = cost
        self._n += 1
        if self._n > self.capacity:
            self._thin()

    def extend(self, points) -> None:
        for i, c in points:
            self.append(i, c)

    def _thin(self) -> None:
        half = self._n // 2
        keep = np.concatenate([np.arange(0, half, 2), np.arange(half, self._n)])
        k = len(keep)
        self._i[:k] = self._i[keep]
        self._c[:k] = self._c[keep]
        self._n = k

    @property
    def iterations(self) -> np.ndarray:
        return self._i[:self._n].copy()

    @property
    def costs(self) -> np.ndarray:
        return self._c[:self._n].copy()

    def last(self):
        return (int(self._i[self._n - 1]), float(self._c[self._n - 1])) if self._n else None

    def clear(self) -> None:
        self._n = 0
