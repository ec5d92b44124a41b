"""unspun: find every rewrite of a news story and show what each one changed.

Importing this package is cheap: models (onnxruntime, spaCy) and engines load on
first use, never at import.

>>> import unspun
>>> result = unspun.compare(text_a, text_b)          # doctest: +SKIP
>>> result.scores.same_story, result.links[0].kind  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "compare",
    "compare_files",
    "load",
    "CompareOptions",
    "Comparison",
    "Document",
    "Sentence",
    "Link",
    "Finding",
    "Scores",
    "Removed",
    "to_dict",
    "__version__",
]

if TYPE_CHECKING:  # pragma: no cover
    from unspun.pipeline import CompareOptions, compare, compare_files, load
    from unspun.records import Comparison, Document, Finding, Link, Removed, Scores, Sentence

_LAZY = {
    "compare": "unspun.pipeline",
    "compare_files": "unspun.pipeline",
    "load": "unspun.pipeline",
    "CompareOptions": "unspun.pipeline",
    "Comparer": "unspun.pipeline",
    "Comparison": "unspun.records",
    "Document": "unspun.records",
    "Sentence": "unspun.records",
    "Link": "unspun.records",
    "Finding": "unspun.records",
    "Scores": "unspun.records",
    "Removed": "unspun.records",
    "to_dict": "unspun.report.json",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unspun' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
