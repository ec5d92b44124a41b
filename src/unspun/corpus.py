"""The corpus API (``from unspun.corpus import Corpus``): the local engine, kept at this import path."""

from unspun.engines.local import KERNELS, Corpus, CorpusOptions, IngestSummary

__all__ = ["Corpus", "CorpusOptions", "IngestSummary", "KERNELS"]
