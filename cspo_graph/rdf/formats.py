"""The one registry of formats: every command, the server's content negotiation and push consult it.

Each format is listed once, under one name that means one thing everywhere: ``json``
is always the W3C SPARQL JSON results, JSON-LD is ``jsonld``, RDF/XML is ``rdfxml``
(``xml`` is the SPARQL XML results), a view's node-link JSON is ``node-link``. A
format says what it can carry (:class:`Carries`): SELECT/ASK results, a graph
(triples), a dataset (named graphs kept), or a drawn view of the graph. Media types
and file extensions are looked up among the formats that carry what is asked for, so
``.json`` is JSON-LD to ``load`` and node-link JSON to ``graph``, and
``application/json`` is SPARQL JSON results for a SELECT and JSON-LD for a CONSTRUCT.

The order of :data:`FORMATS` is the order of preference: the first format that
carries a result is what an endpoint answers when the client accepts anything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph.errors import InputError, UsageError

if TYPE_CHECKING:
    import pyoxigraph


class UnknownFormat(UsageError):
    """A format name, extension or media type that names no format of the registry."""


class Carries(enum.Flag):
    """What a format can hold."""

    RESULTS = enum.auto()
    """SELECT rows and ASK booleans."""
    GRAPH = enum.auto()
    """Triples: a CONSTRUCT/DESCRIBE result, or the union of the loaded graphs."""
    DATASET = enum.auto()
    """Quads: the named graphs kept apart."""
    VIEW = enum.auto()
    """A drawn view of the graph (``cspo-graph graph``)."""
    RDF = GRAPH | DATASET


@dataclass(frozen=True)
class Format:
    """One format, by the names, media types and extensions it is known under."""

    name: str
    title: str
    carries: Carries
    media_types: tuple[str, ...]
    """The first is the one answered with; the others are understood too (Accept, Content-Type)."""
    extensions: tuple[str, ...] = ()
    """The first is the one written; all are read."""
    aliases: tuple[str, ...] = ()
    rdflib: str | None = None
    """rdflib's serializer (and parser) name."""
    oxigraph: str | None = None
    """The name of the :class:`pyoxigraph.RdfFormat` that parses it (RDF formats only)."""
    graphs_as: str | None = None
    """For a format meant for SELECT/ASK results: the format a graph result is shown in instead."""

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def quads(self) -> bool:
        """Whether it keeps named graphs apart."""
        return Carries.DATASET in self.carries

    @property
    def xml(self) -> bool:
        """Whether it is XML (read only after the XML checks of :mod:`cspo_graph.rdf.parsing`)."""
        return self.media_type.endswith("xml")

    @property
    def serializer(self) -> str:
        """rdflib's name for it (RDF formats only)."""
        if self.rdflib is None:
            raise UsageError(f"{self.name} is not an RDF format rdflib writes")
        return self.rdflib

    def oxigraph_format(self) -> pyoxigraph.RdfFormat:
        """The pyoxigraph format that parses it."""
        import pyoxigraph

        if self.oxigraph is None:
            raise UsageError(f"{self.name} is not an RDF format pyoxigraph reads")
        return getattr(pyoxigraph.RdfFormat, self.oxigraph)


_RDF = Carries.RDF
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "json",
            "SPARQL JSON results",
            Carries.RESULTS,
            ("application/sparql-results+json", "application/json"),
            (".srj", ".json"),
        ),
        Format(
            "xml",
            "SPARQL XML results",
            Carries.RESULTS,
            ("application/sparql-results+xml", "application/xml", "text/xml"),
            (".srx", ".xml"),
        ),
        Format("csv", "SPARQL CSV results", Carries.RESULTS, ("text/csv",), (".csv",)),
        Format("tsv", "SPARQL TSV results", Carries.RESULTS, ("text/tab-separated-values",), (".tsv",)),
        Format(
            "ttl",
            "Turtle",
            Carries.GRAPH,
            ("text/turtle", "application/x-turtle"),
            (".ttl", ".turtle"),
            ("turtle",),
            "turtle",
            "TURTLE",
        ),
        Format(
            "nt",
            "N-Triples",
            Carries.GRAPH,
            ("application/n-triples", "text/plain"),
            (".nt", ".ntriples"),
            ("ntriples", "n-triples"),
            "nt",
            "N_TRIPLES",
        ),
        Format(
            "jsonld",
            "JSON-LD",
            _RDF,
            ("application/ld+json", "application/json"),
            (".jsonld", ".json"),
            ("json-ld",),
            "json-ld",
            "JSON_LD",
        ),
        Format(
            "rdfxml",
            "RDF/XML",
            Carries.GRAPH,
            ("application/rdf+xml", "application/xml", "text/xml"),
            (".rdf", ".owl", ".xml"),
            ("rdf/xml", "rdf+xml", "rdf"),
            "xml",
            "RDF_XML",
        ),
        Format(
            "nq",
            "N-Quads",
            _RDF,
            ("application/n-quads",),
            (".nq", ".nquads"),
            ("nquads", "n-quads"),
            "nquads",
            "N_QUADS",
        ),
        Format("trig", "TriG", _RDF, ("application/trig",), (".trig",), (), "trig", "TRIG"),
        Format("n3", "Notation3", Carries.GRAPH, ("text/n3",), (".n3",), (), "n3", "N3"),
        Format("table", "an aligned table for people", Carries.RESULTS, ("text/plain",), (".txt",), graphs_as="ttl"),
        Format("html", "an interactive page that works offline", Carries.VIEW, ("text/html",), (".html", ".htm")),
        Format("graphml", "GraphML (Gephi, Cytoscape, yEd)", Carries.VIEW, ("application/graphml+xml",), (".graphml",)),
        Format("gexf", "GEXF (Gephi)", Carries.VIEW, ("application/gexf+xml",), (".gexf",)),
        Format("node-link", "node-link JSON (D3)", Carries.VIEW, ("application/json",), (".json",), ("nodelink",)),
    )
}
"""Every format, in order of preference."""

