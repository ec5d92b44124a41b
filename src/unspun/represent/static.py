"""Fast static document vectors for candidate search (no transformer pass per document).

``unspun setup`` runs every token of the MiniLM vocabulary through the ONNX encoder
once (as "[CLS] token [SEP]"), reduces the outputs to 256 dimensions with PCA and
stores the table. A document vector is then the mean of its content tokens' vectors
(stopwords left out), L2-normalised: numpy only, ~50k documents/s. A bag of tokens
cannot see that "$4.2bn" is not "$2.4bn": it finds candidates, the aligner decides.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from unspun.config import cache_dir
from unspun.errors import ModelNotBuilt
from unspun.represent.embed import TOKENIZER_FILE
from unspun.represent.text import STOPWORDS

STATIC_FILE = "minilm-static-256.npy"
STATIC_DIM = 256
_FIRST_WORDPIECE = 999  # ids below are [PAD], [unused*], [CLS], [SEP], [MASK]


def build_static(directory: Path | None = None, log=print) -> Path:  # noqa: ANN001
    """Token table from the built ONNX encoder (run after the encoder is built)."""
    from unspun.represent.embed import OnnxEncoder

    target = directory or cache_dir()
    enc = OnnxEncoder(target)
    vocab = enc._tok.get_vocab_size()
    cls_id, sep_id = enc._tok.token_to_id("[CLS]"), enc._tok.token_to_id("[SEP]")
    vecs = np.zeros((vocab, 384), dtype=np.float32)
    for start in range(0, vocab, 1024):
        ids = np.array([[cls_id, i, sep_id] for i in range(start, min(vocab, start + 1024))], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in enc._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        vecs[start: start + len(ids)] = enc._session.run(None, feed)[0].mean(axis=1)
    # PCA on real word pieces; without it every cosine is high (MODELS.md).
    mean = vecs[_FIRST_WORDPIECE:].mean(axis=0)
    _, _, vt = np.linalg.svd(vecs[_FIRST_WORDPIECE:] - mean, full_matrices=False)
    table = (vecs - mean) @ vt[:STATIC_DIM].T
    table /= np.linalg.norm(table, axis=1, keepdims=True) + 1e-9
    path = target / STATIC_FILE
    tmp = target / (STATIC_FILE + ".tmp.npy")
    np.save(tmp, table.astype(np.float16))
    tmp.replace(path)
    log(f"built {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


class StaticEncoder:
    """Document vectors from the static token table."""

    dim = STATIC_DIM

    def __init__(self, directory: Path | None = None) -> None:
        d = directory or cache_dir()
        path = d / STATIC_FILE
        if not path.exists():
            raise ModelNotBuilt(f"the static candidate model is not built in {d}: run `unspun setup`")
        from tokenizers import Tokenizer

        self.table = np.load(path).astype(np.float32)
        self._tok = Tokenizer.from_file(str(d / TOKENIZER_FILE))
        self._tok.no_padding()
        self._tok.no_truncation()
        vocab = self._tok.get_vocab()
        stop = {vocab[w] for w in STOPWORDS if w in vocab}
        self._keep = np.ones(len(self.table), dtype=bool)
        self._keep[:_FIRST_WORDPIECE] = False
        self._keep[list(stop)] = False
        punct = [i for w, i in vocab.items() if not any(ch.isalnum() for ch in w)]
        self._keep[punct] = False
        self.name = f"minilm-static-{STATIC_DIM}"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, enc in enumerate(self._tok.encode_batch(texts)):
            ids = np.asarray(enc.ids, dtype=np.int64)
            ids = ids[self._keep[ids]] if len(ids) else ids
            if len(ids):
                v = self.table[ids].mean(axis=0)
                out[i] = v / (np.linalg.norm(v) + 1e-9)
        return out


def manifest_info() -> dict:
    p = cache_dir() / "manifest.json"
    return json.loads(p.read_text()) if p.exists() else {}


_WORDS: "StaticEncoder | None | bool" = None


def word_similarity(a: str, b: str) -> float | None:
    """Cosine of two words in the static table (mean of their word pieces); None when the table
    is not built. Synonyms score high (bike/bicycle 0.87, kids/children 0.87), words of one
    kind low (guitar/keyboard 0.23, man/woman 0.15): what "the same argument" needs."""
    global _WORDS
    if _WORDS is None:
        try:
            _WORDS = StaticEncoder()
        except (ModelNotBuilt, ImportError, OSError):
            _WORDS = False
    if _WORDS is False:
        return None
    va, vb = _word_vector(a.lower()), _word_vector(b.lower())
    return float(va @ vb)


@functools.lru_cache(maxsize=8192)
def _word_vector(word: str) -> np.ndarray:
    enc = _WORDS  # type: ignore[assignment]
    ids = enc._tok.encode(word, add_special_tokens=False).ids  # type: ignore[union-attr]
    v = enc.table[ids].mean(axis=0) if ids else np.zeros(STATIC_DIM, dtype=np.float32)  # type: ignore[union-attr]
    return v / (np.linalg.norm(v) + 1e-9)
