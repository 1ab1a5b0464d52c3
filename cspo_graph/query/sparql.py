"""Answering SPARQL with rdflib: read-only, local-only, with typed parameters.

The query is parsed and translated to SPARQL algebra first, so that the checks
are made on what the query means, not on how it is spelled: an update is
refused, a SERVICE clause anywhere in the algebra is refused unless the caller
allows it, and parameters must name a variable of the query. FROM and FROM NAMED
never fetch anything (rdflib's ``SPARQL_LOAD_GRAPHS`` is switched off).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.query.results import QueryResult

if TYPE_CHECKING:
    import rdflib
    from rdflib.plugins.sparql.sparql import Query

_PYPARSING_TAIL = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$")


class ReadOnlyError(CspoError):
    """The text is a SPARQL Update, which the query command refuses."""


class ServiceRefused(CspoError):
    """The query has a SERVICE clause and the caller did not allow network access."""


SERVICE_REFUSED = "SERVICE clauses reach the network and are refused; pass --allow-service to run them"
"""The one message every engine gives when a query tries SERVICE without ``--allow-service``."""

MAX_NESTING = 100
"""How deeply brackets (``{``, ``(``, ``[``) may nest, and how many UNIONs a query may chain, on every engine.

A resource limit, not a safety decision: below it every engine parses and evaluates the
query within its stack (rdflib's parser recurses in Python, Oxigraph's in Rust)."""
MAX_UNIONS = 200
RECURSION_LIMIT = 10_000
"""Python's recursion limit while rdflib parses, translates and evaluates a query (rdflib recurses once
per nesting level in many frames; below :data:`MAX_NESTING` and :data:`MAX_UNIONS` this stays well
within the C stack, as the tests of deep nesting show)."""


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Let rdflib recurse as deeply as the nesting limits allow, for the duration of the block."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


_BRACKETS = re.compile(r"[{}()\[\]]")


def check_nesting(text: str, source: str) -> None:
    """Refuse, before any engine sees it, a query nested deeper than every engine can take.

    Counted on the raw characters (a bracket or ``UNION`` inside a string or a comment
    counts too), which can only make the limit stricter.
    """
    depth = deepest = 0
    for char in _BRACKETS.findall(text):
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    unions = text.upper().count("UNION")
    if deepest > MAX_NESTING or unions > MAX_UNIONS:
        raise too_deep(source)


def too_deep(source: str) -> InputError:
    """The one message for a query nested deeper than an engine can take, on every engine."""
    return InputError(
        f"SPARQL error: the query is nested too deeply (the limits are {MAX_NESTING} levels of brackets "
        f"and {MAX_UNIONS} UNIONs)",
        source,
    )


def service_refused(source: str) -> ServiceRefused:
    """The refusal of a SERVICE clause, as every engine words it."""
    return ServiceRefused(f"{source}: {SERVICE_REFUSED}")


def walk(node: Any) -> Iterator[Any]:
    """Every node of a translated algebra tree (iteratively: a deep tree cannot overflow the stack)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, Mapping):
            pending.extend(current.values())
        elif isinstance(current, list | tuple | set):
            pending.extend(current)


def prepare(text: str, *, source: str = "<query>", allow_service: bool = False, base: str | None = None) -> Query:
    """Parse and translate a query, refusing updates, deep nesting and (by default) SERVICE.

    ``base``: the IRI its relative IRIs (and a relative ``BASE``) resolve against.
    """
    check_nesting(text, source)
    with deep_recursion():
        return _prepare(text, source, allow_service, base)


def _resolve_bases(prologue: Any, base: str) -> None:
    """Resolve each ``BASE`` declaration against the one before it (the first against ``base``),
    as SPARQL does: rdflib would take a relative one as it stands."""
    from urllib.parse import urljoin

    from rdflib.term import URIRef

    for declaration in prologue:
        if declaration.name == "Base":
            declaration["iri"] = base = URIRef(urljoin(base, declaration.iri))


def _prepare(text: str, source: str, allow_service: bool, base: str | None) -> Query:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        try:
            parseUpdate(text)
        except ParseBaseException:
            message = _PYPARSING_TAIL.sub("", str(exc))
            raise InputError(f"SPARQL syntax error: {message}", source, exc.lineno, exc.col) from None
        raise ReadOnlyError(f"{source}: SPARQL Update is refused: cspo-graph query is read-only") from None
    except RecursionError:
        raise too_deep(source) from None
    if base is not None:
        _resolve_bases(tree[0], base)
    try:
        query = translateQuery(tree, base=base, initNs=resources.PREFIXES)
    except RecursionError:
        raise too_deep(source) from None
    except Exception as exc:  # rdflib raises plain Exception for unknown prefixes and the like
        raise InputError(f"SPARQL error: {exc}", source) from None
    _translate_exists(query.algebra)
    _join_subqueries_eagerly(query.algebra)
    if not allow_service and any(getattr(n, "name", None) == "ServiceGraphPattern" for n in walk(query.algebra)):
        raise service_refused(source)
    return query


def _translate_exists(algebra: Any) -> None:
    """Give every EXISTS and NOT EXISTS its translated pattern as an ordinary field.

    rdflib keeps the translated pattern in an attribute beside the field that holds the
    parse tree (and leaves it untranslated inside ``||``); its evaluation reads the
    attribute, the bindings and the writer walk fields: both get the translated pattern.
    """
    from rdflib.plugins.sparql.algebra import simplify, translateGroupGraphPattern, traverse

    for node in list(walk(algebra)):
        if getattr(node, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            pattern = node.__dict__.pop("graph", None) or node["graph"]
            if pattern.name in ("GroupGraphPatternSub", "SubSelect"):
                pattern = translateGroupGraphPattern(pattern)
            node["graph"] = node.__dict__["graph"] = traverse(
                pattern, visitPost=simplify
            )  # evaluation reads the latter


def _join_subqueries_eagerly(algebra: Any) -> None:
    """Make rdflib evaluate a sub-SELECT on its own, as SPARQL's bottom-up semantics say.

    rdflib marks most joins *lazy*: it evaluates the right side once per solution of
    the left, with that solution's bindings pushed into it. Into a sub-SELECT that
    changes the answer (``{ ?n a :Nation { SELECT (COUNT(?n) AS ?c) ... } }`` counted one
    nation, not all of them); such joins are evaluated eagerly instead.
    """
    for node in list(walk(algebra)):
        lazy = getattr(node, "name", None) == "Join" and node.get("lazy") is True
        if lazy and any(getattr(inner, "name", None) == "Project" for inner in walk(node["p2"])):
            node["lazy"] = False


_SELECT_ALL = re.compile(r"\bselect\s+(?:distinct\s+|reduced\s+)?\*", re.IGNORECASE)


def in_written_order(result: QueryResult, text: str) -> QueryResult:
    """``result`` with the columns of a ``SELECT *`` in the order the query first names its variables."""
    if result.kind != "SELECT" or "*" not in text or not _SELECT_ALL.search(text):
        return result
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    try:
        query = parseQuery(text)[1]
    except (ParseBaseException, RecursionError):
        return result
    if query.name != "SelectQuery" or "projection" in query:
        return result
    written: dict[str, None] = {}
    pending: list[Any] = [query.where]
    while pending:  # depth first, in the order the text has them
        node = pending.pop()
        if isinstance(node, Variable):
            written.setdefault(str(node))
        elif isinstance(node, list | tuple | ParseResults):  # before Mapping: pyparsing registers it as one
            pending.extend(reversed(list(node)))
        elif isinstance(node, Mapping):
            pending.extend(reversed(list(node.values())))
    rank = {name: index for index, name in enumerate(written)}
    order = sorted(range(len(result.variables)), key=lambda i: rank.get(result.variables[i], len(rank) + i))
    if order == list(range(len(order))):
        return result
    return replace(
        result,
        variables=[result.variables[i] for i in order],
        rows=[tuple(row[i] for i in order) for row in result.rows],
    )


def query_variables(query: Query) -> set[str]:
    """The names of all variables a translated query mentions."""
    from rdflib.term import Variable

    return {str(node) for node in walk(query.algebra) if isinstance(node, Variable)}


def check_params(query: Query, params: Mapping[str, object]) -> None:
    """Refuse a parameter that names no variable of the query."""
    unknown = sorted(set(params) - query_variables(query))
    if unknown:
        raise UsageError(f"--param {unknown[0]}: the query has no variable ?{unknown[0]}")


def run_query(
    dataset: rdflib.Graph,
    text: str,
    *,
    params: Mapping[str, rdflib.term.Node] | None = None,
    allow_service: bool = False,
    source: str = "<query>",
) -> QueryResult:
    """Answer a query over an rdflib ``dataset`` here, in this process, as the rdflib engine does.

    The library API for a dataset already in hand (the CLI and the server use
    :func:`cspo_graph.query.engines.open_engine`, which adds the time limit and the
    network-isolated worker process).
    """
    from cspo_graph.query.engines.memory import evaluate
    from cspo_graph.query.results import Term, term_from_rdflib

    bindings: dict[str, Term] = {}
    for name, value in (params or {}).items():
        term = term_from_rdflib(value)
        if term is None:
            raise UsageError(f"--param {name}: no value")
        bindings[name] = term
    return in_written_order(evaluate(dataset, text, bindings, allow_service=allow_service, source=source), text)
