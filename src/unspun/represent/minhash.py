"""MinHash signatures of word 3-gram shingles, for copies and light edits (numpy, no extra dependency).

128 permutations in 32 bands of 4 rows: two documents become LSH candidates from a
Jaccard similarity of about 0.4 upward (the S-curve (1/32)^(1/4)); the aligner then
verifies them. ``bench/corpus_eval.py`` runs datasketch and rensa beside it.
"""

from __future__ import annotations

import zlib

import numpy as np

from unspun.represent.text import words

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 3
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20240601)
_A = _rng.randint(1, 1 << 31, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=NUM_PERM, dtype=np.int64).astype(np.uint64)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    ws = words(text)
    if len(ws) < k:
        return {" ".join(ws)} if ws else set()
    return {" ".join(ws[i: i + k]) for i in range(len(ws) - k + 1)}


def signature(text: str) -> np.ndarray:
    """``NUM_PERM`` uint32 minimum hashes of the text's shingles."""
    sh = shingles(text)
    if not sh:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    h = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in sh), dtype=np.uint64, count=len(sh))
    vals = (np.outer(h, _A) + _B) % _PRIME
    return (vals.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))


def band_keys(sig: np.ndarray) -> list[int]:
    """One hashable key per band."""
    rows = sig.reshape(BANDS, ROWS).astype(np.uint64)
    keys = []
    for b, row in enumerate(rows):
        keys.append(hash((b, *row.tolist())))
    return keys


class LSHIndex:
    """Band buckets in memory; rebuilt from stored signatures when a corpus opens."""

    def __init__(self) -> None:
        self.buckets: dict[int, list[int]] = {}

    def add(self, item: int, sig: np.ndarray) -> None:
        for key in band_keys(sig):
            self.buckets.setdefault(key, []).append(item)

    def query(self, sig: np.ndarray) -> set[int]:
        out: set[int] = set()
        for key in band_keys(sig):
            out.update(self.buckets.get(key, ()))
        return out
