"""Rendering query results in the formats of :mod:`cspo_graph.rdf.formats`, for every command and the server.

``table`` is for people (a SELECT as an aligned table, an ASK as true/false, a
graph as Turtle); ``json``, ``xml``, ``csv`` and ``tsv`` are the W3C SPARQL 1.1
results formats; a CONSTRUCT/DESCRIBE result is written in any RDF format of the
registry (by rdflib's serializer of that name).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape, quoteattr

from cspo_graph import resources
from cspo_graph.errors import CspoError
from cspo_graph.query.results import QueryResult, Term, term_to_rdflib
from cspo_graph.rdf.formats import Format, for_result


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
    """SPARQL JSON results, one binding per line (each line by the json module's C encoder:
    ``indent=`` would switch to its pure-Python one, ten times slower)."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
    bindings = [
        json.dumps(
            {name: _json_term(value) for name, value in zip(result.variables, row, strict=True) if value is not None},
            ensure_ascii=False,
        )
        for row in result.rows
    ]
    listed = "[\n      " + ",\n      ".join(bindings) + "\n    ]" if bindings else "[]"
    head = json.dumps(result.variables, ensure_ascii=False)
    return f'{{\n  "head": {{"vars": {head}}},\n  "results": {{\n    "bindings": {listed}\n  }}\n}}\n'


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


def _graph(result: QueryResult, fmt: Format) -> str:
    import rdflib

    # quad formats need a dataset; the triples go in its default graph
    graph = rdflib.Dataset() if fmt.quads else rdflib.Graph()
    for prefix, namespace in resources.PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o in result.triples:
        graph.add((term_to_rdflib(s), term_to_rdflib(p), term_to_rdflib(o)))
    try:
        return graph.serialize(format=fmt.serializer)
    except RecursionError:
        raise CspoError(f"the result is nested too deeply to write as {fmt.title}; --format nt writes it") from None


def render(result: QueryResult, fmt: str = "table") -> str:
    """The text of ``result`` in the format named ``fmt`` (a :class:`UsageError` if it cannot hold it)."""
    chosen = for_result(fmt, result.kind)
    if result.kind == "CONSTRUCT":
        return _graph(result, chosen)
    return _TABULAR[chosen.name](result)


def media_type(kind: str, fmt: str) -> str:
    """The media type of a ``kind`` (SELECT, ASK, CONSTRUCT) result rendered in format ``fmt``."""
    return for_result(fmt, kind).media_type


Chooser = Callable[[str], str]
"""The name of the format a result of this kind (SELECT, ASK, CONSTRUCT) is written in.

Engines that answer in worker processes send it there, so it must pickle: a
:class:`Named` format, or the server's negotiation
(:class:`cspo_graph.web.negotiation.Negotiated`)."""


@dataclass(frozen=True)
class Named:
    """Every result in the format ``name`` (a :class:`UsageError` for a result it cannot hold)."""

    name: str

    def __call__(self, kind: str) -> str:
        return self.name


@dataclass(frozen=True)
class Written:
    """A result as written out."""

    text: str
    media_type: str
    rows: int
    """The rows of the result (0 for ASK and CONSTRUCT)."""
    shown: int
    """The rows written (fewer than ``rows`` past a row cap)."""


def write(result: QueryResult, choose: Chooser, row_cap: int | None = None) -> Written:
    """``result`` rendered in the format ``choose`` names for its kind, its first ``row_cap`` rows only if given."""
    fmt = choose(result.kind)
    shown = result if row_cap is None else replace(result, rows=result.rows[:row_cap])
    return Written(render(shown, fmt), media_type(result.kind, fmt), len(result.rows), len(shown.rows))
