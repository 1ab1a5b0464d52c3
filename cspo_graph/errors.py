"""Exceptions the library raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from pathlib import Path


class CspoError(Exception):
    """An error in the user's input or in running a command (exit code 1)."""

    exit_code = 1


class UsageError(CspoError):
    """The command was called the wrong way (exit code 2)."""

    exit_code = 2


class InputError(CspoError):
    """Bad input, located as precisely as known: ``file:line:column: message``."""

    def __init__(
        self,
        message: str,
        source: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        self.line = line
        self.column = column
        super().__init__(self._located())

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str | None, int | None, int | None]]:
        # Keeps the location when the error crosses a process boundary (see cspo_graph.runtime.deadline).
        return (type(self), (self.message, self.source, self.line, self.column))

    def _located(self) -> str:
        where = [str(part) for part in (self.source, self.line, self.column) if part is not None]
        return f"{':'.join(where)}: {self.message}" if where else self.message


class QueryTimeout(CspoError):
    """A query (with the rendering of its results) ran past its time limit and was stopped."""
