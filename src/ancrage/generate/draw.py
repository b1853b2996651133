"""Small, fast random helpers on top of ``random.Random`` (deterministic for a given seed)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Categorical(Generic[T]):
    """A weighted choice among values, drawn by bisection on cumulative weights."""

    __slots__ = ("_cumulative", "_total", "_values")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        values: list[T] = []
        weights: list[float] = []
        for value, weight in pairs:
            if weight > 0:
                values.append(value)
                weights.append(float(weight))
        if not values:
            raise ValueError("a categorical distribution needs at least one positive weight")
        self._values = values
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self._values[bisect_right(self._cumulative, rng.random() * self._total)]

    @property
    def values(self) -> Sequence[T]:
        return self._values


def lognormal(rng: random.Random, mu: float, sigma: float) -> float:
    """One draw of exp(N(mu, sigma))."""
    return math.exp(rng.gauss(mu, sigma))


def skewed_index(rng: random.Random, size: int, skew: float = 2.0) -> int:
    """An index in ``range(size)`` favouring the first positions (a few suppliers win a lot)."""
    return int(size * rng.random() ** skew)


def weighted_sample_without_replacement(
    rng: random.Random, weights: Sequence[float], count: int
) -> list[int]:
    """``count`` distinct indices drawn with probability proportional to ``weights``.

    Efraimidis-Spirakis keys: the largest u ** (1 / w) win; deterministic for a given rng state.
    """
    keys = [
        (rng.random() ** (1.0 / weight) if weight > 0 else 0.0, index)
        for index, weight in enumerate(weights)
    ]
    keys.sort(reverse=True)
    return sorted(index for _, index in keys[:count])
