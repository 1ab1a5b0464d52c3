"""Rendering query results: one registry of output formats shared by every command.

``table`` is for people (a SELECT as an aligned table, an ASK as true/false, a
graph as Turtle); ``json``, ``csv``, ``tsv`` and ``xml`` are the W3C SPARQL 1.1
results formats; a CONSTRUCT/DESCRIBE result is written in any RDF format rdflib
serializes (``json`` and ``xml`` then mean JSON-LD and RDF/XML).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from cspo_graph import resources
from cspo_graph.errors import CspoError, UsageError
from cspo_graph.query.results import QueryResult, Term, term_to_rdflib

TABLE_FORMATS = ("table", "json", "csv", "tsv", "xml")
RDF_FORMATS = ("ttl", "turtle", "nt", "nq", "trig", "jsonld", "n3")
OUTPUT_FORMATS = TABLE_FORMATS + RDF_FORMATS
"""Every value ``--format`` accepts."""

RESULT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
}
"""The media type of each SELECT/ASK format (the W3C ones first, in order of preference)."""

GRAPH_MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "n3": "text/n3",
}
"""The media type of each CONSTRUCT/DESCRIBE format (in order of preference)."""

_GRAPH_SERIALIZERS = {
    "table": "turtle",
    "ttl": "turtle",
    "turtle": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "json": "json-ld",
    "jsonld": "json-ld",
    "xml": "xml",
    "n3": "n3",
}


def compact(term: Term | None) -> str:
    """A short display form: prefixed names for known namespaces, bare literal text."""
    if term is None:
        return ""
    if term.kind == "uri":
        for prefix, namespace in resources.PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _table(result: QueryResult) -> str:
    if result.kind == "ASK":
        return "true\n" if result.boolean else "false\n"
    header = result.variables
    cells = [[compact(value).replace("\n", " ") for value in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(header)]

    def line(values: list[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    count = f"({len(cells)} row{'' if len(cells) == 1 else 's'})"
    return "\n".join([line(header), rule, *(line(row) for row in cells), count]) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _json(result: QueryResult) -> str:
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
    bindings = [
        {name: _json_term(value) for name, value in zip(result.variables, row, strict=True) if value is not None}
        for row in result.rows
    ]
    body = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if v is None else (f"_:{v.value}" if v.kind == "bnode" else v.value) for v in row])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join("" if v is None else v.n3() for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ASK":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out.append("  <head>")
        out += [f"    <variable name={quoteattr(name)}/>" for name in result.variables]
        out += ["  </head>", "  <results>"]
        for row in result.rows:
            out.append("    <result>")
            out += [
                f"      <binding name={quoteattr(name)}>{_xml_term(value)}</binding>"
                for name, value in zip(result.variables, row, strict=True)
                if value is not None
            ]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


_TABULAR: dict[str, Callable[[QueryResult], str]] = {
    "table": _table,
    "json": _json,
    "csv": _csv,
    "tsv": _tsv,
    "xml": _xml,
}


def _graph(result: QueryResult, fmt: str) -> str:
    import rdflib

    quads = fmt in ("nq", "trig")  # quad formats need a dataset; the triples go in its default graph
    graph = rdflib.Dataset() if quads else rdflib.Graph()
    for prefix, namespace in resources.PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in result.triples:
        graph.add(tuple(term_to_rdflib(term) for term in triple))  # type: ignore[arg-type]
    serializer = _GRAPH_SERIALIZERS[fmt]
    try:
        return graph.serialize(format=serializer)
    except RecursionError:
        raise CspoError(f"the result is nested too deeply to write as {serializer}; --format nt writes it") from None


def render(result: QueryResult, fmt: str = "table") -> str:
    """The text of ``result`` in output format ``fmt``."""
    if result.kind == "CONSTRUCT":
        if fmt not in _GRAPH_SERIALIZERS:
            raise UsageError(
                f"format {fmt!r} is for SELECT/ASK results; a graph result takes one of: "
                f"{', '.join(_GRAPH_SERIALIZERS)}"
            )
        return _graph(result, fmt)
    if fmt not in _TABULAR:
        raise UsageError(
            f"format {fmt!r} is for graph results; a {result.kind} result takes one of: {', '.join(TABLE_FORMATS)}"
        )
    return _TABULAR[fmt](result)


def media_type(kind: str, fmt: str) -> str:
    """The media type of a ``kind`` (SELECT, ASK, CONSTRUCT) result rendered in format ``fmt``."""
    if kind == "CONSTRUCT":
        return GRAPH_MEDIA_TYPES[{"table": "ttl", "turtle": "ttl", "json": "jsonld"}.get(fmt, fmt)]
    return RESULT_MEDIA_TYPES[fmt]
