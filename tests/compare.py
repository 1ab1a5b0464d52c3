"""Comparing the answers of two engines to one query: rows as multisets.

Only differences that engines are allowed to have are normalized away, and what is
normalized is found in the query's algebra (rdflib's parse), never by scanning its text:

- GROUP_CONCAT cells: the order of the joined values is not defined, so a cell is the
  sorted list of its parts (split on the query's own separator), and its type (plain
  or language-tagged string) is not compared: engines differ on it; a cell of another
  column that holds a separator (a GROUP_CONCAT passed on by BIND) is split the same way;
- xsd:boolean: "1" and "true" (and "0" and "false") are the same value, and Virtuoso
  writes booleans as 1/0 in SPARQL JSON;
- the order of rows: :func:`comparable` compares rows as multisets, and :func:`order_keys`
  gives each row's ORDER BY key, so that two answers can be compared in the order the query
  defines (rows whose keys tie may come in either order: the order among them is undefined).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from typing import Any

from cspo_graph.query.results import XSD, QueryResult, Term, term_from_rdflib, term_to_rdflib
from cspo_graph.query.sparql import prepare, walk
from cspo_graph.stores.protocol import result_from_json

_BOOLEANS = {"1": "true", "0": "false", "true": "true", "false": "false"}


def _aggregate_of(extend: Any) -> Any:
    """The aggregate an Extend names (``?v`` := rdflib's ``__agg_N__``): the nearest one below it of that name,
    since each sub-SELECT numbers its own aggregates from 1."""
    from collections import deque

    from rdflib.plugins.sparql.parserutils import CompValue

    pending = deque([extend.p])
    while pending:
        node = pending.popleft()
        if isinstance(node, CompValue):
            if node.name == "AggregateJoin":
                return next((a for a in node.A if a.res == extend.expr), None)
            pending.extend(v for k, v in node.items() if k != "_vars")
        elif isinstance(node, list):
            pending.extend(node)
    return None


def group_concat_separators(text: str) -> dict[str, str]:
    """The variables a query binds with GROUP_CONCAT, each with its separator (read from the algebra)."""
    from rdflib.term import Variable

    separators = {}
    for node in walk(prepare(text, allow_service=True).algebra):
        if getattr(node, "name", None) == "Extend" and isinstance(node.expr, Variable):
            aggregate = _aggregate_of(node)
            if getattr(aggregate, "name", None) == "Aggregate_GroupConcat":
                separator = aggregate.separator
                separators[str(node.var)] = " " if separator is None else str(separator)
    return separators


def cell(term: Term | None, separator: str | None, separators: Collection[str] = ()) -> object:
    """A cell in comparable form."""
    if term is None:
        return None
    if separator is not None:
        return ("concat", tuple(sorted(term.value.split(separator))))
    passed_on = next((s for s in separators if term.kind == "literal" and s in term.value), None)
    if passed_on is not None:
        return ("concat", tuple(sorted(term.value.split(passed_on))), term.datatype, term.lang)
    if term.kind == "literal" and term.datatype == XSD + "boolean":
        return ("literal", _BOOLEANS.get(term.value, term.value), term.datatype, None)
    if term.kind == "bnode":
        return ("bnode",)  # blank node labels are each engine's own
    return (term.kind, term.value, term.datatype, term.lang)


def comparable(result: QueryResult, text: str) -> object:
    """The answer of a query in a form two engines' answers can be compared in with ``==``."""
    if result.kind == "ASK":
        return result.boolean
    if result.kind == "CONSTRUCT":
        return Counter(tuple(cell(term, None) for term in triple) for triple in set(result.triples))
    separators = group_concat_separators(text)
    rows = Counter(
        tuple(
            cell(value, separators.get(name), set(separators.values()))
            for name, value in zip(result.variables, row, strict=True)
        )
        for row in result.rows
    )
    return result.variables, rows


def endpoint_answer(cli: Any, url: str, *args: str) -> QueryResult:
    """The answer of ``cspo-graph query ARGS --endpoint URL`` (run by the tests' ``cli``), read back
    from the SPARQL JSON it prints."""
    result = cli("query", *args, "--endpoint", url, "--format", "json")
    assert result.exit_code == 0, result.output
    return result_from_json(json.loads(result.output))


def _order_conditions(text: str) -> list[Any]:
    """The conditions of the query's outermost ORDER BY (none without one), read from the algebra."""
    node = prepare(text, allow_service=True).algebra.p
    while getattr(node, "name", None) in ("Distinct", "Reduced", "Project", "Slice", "ToMultiSet"):
        node = node.p
    return list(node.expr) if getattr(node, "name", None) == "OrderBy" else []


def order_keys(result: QueryResult, text: str) -> list[tuple[object, ...]] | None:
    """Each row's ORDER BY key, in the order the rows came; None when the query has no ORDER BY.

    The conditions are evaluated on the projected row, as rdflib evaluates them, up to the first
    one over a GROUP_CONCAT column: the order of its parts is each engine's own, so rows tied
    before it may come in either order. A condition over a variable the query does not project
    cannot be evaluated on its rows: that is a ValueError.
    """
    from rdflib.plugins.sparql.parserutils import value
    from rdflib.plugins.sparql.sparql import FrozenBindings, QueryContext, SPARQLError
    from rdflib.term import Variable

    conditions = _order_conditions(text)
    if not conditions:
        return None
    concatenated = set(group_concat_separators(text))
    expressions = []
    for condition in conditions:
        expression = getattr(condition, "expr", condition)
        names = {str(node) for node in walk(expression) if isinstance(node, Variable)}
        if names & concatenated:
            break
        if not names <= set(result.variables):
            raise ValueError(f"ORDER BY uses {sorted(names - set(result.variables))}, which the query does not project")
        expressions.append(expression)
    context = QueryContext()
    keys = []
    for row in result.rows:
        bound = {Variable(name): term_to_rdflib(term) for name, term in zip(result.variables, row, strict=True) if term}
        bindings = FrozenBindings(context, bound)
        key = []
        for expression in expressions:
            found = value(bindings, expression, variables=True)
            unbound = isinstance(found, Variable | SPARQLError)
            key.append(None if unbound else cell(term_from_rdflib(found), None))
        keys.append(tuple(key))
    return keys
