from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: a fixed, bounded run in CI (reproducible, a few seconds per test); set
# HYPOTHESIS_PROFILE=dev locally for a longer random search.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def harbor() -> tuple[Path, Path]:
    return EXAMPLES / "harbor_original.txt", EXAMPLES / "harbor_rewrite.txt"


@pytest.fixture(scope="session")
def comparer():
    """A comparer with the real ONNX encoder (built by `make test` via `unspun setup`)."""
    from unspun.pipeline import CompareOptions, Comparer

    return Comparer(CompareOptions(embeddings="require"))


@pytest.fixture(scope="session")
def lexical_comparer():
    from unspun.pipeline import CompareOptions, Comparer

    return Comparer(CompareOptions(embeddings="off"))


def run_cli(*args: str, input: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `unspun` console script in a subprocess."""
    exe = Path(sys.executable).parent / "unspun"
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(exe), *args],
        input=input.encode() if isinstance(input, str) else input,
        capture_output=True,
        env=full_env,
        timeout=300,
        cwd=str(ROOT),
    )


def load_json_stdout(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def write_warc(path: Path, pages: dict[str, str]) -> Path:
    """A gzipped WARC with one HTML response per page (uri -> html) and one image response."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for uri, html in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(html.encode()), http_headers=headers))
        writer.write_record(writer.create_warc_record("https://news.example/logo.png", "response", payload=BytesIO(b"\x89PNG"),
                            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")))
    return path
