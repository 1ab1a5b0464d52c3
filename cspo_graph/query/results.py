"""Query results in a form that does not depend on the engine that produced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Term:
    """An RDF term: an IRI (``uri``), a blank node (``bnode``) or a literal."""

    kind: Literal["uri", "bnode", "literal"]
    value: str
    datatype: str | None = None
    lang: str | None = None

    def n3(self) -> str:
        """The term in N-Triples syntax."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != XSD + "string":
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'


Row = tuple["Term | None", ...]
Triple = tuple[Term, Term, Term]


@dataclass
class QueryResult:
    """The answer to a SELECT (``rows``), an ASK (``boolean``) or a CONSTRUCT/DESCRIBE (``triples``)."""

    kind: Literal["SELECT", "ASK", "CONSTRUCT"]
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)


def term_from_rdflib(node: rdflib.term.Node | None) -> Term | None:
    """Convert an rdflib term (or an unbound ``None``)."""
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return Term("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return Term("bnode", str(node))
    if isinstance(node, rdflib.Literal):
        datatype = str(node.datatype) if node.datatype else None
        return Term("literal", str(node), datatype, node.language)
    raise TypeError(f"not an RDF term: {node!r}")


def term_from_oxigraph(node: object) -> Term:
    """Convert a pyoxigraph term (an IRI, a blank node or a literal)."""
    import pyoxigraph

    if isinstance(node, pyoxigraph.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, pyoxigraph.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, pyoxigraph.Literal):
        if node.language:
            return Term("literal", node.value, None, node.language)
        datatype = node.datatype.value
        return Term("literal", node.value, None if datatype == XSD + "string" else datatype)
    raise TypeError(f"not an RDF term: {node!r}")


def term_to_rdflib(term: Term) -> rdflib.term.Node:
    """Convert back to an rdflib term."""
    import rdflib

    if term.kind == "uri":
        return rdflib.URIRef(term.value)
    if term.kind == "bnode":
        return rdflib.BNode(term.value)
    datatype = rdflib.URIRef(term.datatype) if term.datatype and not term.lang else None
    return rdflib.Literal(term.value, lang=term.lang, datatype=datatype)


def result_from_rdflib(result: rdflib.query.Result) -> QueryResult:
    """Convert an rdflib query result."""
    if result.type == "ASK":
        return QueryResult("ASK", boolean=bool(result.askAnswer))
    answers: list[Any] = list(result)  # rows of a SELECT, triples of a CONSTRUCT or DESCRIBE
    if result.type == "SELECT":
        variables = [str(v) for v in result.vars or []]
        rows: list[Row] = [tuple(term_from_rdflib(value) for value in row) for row in answers]
        return QueryResult("SELECT", variables=variables, rows=rows)
    triples = [_triple(*(term_from_rdflib(node) for node in triple)) for triple in answers]
    return QueryResult("CONSTRUCT", triples=triples)


def _triple(subject: Term | None, predicate: Term | None, object_: Term | None) -> Triple:
    """A triple of converted terms (a triple's terms are never unbound)."""
    assert subject is not None and predicate is not None and object_ is not None
    return (subject, predicate, object_)


def result_from_oxigraph(answer: object) -> QueryResult:
    """Convert a pyoxigraph query answer (solutions, boolean or triples); each distinct term is converted once."""
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    converted: dict[object, Term] = {}

    def convert(node: object) -> Term | None:
        if node is None:
            return None
        term = converted.get(node)
        if term is None:
            term = converted[node] = term_from_oxigraph(node)
        return term

    if isinstance(answer, pyoxigraph.QuerySolutions):
        variables = [variable.value for variable in answer.variables]
        return QueryResult("SELECT", variables=variables, rows=[tuple(map(convert, row)) for row in answer])
    assert isinstance(answer, pyoxigraph.QueryTriples)
    triples = [_triple(convert(t.subject), convert(t.predicate), convert(t.object)) for t in answer]
    return QueryResult("CONSTRUCT", triples=triples)
