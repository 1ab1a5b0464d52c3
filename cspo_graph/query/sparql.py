"""Answering SPARQL with rdflib: read-only, local-only, with typed parameters.

The query is parsed and translated to SPARQL algebra first, so that the checks
are made on what the query means, not on how it is spelled: an update is
refused, a SERVICE clause anywhere in the algebra is refused unless the caller
allows it, and parameters must name a variable of the query. FROM and FROM NAMED
never fetch anything (rdflib's ``SPARQL_LOAD_GRAPHS`` is switched off).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.query.results import QueryResult, result_from_rdflib

if TYPE_CHECKING:
    import rdflib
    from rdflib.plugins.sparql.sparql import Query

_PYPARSING_TAIL = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$")


class ReadOnlyError(CspoError):
    """The text is a SPARQL Update, which the query command refuses."""


class ServiceRefused(CspoError):
    """The query has a SERVICE clause and the caller did not allow network access."""


def _walk(node: Any) -> Iterator[Any]:
    """Every node of a translated algebra tree (iteratively: a deep tree cannot overflow the stack)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, Mapping):
            pending.extend(current.values())
        elif isinstance(current, list | tuple | set):
            pending.extend(current)


def prepare(text: str, *, source: str = "<query>", allow_service: bool = False) -> Query:
    """Parse and translate a query, refusing updates and (by default) SERVICE."""
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
        raise InputError(
            "SPARQL syntax error: the query is nested too deeply for the parser (or nests a SERVICE inside a SERVICE)",
            source,
        ) from None
    try:
        query = translateQuery(tree, initNs=resources.PREFIXES)
    except RecursionError:
        raise InputError("SPARQL error: the query is nested too deeply", source) from None
    except Exception as exc:  # rdflib raises plain Exception for unknown prefixes and the like
        raise InputError(f"SPARQL error: {exc}", source) from None
    if not allow_service and any(getattr(n, "name", None) == "ServiceGraphPattern" for n in _walk(query.algebra)):
        raise ServiceRefused(
            f"{source}: SERVICE clauses reach the network and are refused; pass --allow-service to run them"
        )
    return query


def query_variables(query: Query) -> set[str]:
    """The names of all variables a translated query mentions."""
    from rdflib.term import Variable

    return {str(node) for node in _walk(query.algebra) if isinstance(node, Variable)}


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
    timeout: float | None = None,
) -> QueryResult:
    """Run a SPARQL query over ``dataset`` and return an engine-neutral result.

    With ``timeout`` (seconds) the query is evaluated in a child process that is
    killed when the time is up, raising :class:`cspo_graph.errors.QueryTimeout`.
    """
    from cspo_graph.runtime.deadline import call_with_deadline

    query = prepare(text, source=source, allow_service=allow_service)
    bindings = dict(params or {})
    check_params(query, bindings)
    return call_with_deadline(lambda: _evaluate(dataset, query, bindings, source), timeout, what=source)


def _evaluate(
    dataset: rdflib.Graph, query: Query, bindings: Mapping[str, rdflib.term.Node], source: str
) -> QueryResult:
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib.plugins.sparql.sparql import SPARQLError
    from rdflib.term import Variable

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        result = dataset.query(query, initBindings={Variable(k): v for k, v in bindings.items()})
        return result_from_rdflib(result)
    except RecursionError:
        raise CspoError(f"{source}: the query is nested too deeply to evaluate") from None
    except OSError as exc:  # only SERVICE reaches the network, and only when allowed
        reason = getattr(exc, "reason", None) or exc
        raise CspoError(f"{source}: a SERVICE endpoint could not be queried: {reason}") from None
    except SPARQLError as exc:  # e.g. GROUP_CONCAT(DISTINCT ?x) over an unbound ?x
        raise CspoError(f"{source}: rdflib could not evaluate the query: {exc}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # rdflib's own bugs, e.g. ORDER BY
        raise CspoError(f"{source}: rdflib could not evaluate the query ({type(exc).__name__}: {exc})") from None
