"""A compact set of 16-byte content digests: the duplicate check of a whole import.

An import remembers the digest of every record it has loaded or counted (and of every record of
the warehouse) to skip identical contents at once. In a Python ``set`` each digest costs about
110 bytes (measured: 156 MiB for 1.5 M digests): an import's peak memory grew by that much per
record. Here the digests live in sorted NumPy arrays, 16 bytes each; only the newest are kept in
a small Python set, sorted into an array when it fills up.

The hot loop of the fast path looks up a whole batch at once (:meth:`DigestSet.in_sorted`, one
vectorised search per array) and checks the newest with the Python set (:attr:`recent`), inside
:meth:`DigestSet.held` so that no digest leaves that set meanwhile.

The set holds at most :data:`CAPACITY` digests, so that an import's memory does not grow with
the size of its files or of the warehouse. Beyond that, new digests are not kept and the set says
so (:attr:`DigestSet.complete` becomes false): it only answers "seen" for certain, and the final
step of the import, which compares every staged content in DuckDB (spilling to disk), finds the
duplicates it let through. The national file (1.5 M records) is far below the capacity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np

# Newest digests kept in the Python set before they are sorted into an array (about 14 MB).
RECENT_LIMIT = 1 << 17
# Digests kept at most: 4,194,304, 64 MiB in the arrays.
CAPACITY = 1 << 22
# Runs are not merged beyond this size: a merge copies both runs, and the copies of the last
# merges would otherwise come on top of a full set (up to 160 MiB more at the capacity).
MAX_RUN = 1 << 20


class DigestSet:
    """A set of 16-byte digests; ``in``, ``add``, ``update``, ``clear`` and ``len`` as a set,
    up to :data:`CAPACITY` digests (see :attr:`complete`)."""

    def __init__(self, digests: Iterable[bytes] = ()) -> None:
        self.recent: set[bytes] = set()
        # False once a digest was left out for lack of room: "not in" then means "not known".
        self.complete = True
        self._sorted = 0  # digests in the sorted runs
        # Sorted runs: (first 8 bytes, last 8 bytes) as unsigned integers, sorted by the first.
        # Runs are merged as a binary counter merges: a few runs, each digest moved a few times.
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._held = 0
        self.update(digests)

    def __len__(self) -> int:
        return len(self.recent) + sum(len(high) for high, _ in self._runs)

    def __contains__(self, digest: bytes) -> bool:
        if digest in self.recent:
            return True
        if not self._runs:  # (a small set, such as the quarantined contents: a plain set)
            return False
        # One digest: plain integers and one search per run (a batch costs more to set up).
        high = np.uint64(int.from_bytes(digest[:8], "little"))
        low = np.uint64(int.from_bytes(digest[8:], "little"))
        for run_high, run_low in self._runs:
            i = int(run_high.searchsorted(high))
            while i < len(run_high) and run_high[i] == high:
                if run_low[i] == low:
                    return True
                i += 1
        return False

    def membership(self) -> Callable[[bytes], bool]:
        """The fastest ``in`` for the set as it is now: that of :attr:`recent` while there is no
        sorted array (within :meth:`held`, where nothing moves)."""
        return self.__contains__ if self._runs else self.recent.__contains__

    def add(self, digest: bytes) -> None:
        if digest not in self:
            self.add_new(digest)

    def add_new(self, digest: bytes) -> None:
        """Add a digest the caller has just found absent (no second lookup)."""
        self.recent.add(digest)
        if not self._held:
            self.settle()

    @contextmanager
    def held(self) -> Iterator[None]:
        """While a batch looked up by :meth:`in_sorted` is checked against :attr:`recent`: the
        newest digests stay in :attr:`recent` until the end of the block."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held:
                self.settle()

    def update(self, digests: Iterable[bytes]) -> None:
        """Add many digests at once (those of a warehouse). One given twice is kept twice:
        membership is the same, only ``len`` counts it twice."""
        batch: list[bytes] = []
        for digest in digests:
            batch.append(digest)
            if len(batch) >= RECENT_LIMIT:
                self._add_run(batch)
                batch = []
        if batch:
            self._add_run(batch)

    def update_joined(self, joined: bytes) -> None:
        """Add many digests given joined, 16 bytes each (a warehouse's column, read in bulk:
        no Python object per digest)."""
        if len(joined) % 16:
            raise ValueError("une empreinte de contenu fait 16 octets")
        step = 16 * RECENT_LIMIT
        for start in range(0, len(joined), step):
            self._add_split(*_split(joined[start : start + step]))

    def clear(self) -> None:
        self.recent.clear()
        self._runs = []
        self._sorted = 0

    def settle(self) -> None:
        """Sort the newest digests into an array once there are enough of them."""
        if len(self.recent) >= RECENT_LIMIT and not self._held:
            recent, self.recent = self.recent, set()
            self._add_run(recent)

    def in_sorted(self, digests: list[bytes] | bytes) -> np.ndarray:
        """For each digest, whether it is in the sorted arrays (not in :attr:`recent`);
        ``digests`` a list, or all of them joined (16 bytes each)."""
        high, low = _split(digests)
        found = np.zeros(len(high), dtype=bool)
        if not self._runs or not len(high):
            return found
        # (sorted queries: each search walks the arrays in order, 4x faster measured)
        order = np.argsort(high)
        high, low = high[order], low[order]
        hit = np.zeros(len(high), dtype=bool)
        for run_high, run_low in self._runs:
            size = len(run_high)
            at = np.minimum(np.searchsorted(run_high, high), size - 1)
            same = run_high[at] == high
            hit |= same & (run_low[at] == low)
            # Two digests sharing their first 8 bytes: about one chance in 10^19 per pair.
            for i in np.flatnonzero(same & ~hit & (at + 1 < size)):
                j = at[i] + 1
                while j < size and run_high[j] == high[i]:
                    if run_low[j] == low[i]:
                        hit[i] = True
                        break
                    j += 1
        found[order] = hit
        return found

    def _add_run(self, digests: Iterable[bytes]) -> None:
        digests = list(digests)
        if any(len(d) != 16 for d in digests):
            raise ValueError("une empreinte de contenu fait 16 octets")
        self._add_split(*_split(digests))

    def _add_split(self, high: np.ndarray, low: np.ndarray) -> None:
        if self._sorted + len(high) > CAPACITY:
            self.complete = False  # (left out: the final step finds their duplicates)
            return
        self._sorted += len(high)
        order = np.argsort(high, kind="stable")
        self._runs.append((high[order], low[order]))
        while (
            len(self._runs) > 1
            and len(self._runs[-2][0]) < 2 * len(self._runs[-1][0])
            and len(self._runs[-2][0]) + len(self._runs[-1][0]) <= MAX_RUN
        ):
            (high_a, low_a), (high_b, low_b) = self._runs.pop(-2), self._runs.pop()
            high, low = np.concatenate([high_a, high_b]), np.concatenate([low_a, low_b])
            # (two sorted runs end to end: the stable sort merges them in linear time)
            order = np.argsort(high, kind="stable")
            self._runs.append((high[order], low[order]))


def _split(digests: list[bytes] | bytes) -> tuple[np.ndarray, np.ndarray]:
    """(first 8 bytes, last 8 bytes) of each digest; ``digests`` a list, or all of them joined."""
    joined = digests if isinstance(digests, bytes) else b"".join(digests)
    pairs = np.frombuffer(joined, dtype="<u8").reshape(-1, 2)
    if not isinstance(digests, bytes) and len(pairs) != len(digests):
        raise ValueError("une empreinte de contenu fait 16 octets")
    return pairs[:, 0].copy(), pairs[:, 1].copy()