_BY_NAME = {alias: f for f in FORMATS.values() for alias in (f.name, *f.aliases)}


def carrying(carries: Carries) -> list[Format]:
    """The formats that can hold any of ``carries``, in order of preference."""
    return [f for f in FORMATS.values() if f.carries & carries]


def names(carries: Carries) -> list[str]:
    """The names of the formats that can hold ``carries``: a command's ``--format`` choices."""
    return [f.name for f in carrying(carries)]


def described(carries: Carries) -> str:
    """``name (title), ...`` for the formats that can hold ``carries``: for help texts."""
    return ", ".join(f"{f.name} ({f.title})" for f in carrying(carries))


def named(name: str, carries: Carries | None = None) -> Format:
    """The format called ``name`` (or one of its aliases); with ``carries``, one that holds it."""
    fmt = _BY_NAME.get(name.lower())
    if fmt is None:
        known = names(carries) if carries else OUTPUT_FORMATS
        raise UnknownFormat(f"unknown format {name!r}; known: {', '.join(known)}")
    if carries is not None and not fmt.carries & carries:
        raise UsageError(f"format {name!r} ({fmt.title}) cannot hold this; use one of: {', '.join(names(carries))}")
    return fmt


def _what(carries: Carries) -> str:
    """``RDF``, ``results``, ``view``: what the formats holding ``carries`` are called in a message."""
    return "RDF" if carries & Carries.RDF else (carries.name or "").lower()


def for_path(path: str | Path, carries: Carries = Carries.RDF) -> Format:
    """The format a file's extension names, among those that hold ``carries``."""
    suffix = Path(path).suffix.lower()
    candidates = carrying(carries)
    for fmt in candidates:
        if suffix in fmt.extensions:
            return fmt
    known = " ".join(dict.fromkeys(ext for f in candidates for ext in f.extensions))
    raise InputError(f"unknown {_what(carries)} format for extension {suffix or '(none)'!r} (known: {known})", path)


def for_media_type(media_type: str, carries: Carries = Carries.RDF) -> Format:
    """The format a Content-Type header names (parameters such as charset ignored)."""
    bare = media_type.split(";")[0].strip().lower()
    for fmt in carrying(carries):
        if bare in fmt.media_types:
            return fmt
    raise InputError(f"not a media type of {_what(carries)} formats: {media_type or '(none)'!r}")


def for_result(name: str, kind: str) -> Format:
    """The format a ``kind`` result (SELECT, ASK, CONSTRUCT) is written in when ``name`` is asked for.

    ``table`` shows a graph result as Turtle; any other mismatch is a :class:`UsageError`.
    """
    fmt = named(name)
    if kind == "CONSTRUCT":
        if fmt.graphs_as:
            return FORMATS[fmt.graphs_as]
        if not fmt.carries & Carries.RDF:
            raise UsageError(
                f"format {fmt.name!r} is for SELECT/ASK results; a graph result takes one of: "
                f"{', '.join(names(Carries.RDF))}"
            )
        return fmt
    if Carries.RESULTS not in fmt.carries:
        raise UsageError(
            f"format {fmt.name!r} is for graph results; a {kind} result takes one of: "
            f"{', '.join(names(Carries.RESULTS))}"
        )
    return fmt


def result_carries(kind: str) -> Carries:
    """What a query result of ``kind`` (SELECT, ASK, CONSTRUCT) needs a format to hold."""
    return Carries.GRAPH if kind == "CONSTRUCT" else Carries.RESULTS


OUTPUT_FORMATS = [*names(Carries.RESULTS), *names(Carries.RDF)]
"""Every format a query result can be written in (``query --format``, the endpoint's ``format=``)."""
