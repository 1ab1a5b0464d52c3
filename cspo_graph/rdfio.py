"""Reading RDF files: the format registry and strict, located parsing.

Files are parsed by pyoxigraph, which is strict (it rejects the invalid IRIs,
escapes and literal subjects that rdflib lets through) and reports the line and
column of an error, then handed to rdflib as a :class:`rdflib.Dataset` whose
default graph is the union of one named graph per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import InputError

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

GRAPH_BASE = "https://w3id.org/cspo-graph/graph/"
BUILTIN = "builtin"
"""The name that stands for the shipped ontology and data in a list of files."""


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialization, by the names each library knows it under."""

    name: str
    extensions: tuple[str, ...]
    oxigraph: str
    rdflib: str
    media_type: str
    quads: bool = False
    other_media_types: tuple[str, ...] = ()


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", (".ttl", ".turtle"), "TURTLE", "turtle", "text/turtle"),
        RdfFormat(
            "nt",
            (".nt", ".ntriples"),
            "N_TRIPLES",
            "nt",
            "application/n-triples",
            other_media_types=("text/plain",),
        ),
        RdfFormat("nq", (".nq", ".nquads"), "N_QUADS", "nquads", "application/n-quads", True),
        RdfFormat("trig", (".trig",), "TRIG", "trig", "application/trig", True),
        RdfFormat("jsonld", (".jsonld", ".json"), "JSON_LD", "json-ld", "application/ld+json", True),
        RdfFormat("xml", (".rdf", ".xml", ".owl"), "RDF_XML", "xml", "application/rdf+xml"),
    )
}
ALIASES = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "json-ld": "jsonld", "rdfxml": "xml"}


def format_named(name: str) -> RdfFormat:
    """The format called ``name`` (``ttl``, ``turtle``, ``jsonld``, ...)."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        known = ", ".join(FORMATS)
        raise InputError(f"unknown RDF format {name!r} (known: {known})")
    return FORMATS[key]


def format_for_path(path: str | Path) -> RdfFormat:
    """The format a file's extension names."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    known = " ".join(ext for f in FORMATS.values() for ext in f.extensions)
    raise InputError(f"unknown RDF format for extension {suffix or '(none)'!r} (known: {known})", path)


BUILTIN_GRAPHS = {
    resources.ONTOLOGY: GRAPH_BASE + "ontology",
    resources.DATA: GRAPH_BASE + "data",
    resources.LINKS: GRAPH_BASE + "links",
}
"""Each shipped file and the named graph it is loaded into."""


def format_for_media_type(media_type: str) -> RdfFormat:
    """The format a Content-Type header names (parameters such as charset ignored)."""
    bare = media_type.split(";")[0].strip().lower()
    for fmt in FORMATS.values():
        if bare == fmt.media_type or bare in fmt.other_media_types:
            return fmt
    raise InputError(f"not an RDF media type: {media_type or '(none)'!r}")


def builtin_files() -> list[Path]:
    """The shipped ontology, curated data and the identifiers added for linking."""
    return list(BUILTIN_GRAPHS)


def graph_name(path: Path) -> str:
    """The IRI of the named graph a file is loaded into."""
    return BUILTIN_GRAPHS.get(path) or path.resolve().as_uri()


def expand(paths: Iterable[str | Path] | None) -> list[Path]:
    """Files to load: the built-in ones when none are named, ``builtin`` standing for them."""
    if not paths:
        return builtin_files()
    files: list[Path] = []
    for item in paths:
        files.extend(builtin_files() if str(item) == BUILTIN else [Path(item)])
    return files


_OX_LOCATION = re.compile(r"^Parser error at line (\d+) between columns (\d+)(?: and \d+)?: ", re.S)


def parse_quads(path: Path) -> Iterator[pyoxigraph.Quad]:
    """Parse one file strictly with pyoxigraph; errors become located :class:`InputError`."""
    import pyoxigraph

    fmt = format_for_path(path)
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a file", path)
    try:
        yield from pyoxigraph.parse(
            path=path,
            format=getattr(pyoxigraph.RdfFormat, fmt.oxigraph),
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
        )
    except SyntaxError as exc:
        raise located(exc, path) from None
    except (OSError, ValueError) as exc:
        raise InputError(str(exc), path) from None


def located(exc: SyntaxError, path: Path) -> InputError:
    """A pyoxigraph parse error as an :class:`InputError` naming the file, line and column."""
    message = str(exc.msg if hasattr(exc, "msg") else exc)
    match = _OX_LOCATION.match(message)
    if match:
        return InputError(message[match.end() :], path, int(match[1]), int(match[2]))
    return InputError(message.splitlines()[0] if message else "syntax error", path, exc.lineno)


class _TermConverter:
    """Turns pyoxigraph terms into rdflib terms, reusing the IRIs it has seen."""

    def __init__(self) -> None:
        import rdflib

        self._rdflib = rdflib
        self._iris: dict[str, rdflib.URIRef] = {}
        self._string = "http://www.w3.org/2001/XMLSchema#string"

    def __call__(self, term: object, source: Path) -> rdflib.term.Node:
        import pyoxigraph

        rdflib = self._rdflib
        if isinstance(term, pyoxigraph.NamedNode):
            iri = self._iris.get(term.value)
            if iri is None:
                iri = self._iris[term.value] = rdflib.URIRef(term.value)
            return iri
        if isinstance(term, pyoxigraph.BlankNode):
            return rdflib.BNode(term.value)
        if isinstance(term, pyoxigraph.Literal):
            if term.language:
                return rdflib.Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == self._string:
                return rdflib.Literal(term.value)
            return rdflib.Literal(term.value, datatype=self(term.datatype, source))
        raise InputError("RDF 1.2 triple terms are not supported", source)


def load(paths: Sequence[str | Path] | None = None) -> rdflib.Dataset:
    """Load RDF files (the built-in ontology and data when none are given) into one dataset.

    Each file goes into a named graph of its own (quad formats keep theirs); the
    dataset's default graph is the union of all of them, which is what queries see.
    """
    import pyoxigraph
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in resources.PREFIXES.items():
        dataset.bind(prefix, namespace)
    convert = _TermConverter()
    for path in expand(paths):
        default = dataset.graph(rdflib.URIRef(graph_name(path)))
        graphs: dict[str, rdflib.Graph] = {}
        quads = []
        for quad in parse_quads(path):
            name = quad.graph_name
            if isinstance(name, pyoxigraph.DefaultGraph):
                graph = default
            else:
                if name.value not in graphs:
                    graphs[name.value] = dataset.graph(convert(name, path))
                graph = graphs[name.value]
            quads.append(
                (
                    convert(quad.subject, path),
                    convert(quad.predicate, path),
                    convert(quad.object, path),
                    graph,
                )
            )
        dataset.addN(quads)
    return dataset
