"""The query library: named SPARQL files with a title and a description.

Each ``queries/NAME.rq`` opens with two comment lines, ``# Title`` and
``# One-line description``; the query is run by its NAME from any directory.

A query read from a file has the file's ``file://`` URI as its base IRI, as SPARQL has a
document's location: its relative IRIs resolve against where it is (:func:`base_iri`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cspo_graph import resources
from cspo_graph.errors import InputError


@dataclass(frozen=True)
class NamedQuery:
    """One query of the library (or a query file given by path)."""

    name: str
    title: str
    description: str
    text: str
    path: Path

    @property
    def base(self) -> str:
        """The query's base IRI: its file's ``file://`` URI."""
        return base_iri(self.path)


def base_iri(path: Path | None = None) -> str:
    """The base IRI of a query read from the file ``path`` (its ``file://`` URI), or of a query
    typed on the command line (``path`` None): the current directory's, with its trailing slash."""
    if path is None:
        return Path.cwd().as_uri().rstrip("/") + "/"
    return path.resolve().as_uri()


def read_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its comment header."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query: {exc}", path) from None
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("#").strip())
    title = header[0] if header else path.stem
    description = header[1] if len(header) > 1 else ""
    return NamedQuery(path.stem, title, description, text, path)


def query_library(directory: Path | None = None) -> list[NamedQuery]:
    """Every query of the library, by name."""
    folder = directory or resources.QUERIES
    return [read_query_file(path) for path in sorted(folder.glob("*.rq"))]


def resolve(ref: str) -> NamedQuery:
    """A query given as a file path or as the name of a library query."""
    path = Path(ref)
    if path.suffix == ".rq" or path.exists():
        if path.is_file():
            return read_query_file(path)
        library_path = resources.QUERIES / path.name
        if path.parent == Path("queries") and library_path.is_file():
            return read_query_file(library_path)
        raise InputError("no such file", path)
    library_path = resources.QUERIES / f"{ref}.rq"
    if library_path.is_file():
        return read_query_file(library_path)
    names = ", ".join(q.name for q in query_library())
    raise InputError(f"unknown query {ref!r}: not a file and not in the library ({names})")
