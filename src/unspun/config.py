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
