"""Seeded choice of PrototypeKernel's prototype rows, the same rows tfgraph's Java side picks.

The random draws are java.util.SplittableRandom's (SplitMix64, bounded ints by rejection), so that
``adapt`` with the same data, labels and seed gives bit-identical prototypes in Python and Java.
"""
import numpy as np

_MASK = (1 << 64) - 1
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextInt(bound) only."""

    def __init__(self, seed):
        self._seed = seed & _MASK

    def _next_int(self):
        self._seed = (self._seed + _GOLDEN_GAMMA) & _MASK
        z = self._seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & _MASK          # mix32
        z = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & _MASK) >> 32
        return z - (1 << 32) if z >= (1 << 31) else z       # Java int

    def next_int(self, bound):
        r = self._next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1                          # r >>> 1
        while True:
            r = u % bound
            if _int32(u + m - r) >= 0:
                return r
            u = (self._next_int() & 0xFFFFFFFF) >> 1


def _int32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def _rows_by_class(y, classes, k):
    rows = [[] for _ in range(classes)]
    for i, c in enumerate(y):
        rows[c].append(i)
    for c in range(classes):
        if len(rows[c]) < k:
            raise ValueError("class %d has %d examples, expected at least %d (prototypes per class)"
                             % (c, len(rows[c]), k))
    return rows


def random_rows(x, y, classes, k, seed):
    """k distinct rows per class, class-major: rows c·k .. c·k + k − 1 belong to class c."""
    rows = _rows_by_class(y, classes, k)
    rng = SplittableRandom(seed)
    out = np.zeros((classes * k, x.shape[1]))
    for c in range(classes):
        r = list(rows[c])
        for j in range(k):
            pick = j + rng.next_int(len(r) - j)
            r[j], r[pick] = r[pick], r[j]
            out[c * k + j] = x[r[j]]
    return out


def kmeans(x, y, classes, k, seed, iterations=20):
    """k-means per class (Lloyd, from the seeded random rows); an empty cluster keeps its centre."""
    centres = random_rows(x, y, classes, k, seed)
    rows = _rows_by_class(y, classes, k)
    for c in range(classes):
        pts = x[rows[c]]
        cc = centres[c * k:(c + 1) * k]
        for _ in range(iterations):
            d = ((pts[:, None, :] - cc[None, :, :]) ** 2).sum(-1)
            best = np.argmin(d, axis=1)                   # first minimum, as the Java loop
            for j in range(k):
                members = pts[best == j]
                if len(members):
                    cc[j] = members.sum(0) / len(members)
    return centres


def std(x, floor):
    """Per-feature population standard deviation, floored."""
    return np.maximum(np.sqrt(((x - x.mean(0)) ** 2).mean(0)), floor)
