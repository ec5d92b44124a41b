"""Process-wide settings that come from the environment."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where derived model files live: ``UNSPUN_CACHE_DIR``, else ``~/.cache/unspun``.

    Nothing in it is downloaded: ``unspun setup`` builds it from installed packages.
    """
    env = os.environ.get("UNSPUN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "unspun"


def threads() -> int:
    """Threads for model inference: ``UNSPUN_THREADS`` or all cores (at most 8)."""
    env = os.environ.get("UNSPUN_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(8, os.cpu_count() or 1))


# Corpus defaults shared by the library (CorpusOptions, Corpus.match) and the CLI options, so the
# two never disagree. Light constants only: the CLI reads them without importing an engine.
INGEST_BATCH_SIZE = 64
"""Documents per ingest transaction: large enough to amortise encoder calls, small enough that an
interrupted ingest loses little work."""
MATCH_LIMIT = 5
"""Stories returned by ``match`` by default."""
ANN_MODES = ("auto", "exact", "hnsw")
ANN_MIN_DOCS = 50_000
"""``ann="auto"`` switches from exact search to HNSW from this many documents (bench/corpus_eval.py growth curve)."""

# `unspun serve`: local only unless told otherwise (the store holds other people's articles).
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000
