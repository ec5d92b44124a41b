"""The stage order, in one place: read -> extract -> segment -> represent -> align -> drift -> scores.

Both the CLI and the library (and, later, the corpus engines) call these functions;
none of them re-implements a stage.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

from unspun import align as align_stage
from unspun import segment as segment_stage
from unspun.align import AlignOptions
from unspun.align.scores import lead_text, name_set, pair_features, scores
from unspun.drift import DriftOptions
from unspun.errors import InputError, MissingExtra, ModelNotBuilt, OptionsError, UnspunError, brief
from unspun.extract import ExtractOptions, extract
from unspun.limits import MAX_DOCUMENT_CHARS, MAX_ID_CHARS, MAX_SENTENCES
from unspun.read import read_path, read_text
from unspun.read.decode import storable
from unspun.read.sources import parse_json
from unspun.records import Comparison, Document, RawDocument, Rejected
from unspun.represent import featurize
from unspun.represent.text import words
from unspun.segment import SegmentOptions, segment

Source = Union[str, os.PathLike, RawDocument, Document]


@dataclass(frozen=True)
class CompareOptions:
    """Everything :func:`compare` can be told; each stage validates its own part.

    ``embeddings``: "auto" uses the MiniLM encoder when it is built and falls back to
    lexical alignment with a warning; "require" fails when it is missing; "off" never
    loads it. ``findings``: run the drift stage.
    """

    extract: ExtractOptions = field(default_factory=ExtractOptions)
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    drift: DriftOptions = field(default_factory=DriftOptions)
    embeddings: str = "auto"
    findings: bool = True
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        if self.embeddings not in ("auto", "require", "off"):
            raise OptionsError(f"CompareOptions.embeddings must be 'auto', 'require' or 'off', got {self.embeddings!r}")
        if self.max_bytes is not None and self.max_bytes <= 0:
            raise OptionsError("CompareOptions.max_bytes must be positive")


def load(source: Source, *, doc_id: str | None = None, options: CompareOptions | None = None) -> Document:
    """Read, extract and segment one source: a path, text, a :class:`RawDocument` or a :class:`Document`.

    A ``str`` is article text (HTML is recognised); pass a :class:`pathlib.Path` for a file.
    """
    opts = options or CompareOptions()
    if isinstance(source, Document):
        return source
    if isinstance(source, RawDocument):
        raw = source
    elif isinstance(source, os.PathLike):
        raw = read_path(source, max_bytes=opts.max_bytes, doc_id=doc_id)
    elif isinstance(source, (str, bytes)):
        raw = read_text(source, doc_id=doc_id or "text", max_bytes=opts.max_bytes)
    else:
        raise OptionsError(f"cannot compare a {type(source).__name__}: pass text, a Path, or a Document")
    return document_from_raw(raw, opts)


def document_from_raw(raw: RawDocument, options: CompareOptions | None = None) -> Document:
    """Stages 2-3 (extract, segment) for one raw document, held to the limits of
    :mod:`unspun.limits` (over one: :class:`InputError` naming it). Sentences split at
    ``max_chars`` are counted in ``meta["split_sentences"]`` (a warning in comparisons)."""
    opts = options or CompareOptions()
    name = str(raw.meta.get("path") or raw.id)  # the file the user named, in any error
    if raw.format != "html" and len(raw.text) > MAX_DOCUMENT_CHARS:  # plain text: refused before any work
        raise InputError(name, f"document is too long ({len(raw.text):,} characters; the limit is {MAX_DOCUMENT_CHARS:,})")
    ex = extract(raw, opts.extract)
    if len(ex.text) > MAX_DOCUMENT_CHARS:
        raise InputError(name, f"document is too long after extraction ({len(ex.text):,} characters; "
                               f"the limit is {MAX_DOCUMENT_CHARS:,})")
    sentences = segment(ex.text, opts.segment)
    if len(sentences) > MAX_SENTENCES:
        raise InputError(name, f"document has too many sentences ({len(sentences):,}; the limit is {MAX_SENTENCES:,})")
    split = segment_stage.long_sentences(sentences, opts.segment.max_chars)
    meta = {**ex.meta, "split_sentences": split} if split else ex.meta
    return Document(id=raw.id, text=ex.text, title=ex.title, sentences=sentences, removed=ex.removed, meta=meta)


def document_or_rejection(raw: RawDocument, options: CompareOptions, where: str) -> Document | Rejected:
    """:func:`document_from_raw` for one document of a batch: any failure, expected (a limit, no
    text) or not (a bug in a stage on hostile input), is a rejection of that document alone."""
    try:
        return document_from_raw(raw, options)
    except UnspunError as exc:
        return Rejected(where, "extract", getattr(exc, "problem", str(exc)), raw.id)
    except Exception as exc:  # noqa: BLE001 - one document never stops a batch; the reason says it is a bug
        return Rejected(where, "extract", f"internal error ({type(exc).__name__}: {brief(exc)})", raw.id)


class Comparer:
    """Compares pairs with one loaded encoder (batch mode, web app, corpus verification)."""

    def __init__(self, options: CompareOptions | None = None) -> None:
        self.options = options or CompareOptions()
        self.encoder = None
        self.warnings: tuple[str, ...] = ()
        if self.options.embeddings != "off":
            from unspun.represent.embed import default_encoder

            try:
                self.encoder = default_encoder()
            except (ModelNotBuilt, MissingExtra) as exc:
                if self.options.embeddings == "require":
                    raise
                self.warnings = (f"{exc}; aligning on words only (paraphrases will be missed)",)
        self._drift = None
        self._feature_cache: dict = {}

    def compare(self, a: Source, b: Source) -> Comparison:
        t0 = time.perf_counter()
        doc_a = load(a, doc_id=_default_id(a, "a"), options=self.options)
        doc_b = load(b, doc_id=_default_id(b, "b"), options=self.options)
        return self.compare_documents(doc_a, doc_b, started=t0)

    def compare_documents(self, doc_a: Document, doc_b: Document, *, started: float | None = None,
                          vectors_a: tuple | None = None, vectors_b: tuple | None = None) -> Comparison:
        """Compare loaded documents. ``vectors_*``: precomputed (sentence matrix, lead vector), e.g. from a corpus store."""
        t0 = started if started is not None else time.perf_counter()
        timings: dict[str, float] = {}
        t = time.perf_counter()
        timings["read_extract_segment"] = t - t0
        emb_a = emb_b = None
        lead_cos = None
        if self.encoder is not None and vectors_a is not None and vectors_b is not None:
            emb_a, emb_b = vectors_a[0], vectors_b[0]
            lead_cos = float(vectors_a[1] @ vectors_b[1])
        elif self.encoder is not None:
            (emb_a, lead_a), (emb_b, lead_b) = self.sentence_vectors_many([doc_a, doc_b])
            lead_cos = float(lead_a @ lead_b)
        fa, names_a = self._features(doc_a, emb_a)
        fb, names_b = self._features(doc_b, emb_b)
        timings["represent"] = time.perf_counter() - t
        t = time.perf_counter()
        alignment = align_stage.align(fa, fb, self.options.align)
        words_a = [len(words(s.text)) for s in doc_a.sentences]
        words_b = [len(words(s.text)) for s in doc_b.sentences]
        feats = pair_features(fa, fb, alignment.links, alignment.lexical, words_a, words_b, lead_cos, (names_a, names_b))
        pair_scores = scores(feats, semantic=self.encoder is not None)
        timings["align"] = time.perf_counter() - t
        findings: tuple = ()
        algorithms = {
            "segment": segment_stage.ALGORITHM,
            "align": align_stage.ALGORITHM,
            "embeddings": self.encoder.name if self.encoder is not None else "none (lexical only)",
        }
        warnings = list(self.warnings)
        for side, doc in (("A", doc_a), ("B", doc_b)):
            if doc.meta.get("split_sentences"):
                warnings.append(f"{side}: {doc.meta['split_sentences']} sentence(s) longer than "
                                f"{self.options.segment.max_chars:,} characters were split at a space")
        if self.options.findings:
            t = time.perf_counter()
            findings, drift_name, drift_warnings = self._run_drift(doc_a, doc_b, alignment)
            algorithms["drift"] = drift_name
            warnings.extend(drift_warnings)
            timings["drift"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        return Comparison(
            a=doc_a,
            b=doc_b,
            links=alignment.links,
            unmatched_a=alignment.unmatched_a,
            unmatched_b=alignment.unmatched_b,
            scores=pair_scores,
            findings=tuple(findings),
            algorithms=algorithms,
            warnings=tuple(warnings),
            timings={k: round(v * 1000, 2) for k, v in timings.items()},
        )

    def _features(self, doc: Document, emb):  # noqa: ANN001, ANN202
        """Lexical features and names of a document, computed once per document text (a corpus
        verifies one document against several others)."""
        key = (doc.id, hashlib.blake2b(doc.text.encode("utf-8", "surrogatepass"), digest_size=12).digest())
        hit = self._feature_cache.get(key)
        if hit is None:
            hit = (featurize(doc), name_set([s.text for s in doc.sentences], doc.title))
            self._feature_cache[key] = hit
            if len(self._feature_cache) > 4096:
                self._feature_cache.pop(next(iter(self._feature_cache)))
        feats, names = hit
        return dataclasses.replace(feats, embeddings=emb), names

    def sentence_vectors(self, doc: Document) -> tuple:
        """(sentence matrix, lead vector) of a document, as :meth:`compare_documents` uses them."""
        return self.sentence_vectors_many([doc])[0]

    def sentence_vectors_many(self, docs: list[Document]) -> list[tuple]:
        """(sentence matrix, lead vector) per document, each a function of that document alone
        (batch-independent, see :mod:`unspun.represent.embed`), encoded in one call."""
        from unspun.represent.embed import encode_groups

        groups: list[list[str]] = []
        for d in docs:
            groups += [[s.text for s in d.sentences], [lead_text(d.title, d.text)]]
        mats = encode_groups(self.encoder, groups)
        return [(mats[2 * k], mats[2 * k + 1][0]) for k in range(len(docs))]

    def _run_drift(self, doc_a, doc_b, alignment):  # noqa: ANN001, ANN202
        from unspun import drift

        return drift.run(doc_a, doc_b, alignment, self.options.drift)


def _default_id(source: Source, fallback: str) -> str | None:
    if isinstance(source, RawDocumentRef):
        return source.doc_id
    if isinstance(source, os.PathLike):
        return os.fspath(source)
    if isinstance(source, (str, bytes)):
        return fallback
    return None


def compare_lines(comparer: Comparer, lines: Iterable[tuple[int, bytes | str]], where: str,
                  base: Path) -> Iterator[tuple[Any, Comparison | UnspunError]]:
    """The batch loop of ``compare --pairs``: one (id, Comparison or error) per non-empty JSONL line.

    ``lines`` are (line number, line). A bad line (not UTF-8, not JSON, not an object, bad
    sources, unreadable documents, or a failure inside a stage) yields its error and the batch
    goes on. ``where`` names the input in errors (``FILE:LINE``); relative ``*_path`` values are
    resolved against ``base``.
    """
    for n, line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8-sig" if n == 1 else "utf-8", errors="surrogateescape")
        if not line.strip():
            continue
        item_id: Any = f"line-{n}"
        at = f"{where}:{n}"
        try:
            item = _batch_item(line, at)
            item_id = _batch_id(item.get("id", item_id), at)
            a, b = batch_item_sources(item, at, base=base, max_bytes=comparer.options.max_bytes)
            yield item_id, comparer.compare(a, b)
        except InputError as exc:  # a document of the line: name the line, then the document
            yield item_id, exc if exc.source == at else InputError(at, f"{exc.source}: {exc.problem}")
        except UnspunError as exc:
            yield item_id, exc
        except Exception as exc:  # noqa: BLE001 - one line never stops the batch; the error says it is a bug
            yield item_id, InputError(at, f"internal error while comparing ({type(exc).__name__}: {brief(exc)})")


def _batch_item(line: str, at: str) -> dict:
    if _UNSTORABLE_LINE.search(line):
        raise InputError(at, "is not UTF-8")
    item, problem = parse_json(line)
    if problem:
        raise InputError(at, problem)
    if not isinstance(item, dict):
        raise InputError(at, "each line must be a JSON object")
    return item


# Bytes that were not UTF-8 (the line is decoded with surrogateescape to find them).
_UNSTORABLE_LINE = re.compile("[\udc80-\udcff]")


def _batch_id(value: Any, at: str) -> Any:
    """A batch line's ``id`` as echoed in its result: a string (made storable) or a number."""
    if isinstance(value, str):
        return storable(value)[:MAX_ID_CHARS]
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise InputError(at, f"'id' must be a string or a number, not {type(value).__name__}")


