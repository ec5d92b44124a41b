"""`import unspun` must stay light: no torch, onnxruntime, spaCy or Spark at import."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_pull_heavy_dependencies():
    code = (
        "import sys, unspun; unspun.CompareOptions; "
        "heavy = [m for m in ('torch', 'onnxruntime', 'spacy', 'pyspark', 'sentence_transformers', 'transformers', 'trafilatura') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_compare_does_not_import_torch():
    code = (
        "import sys, unspun; r = unspun.compare('The mayor resigned on Monday. Her deputy takes over.', "
        "'On Monday the mayor quit. The deputy mayor will replace her.'); "
        "print('torch' in sys.modules, len(r.links))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    torch_loaded, links = out.stdout.split()
    assert torch_loaded == "False"
    assert int(links) >= 1
