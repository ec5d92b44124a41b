"""Shared helpers of the bench scripts: where the data is, reading it, printing tables."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def data_dir(arg: str | None = None) -> Path:
    """``--data``, else ``UNSPUN_DATA``, else ``../shared/data`` beside the checkout."""
    for cand in (arg, os.environ.get("UNSPUN_DATA"), str(ROOT.parent / "shared" / "data")):
        if cand and Path(cand).is_dir():
            return Path(cand)
    sys.exit("evaluation data not found: pass --data DIR or set UNSPUN_DATA (expected ../shared/data)")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    op = gzip.open if str(path).endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        for line in f:
            if line.strip():
                yield json.loads(line)


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", help="evaluation data directory (default: ../shared/data)")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    return p


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in r])
    Console().print(t)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
