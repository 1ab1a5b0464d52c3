"""Comparing the answers of two engines to one query: rows as multisets.

Only differences that engines are allowed to have are normalized away, and what is
normalized is found in the query's algebra (rdflib's parse), never by scanning its text:

- GROUP_CONCAT cells: the order of the joined values is not defined, so a cell is the
  sorted list of its parts (split on the query's own separator), and its type (plain
  or language-tagged string) is not compared: engines differ on it; a cell of another
  column that holds a separator (a GROUP_CONCAT passed on by BIND) is split the same way;
- xsd:boolean: "1" and "true" (and "0" and "false") are the same value, and Virtuoso
  writes booleans as 1/0 in SPARQL JSON;
- the order of rows: compared row by row when the query has ORDER BY at its top (a library
  query's ORDER BY keys every column, so it orders its rows totally: tests/test_queries.py
  proves it), else as multisets; :func:`order_keys` gives each row's ORDER BY key, for an
  engine whose order of strings differs (Comunica's collation).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from cspo_graph.query.results import XSD, QueryResult, Term
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
    for node in walk(_algebra(text)):
        if getattr(node, "name", None) == "Extend" and isinstance(node.expr, Variable):
            aggregate = _aggregate_of(node)
            if getattr(aggregate, "name", None) == "Aggregate_GroupConcat":
                separator = aggregate.separator
                separators[str(node.var)] = " " if separator is None else str(separator)
    return separators


@cache
def _algebra(text: str) -> Any:
    """The query's algebra (rdflib's translation), read once per text and never changed here."""
    return prepare(text, allow_service=True).algebra


def _below_modifiers(text: str, modifiers: Collection[str]) -> Any:
    """The node under a SELECT's own ``modifiers`` (not a sub-SELECT's)."""
    node = _algebra(text).p
    while getattr(node, "name", None) in modifiers:
        node = node.p
    return node


def _top_order(text: str) -> Any:
    """The OrderBy node at the top of a SELECT's modifiers, or None."""
    node = _below_modifiers(text, ("Slice", "Distinct", "Reduced", "Project"))
    return node if getattr(node, "name", None) == "OrderBy" else None


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY condition that keys one column: ``?v``, ``STR(?v)`` or ``COALESCE(STR(?v), "")``."""

    variable: str
    form: str
    """``itself``, ``STR`` or ``COALESCE``."""
    descending: bool


def _key(condition: Any) -> SortKey | None:
    from rdflib.term import Literal, Variable

    expr = condition.expr if getattr(condition, "name", None) == "OrderCondition" else condition
    descending = getattr(condition, "order", None) == "DESC"
    if isinstance(expr, Variable):
        return SortKey(str(expr), "itself", descending)
    if getattr(expr, "name", None) == "Builtin_STR" and isinstance(expr.arg, Variable):
        return SortKey(str(expr.arg), "STR", descending)
    if getattr(expr, "name", None) == "Builtin_COALESCE" and len(expr.arg) == 2 and expr.arg[1] == Literal(""):
        inner = _key(expr.arg[0])
        if inner is not None and inner.form == "STR":
            return SortKey(inner.variable, "COALESCE", descending)
    return None


def sort_keys(text: str) -> list[SortKey | None] | None:
    """The query's own ORDER BY conditions as :class:`SortKey` (None for a condition of another form);
    None when the query has no ORDER BY at its top."""
    order = _top_order(text)
    return None if order is None else [_key(condition) for condition in order.expr]


def projected(text: str) -> list[str]:
    """The variables a SELECT projects, in its order."""
    return [str(v) for v in _below_modifiers(text, ("Slice", "Distinct", "Reduced")).PV]


def aggregated_columns(text: str) -> set[str]:
    """The variables the query's own SELECT binds with an aggregate (not its grouping variables)."""
    node = _below_modifiers(text, ("Slice", "Distinct", "Reduced", "Project", "OrderBy"))
    aggregated = set()
    while getattr(node, "name", None) == "Extend":
        aggregate = _aggregate_of(node)
        if aggregate is not None and not (aggregate.name == "Aggregate_Sample" and aggregate.vars == node.var):
            aggregated.add(str(node.var))
        node = node.p
    return aggregated


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


def comparable(result: QueryResult, text: str, *, ordered: bool = True) -> object:
    """The answer of a query in a form two engines' answers can be compared in with ``==``
    (its rows in order when the query orders them, unless not ``ordered``)."""
    if result.kind == "ASK":
        return result.boolean
    if result.kind == "CONSTRUCT":
        return Counter(tuple(cell(term, None) for term in triple) for triple in set(result.triples))
    separators = group_concat_separators(text)
    rows = [
        tuple(
            cell(value, separators.get(name), set(separators.values()))
            for name, value in zip(result.variables, row, strict=True)
        )
        for row in result.rows
    ]
    ordered = ordered and _top_order(text) is not None
    return result.variables, rows if ordered else Counter(rows)


def endpoint_answer(cli: Any, url: str, *args: str) -> QueryResult:
    """The answer of ``cspo-graph query ARGS --endpoint URL`` (run by the tests' ``cli``), read back
    from the SPARQL JSON it prints."""
    result = cli("query", *args, "--endpoint", url, "--format", "json")
    assert result.exit_code == 0, result.output
    return result_from_json(json.loads(result.output))


def order_keys(result: QueryResult, text: str) -> list[tuple[object, ...]] | None:
    """Each row's ORDER BY key, in the order the rows came; None when the query has no ORDER BY.

    The conditions (each ``?v``, ``STR(?v)`` or ``COALESCE(STR(?v), "")``: see :class:`SortKey`)
    are taken up to the first one over a GROUP_CONCAT column: the order of its parts is each
    engine's own, so rows tied before it may come in either order.
    """
    keys = sort_keys(text)
    if keys is None:
        return None
    concatenated = set(group_concat_separators(text))
    position = {name: index for index, name in enumerate(result.variables)}
    used: list[SortKey] = []
    for key in keys:
        if key is None:
            raise ValueError('an ORDER BY condition is not ?v, STR(?v) nor COALESCE(STR(?v), "")')
        if key.variable in concatenated:
            break
        used.append(key)

    def value(term: Term | None, key: SortKey) -> object:
        if key.form == "itself":
            return cell(term, None)
        if term is None:
            return ("literal", "", None, None) if key.form == "COALESCE" else None
        return ("literal", term.value, None, None)

    return [tuple(value(row[position[key.variable]], key) for key in used) for row in result.rows]