def batch_item_sources(item: dict, where: str, base: Path, max_bytes: int | None = None) -> tuple[Source, Source]:
    """The two sources of a batch line: ``a``/``b`` text, ``a_html``/``b_html``, or ``a_path``/``b_path``.
    Inline text is held to ``max_bytes`` like a file."""
    out = []
    for side in ("a", "b"):
        given = [k for k in (side, f"{side}_html", f"{side}_path") if item.get(k) is not None]
        if len(given) != 1:
            raise InputError(where, f"needs exactly one of '{side}', '{side}_html', '{side}_path'")
        key = given[0]
        value = item[key]
        if not isinstance(value, str):
            raise InputError(where, f"'{key}' must be a string")
        value = storable(value)
        given_id = item.get(f"{side}_id")
        doc_id = storable(str(given_id))[:MAX_ID_CHARS] if given_id else (value if key.endswith("_path") else f"{_batch_id(item.get('id', where), where)}:{side}")
        if key.endswith("_path"):
            path = Path(value)
            out.append(RawDocumentRef(path if path.is_absolute() else base / path, doc_id))
        else:
            try:
                out.append(read_text(value, doc_id=doc_id, format="html" if key.endswith("_html") else None, max_bytes=max_bytes))
            except InputError as exc:
                raise InputError(where, f"'{key}': {exc.problem}") from None
    return out[0], out[1]


class RawDocumentRef(os.PathLike):
    """A path with the id it should carry (the path as given in the batch file)."""

    def __init__(self, path: Path, doc_id: str) -> None:
        self.path, self.doc_id = path, doc_id

    def __fspath__(self) -> str:
        return str(self.path)


_COMPARERS: dict[CompareOptions, Comparer] = {}


def compare(a: Source, b: Source, options: CompareOptions | None = None) -> Comparison:
    """Align two versions of a story and say what changed.

    ``a`` and ``b`` are article text (``str``, HTML recognised), file paths
    (:class:`pathlib.Path`), or already loaded :class:`Document` objects.
    """
    opts = options or CompareOptions()
    comparer = _COMPARERS.get(opts)
    if comparer is None:
        comparer = _COMPARERS[opts] = Comparer(opts)
    return comparer.compare(a, b)


def compare_files(a: str | os.PathLike, b: str | os.PathLike, options: CompareOptions | None = None) -> Comparison:
    """:func:`compare` for two file paths (``-`` reads stdin)."""
    return compare(Path(a) if str(a) != "-" else _Stdin(), Path(b) if str(b) != "-" else _Stdin(), options)


class _Stdin(os.PathLike):
    def __fspath__(self) -> str:
        return "-"
