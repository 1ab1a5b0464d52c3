"""Comparing query answers of two engines, row by row.

Only differences that the engines are allowed to have are normalized away:

- GROUP_CONCAT cells (also passed on by ``BIND(COALESCE(?concatenated, ...) AS ?v)``):
  the order of the joined values is not defined, so a cell is
  compared as the set of its "; "-separated parts (and the result's type, plain or
  language-tagged string, is not compared: engines differ on it);
- xsd:boolean: "1" and "true" (and "0" and "false") are the same value, and Virtuoso
  writes booleans as 1/0 in SPARQL JSON;
- the order of rows whose ORDER BY keys are equal is not defined, so rows are
  compared in ORDER BY order, ties sorted.
"""

from __future__ import annotations

import re

from cspo_graph.query.results import XSD, QueryResult, Term

_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", re.I | re.S)
_ORDER_BY = re.compile(r"ORDER\s+BY\s+([^{}]*?)\s*(?:LIMIT|OFFSET|VALUES|$)", re.I | re.S)
_BOOLEANS = {"1": "true", "0": "false", "true": "true", "false": "false"}


_BOUND_FROM = re.compile(r"BIND\s*\(\s*COALESCE\s*\(\s*\?(\w+).*?\)\s+AS\s+\?(\w+)\s*\)", re.I)


def group_concat_variables(text: str) -> set[str]:
    """The variables a query binds with GROUP_CONCAT, or with a COALESCE that starts with one."""
    concatenated = set(_GROUP_CONCAT.findall(text))
    return concatenated | {bound for source, bound in _BOUND_FROM.findall(text) if source in concatenated}


def order_variables(text: str) -> list[str]:
    """The plain variables of a query's final ORDER BY."""
    match = _ORDER_BY.search(text.rsplit("}", 1)[-1])
    return re.findall(r"\?(\w+)", match[1]) if match else []


def cell(term: Term | None, concatenated: bool) -> object:
    """A cell in comparable form."""
    if term is None:
        return None
    if concatenated:
        return ("concat", tuple(sorted(term.value.split("; "))))
    if term.kind == "literal" and term.datatype == XSD + "boolean":
        return ("literal", _BOOLEANS.get(term.value, term.value), term.datatype, None)
    return (term.kind, term.value, term.datatype, term.lang)


def comparable(result: QueryResult, text: str) -> object:
    """The answer of a query in a form two engines' answers can be compared in with ``==``."""
    if result.kind == "ASK":
        return result.boolean
    concatenated = group_concat_variables(text)
    rows = [
        tuple(cell(value, name in concatenated) for name, value in zip(result.variables, row, strict=True))
        for row in result.rows
    ]
    order = [result.variables.index(v) for v in order_variables(text) if v in result.variables]

    def key(row: tuple) -> tuple:
        return tuple(repr(row[i]) for i in order)

    runs: list[tuple[tuple, list[str]]] = []
    for row in rows:
        if not runs or runs[-1][0] != key(row):
            runs.append((key(row), []))
        runs[-1][1].append(repr(row))
    return result.variables, [(k, sorted(members)) for k, members in runs]
