"""Error types, each with the exit code the CLI maps it to.

Exit codes are part of the CLI contract (documented in the README):

====  =========================================================
0     success
1     unexpected internal error (a bug: please report it)
2     usage error (bad option or argument)
3     input error: missing, empty, binary, undecodable or too-large file
4     a required optional extra or built model is missing
5     batch finished, but some items were rejected (see their results)
6     the store is being written by another process: retry when it finishes
130   interrupted (Ctrl-C); nothing half-written is left
====  =========================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_MISSING_EXTRA = 4
EXIT_PARTIAL = 5
EXIT_BUSY = 6
EXIT_INTERRUPTED = 130


def brief(exc: BaseException, limit: int = 120) -> str:
    """An exception's message on one short line: it may quote hostile input (newlines, megabytes)."""
    return " ".join(str(exc).split())[:limit]


class UnspunError(Exception):
    """Base class: every error unspun raises on purpose."""

    exit_code = EXIT_INTERNAL


class InputError(UnspunError):
    """A document could not be read; ``source`` names it, ``problem`` says why."""

    exit_code = EXIT_INPUT

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class StoreBusy(InputError):
    """The store is locked by another process (DuckDB: one writer, or many readers, not both)."""

    exit_code = EXIT_BUSY

    def __init__(self, source: str, pid: int | None) -> None:
        who = f"PID {pid}" if pid else "another process"
        super().__init__(source, f"store is being written by {who}; retry when it finishes")
        self.pid = pid


class OptionsError(UnspunError, ValueError):
    """An options object was built with a value that cannot work."""

    exit_code = EXIT_USAGE


class MissingExtra(UnspunError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""

    exit_code = EXIT_MISSING_EXTRA

    def __init__(self, what: str, extra: str, detail: str = "") -> None:
        self.what = what
        self.extra = extra
        msg = f"{what} needs the optional extra '{extra}': pip install 'unspun[{extra}]'"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class ModelNotBuilt(UnspunError):
    """A derived model file (e.g. the ONNX encoder) has not been built yet."""

    exit_code = EXIT_MISSING_EXTRA
