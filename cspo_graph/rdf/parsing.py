"""Reading RDF files: strict, located parsing (which formats exist is :mod:`cspo_graph.rdf.formats`).

Files are parsed by pyoxigraph, which is strict (it rejects the invalid IRIs,
escapes and literal subjects that rdflib lets through) and reports the line and
column of an error, then handed to rdflib as a :class:`rdflib.Dataset`: the triples
of a triple file (and the default graph of a quad file) go into one named graph for
the file, the named graphs of a quad file keep their names, and the dataset's default
graph is the set union (RDF merge) of all of them.
"""

from __future__ import annotations

import errno
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import InputError
from cspo_graph.rdf.formats import Carries, Format, for_path

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

GRAPH_BASE = "https://w3id.org/cspo-graph/graph/"
BUILTIN = "builtin"
"""The name that stands for the shipped ontology and data in a list of files."""


def format_for_path(path: str | Path) -> Format:
    """The RDF format a file is read in, named by its extension."""
    return for_path(path, Carries.RDF)


BUILTIN_GRAPHS = {
    resources.ONTOLOGY: GRAPH_BASE + "ontology",
    resources.DATA: GRAPH_BASE + "data",
    resources.LINKS: GRAPH_BASE + "links",
}
"""Each shipped file and the named graph its triples outside any named graph go into.

The data file is TriG and names every graph itself (one per source document, the
curators' and the sources' graphs: docs/provenance.md), so nothing goes into ``.../data``.
"""


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


_OX_MESSAGE = re.compile(r"^Parser error (?:at|between) [^:]*: (.*?)(?: \([^()]*, line \d+\))?$", re.S)
MAX_XML_DEPTH = 1000
"""XML elements nested deeper than this are refused (RDF/XML parsing slows down quadratically)."""


class _Refused(Exception):
    """Raised from inside the XML pre-check's handlers."""


def check_xml(source: Path | bytes, name: str | Path | None = None) -> None:
    """Refuse XML with a DTD (so no entity is declared, expanded or fetched) or absurd nesting.

    Runs before any RDF parser sees the text (a file, or the bytes of an HTTP
    answer named ``name``); expat reads it as a stream and nothing else.
    """
    from xml.parsers import expat

    where: str | Path = name if name is not None else ("<answer>" if isinstance(source, bytes) else source)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(f"XML elements nested more than {MAX_XML_DEPTH} deep are refused")

    def end(*_: object) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_: object) -> None:
        raise _Refused("a DTD (<!DOCTYPE ...>) is refused: entity declarations could expand or fetch data")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        if isinstance(source, bytes):
            parser.Parse(source, True)
        else:
            with source.open("rb") as handle:
                parser.ParseFile(handle)
    except _Refused as exc:
        raise InputError(str(exc), where, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1) from None
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise InputError(f"XML error: {message}", where, exc.lineno, exc.offset + 1) from None


def check_before_parsing(path: Path) -> None:
    """The checks a file passes before any parser reads it (for parsers other than :func:`parse_quads`)."""
    if format_for_path(path).xml:
        check_xml(path)


def _jsonld_input(path: Path) -> bytes | None:
    """The JSON-LD text with shipped contexts inlined, or ``None`` when the file names none.

    A context is never fetched: pyoxigraph refuses remote contexts, and those the
    package ships a copy of (:data:`cspo_graph.resources.JSONLD_CONTEXTS`) are inlined.
    """
    import json

    raw = path.read_bytes()
    if not any(iri.encode() in raw for iri in resources.JSONLD_CONTEXTS):
        return None
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # pyoxigraph reports the syntax error with its location
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "@context" in node:
                node["@context"] = _inline_contexts(node["@context"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return json.dumps(document).encode()


def _inline_contexts(context: object) -> object:
    import json

    if isinstance(context, list):
        return [_inline_contexts(item) for item in context]
    if isinstance(context, str) and context in resources.JSONLD_CONTEXTS:
        shipped = json.loads(resources.JSONLD_CONTEXTS[context].read_text(encoding="utf-8"))
        return shipped["@context"]
    return context


def located(exc: SyntaxError, path: Path) -> InputError:
    """A pyoxigraph parse error as an :class:`InputError` naming the file, line and column."""
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    match = _OX_MESSAGE.match(message)
    if match:
        message = match[1]
    elif "LoadDocumentCallback" in message:
        shipped = ", ".join(resources.JSONLD_CONTEXTS)
        message = f"remote JSON-LD contexts are never fetched: inline it or use a shipped one ({shipped})"
    return InputError(message.splitlines()[0] if message else "syntax error", path, exc.lineno, exc.offset)


def check_file(path: Path) -> None:
    """A one-line :class:`InputError` unless ``path`` names a file (through symlinks) that is there."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror or exc}"
        raise InputError(reason, path) from None
    if not stat.S_ISREG(mode):
        raise InputError("not a file", path)


def parse_quads(path: Path) -> Iterator[pyoxigraph.Quad]:
    """Parse one file strictly with pyoxigraph; errors become located :class:`InputError`.

    Nothing is fetched: XML is checked for DTDs first, JSON-LD contexts come only
    from the package's own copies, and ``owl:imports`` is data like any other triple.
    """
    import pyoxigraph

    fmt = format_for_path(path)
    check_file(path)
    try:
        check_before_parsing(path)
        inline = _jsonld_input(path) if fmt.name == "jsonld" else None
        yield from pyoxigraph.parse(
            inline,
            path=None if inline is not None else path,
            format=fmt.oxigraph_format(),
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
        )
    except SyntaxError as exc:
        raise located(exc, path) from None
    except (OSError, ValueError) as exc:
        raise InputError(str(exc), path) from None


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

    Each triple file goes into a named graph of its own (quad formats keep theirs, and
    their default graph goes into the file's); the dataset's default graph is the set
    union of all of them, which is what queries see.
    """
    import pyoxigraph
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in resources.PREFIXES.items():
        dataset.bind(prefix, namespace)
    convert = _TermConverter()
    for path in expand(paths):
        check_file(path)
        graphs: dict[object, rdflib.Graph] = {}
        quads = []
        for quad in parse_quads(path):
            name = quad.graph_name
            graph = graphs.get(name)
            if graph is None:
                default = isinstance(name, pyoxigraph.DefaultGraph)
                identifier = rdflib.URIRef(graph_name(path)) if default else convert(name, path)
                assert isinstance(identifier, rdflib.term.IdentifiedNode)  # a graph name: an IRI or a blank node
                graph = graphs[name] = dataset.graph(identifier)
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


def load_graph(paths: Sequence[str | Path] | None = None) -> rdflib.Graph:
    """The union of the files' triples as one plain graph (for tools that treat datasets per graph)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in resources.PREFIXES.items():
        graph.bind(prefix, namespace)
    convert = _TermConverter()
    for path in expand(paths):
        graph.addN(
            (convert(q.subject, path), convert(q.predicate, path), convert(q.object, path), graph)
            for q in parse_quads(path)
        )
    return graph
