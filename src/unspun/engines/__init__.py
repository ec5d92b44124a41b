"""Engines run the stage kernels over a corpus: they batch, cache, index and write; they hold no
stage logic. ``local`` is the single-machine engine over a DuckDB store (:class:`~unspun.engines.local.Corpus`)."""
