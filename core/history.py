"""Series that keep a whole run at bounded memory, thinned uniformly.

Points arrive in order. Every `stride`-th point (by arrival) is kept, and when the kept points
fill the capacity, every other one is dropped and the stride doubles. So the points kept are
spread evenly over the whole run, however long it gets (a 200,000-iteration run keeps as much of
its first tenth as of its last), the first point is always there, and the latest point is kept
too, beside the evenly spread ones, so a curve always reaches the present.

CostHistory holds (iteration, cost) pairs in NumPy arrays for plotting; ThinnedSeries is a list
of anything (e.g. (iteration, gradient norms) or (iteration, parameters)) under the same rule.
"""
from __future__ import annotations

import numpy as np


class _Thinning:
    """The bookkeeping both series share: which arrivals to keep, and when to thin.

    Invariant: kept point j arrived as number j * stride, and the kept points are every arrival
    with a number that is a multiple of stride. Thinning keeps the even j, so it still holds with
    the stride doubled; and the grid is full (G points) only when the arrival G * stride is due,
    which the doubled stride keeps, as G is even. The capacity of the evenly spread points is
    even and at most one less than the series' capacity, which leaves room for the latest point.
    """

    def __init__(self, capacity: int):
        if capacity < 3:
            raise ValueError("capacity must be at least 3")
        self.capacity = capacity
        self.stride = 1
        self.seen = 0     # points that have arrived

    @property
    def grid_capacity(self) -> int:
        return (self.capacity - 1) // 2 * 2

    def keeps_next(self) -> bool:
        """Whether the next arrival is one of the evenly spread points (call once per arrival)."""
        keep = self.seen % self.stride == 0
        self.seen += 1
        return keep


class ThinnedSeries(list):
    """A list that never holds more than `capacity` items: uniformly thinned, first and latest kept.

    Read it as any list; add with append() (or extend()). The stride says how many arrivals each
    kept item stands for.
    """

    def __init__(self, capacity: int = 2000, items=()):
        super().__init__()
        self._rule = _Thinning(capacity)
        self._tail = False   # the last item is the latest arrival, not an evenly spread one
        self.extend(items)

    @property
    def capacity(self) -> int:
        return self._rule.capacity

    @capacity.setter
    def capacity(self, value: int) -> None:
        """A new bound; thins at once if the items kept no longer fit."""
        rule = _Thinning(value)
        rule.stride, rule.seen = self._rule.stride, self._rule.seen
        self._rule = rule
        if not self:
            return
        latest = self.pop() if self._tail else self[-1]
        n, stride = len(self), rule.stride
        while len(self) > rule.grid_capacity:
            self._halve()
        if self._tail or (n - 1) % (rule.stride // stride):  # the latest went: keep it after the grid
            super().append(latest)
            self._tail = True

    @property
    def stride(self) -> int:
        return self._rule.stride

    def append(self, item) -> None:
        if self._tail:  # the previous latest gives way to this one
            self.pop()
            self._tail = False
        if self._rule.keeps_next():
            if len(self) >= self._rule.grid_capacity:
                self._halve()
            super().append(item)
        else:
            super().append(item)
            self._tail = True

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def _halve(self) -> None:
        self[:] = self[::2]
        self._rule.stride *= 2

    def clear(self) -> None:
        super().clear()
        self._rule = _Thinning(self._rule.capacity)
        self._tail = False

    def __reduce__(self):
        # copy and pickle would otherwise refill it through append(), thinning it a second time
        return _rebuilt, (self.capacity, self._rule.stride, self._rule.seen, self._tail, list(self))


def _rebuilt(capacity, stride, seen, tail, items) -> ThinnedSeries:
    series = ThinnedSeries(capacity)
    list.extend(series, items)
    series._rule.stride, series._rule.seen, series._tail = stride, seen, tail
    return series


class CostHistory:
    """(iteration, cost) points of a run, at most `capacity` of them, for a cost curve."""

    def __init__(self, capacity: int = 4000):
        if capacity < 4:
            raise ValueError("capacity must be at least 4")
        self.capacity = capacity
        self._rule = _Thinning(capacity)
        self._i = np.empty(capacity, dtype=np.int64)
        self._c = np.empty(capacity, dtype=np.float64)
        self._grid = 0       # evenly spread points held, at the front of the arrays
        self._n = 0          # points held: the grid, and the latest point after it when off the grid

    def __len__(self) -> int:
        return self._n

    @property
    def stride(self) -> int:
        return self._rule.stride

    def append(self, iteration: int, cost: float) -> None:
        rule = self._rule
        if rule.keeps_next():
            if self._grid >= rule.grid_capacity:
                self._thin()
            self._i[self._grid] = iteration
            self._c[self._grid] = cost
            self._grid += 1
            self._n = self._grid
        else:  # the latest point, in the slot after the grid, until the next arrival
            self._i[self._grid] = iteration
            self._c[self._grid] = cost
            self._n = self._grid + 1

    def extend(self, points) -> None:
        for i, c in points:
            self.append(i, c)

    def _thin(self) -> None:
        k = (self._grid + 1) // 2
        self._i[:k] = self._i[:self._grid:2].copy()
        self._c[:k] = self._c[:self._grid:2].copy()
        self._grid = self._n = k
        self._rule.stride *= 2

    @property
    def iterations(self) -> np.ndarray:
        return self._i[:self._n].copy()

    @property
    def costs(self) -> np.ndarray:
        return self._c[:self._n].copy()

    def last(self):
        return (int(self._i[self._n - 1]), float(self._c[self._n - 1])) if self._n else None

    def clear(self) -> None:
        self._rule = _Thinning(self.capacity)
        self._grid = self._n = 0
