"""Binding variables to terms before evaluation, as SEP-0007 defines substitution.

SEP-0007 (https://github.com/w3c/sparql-dev/blob/main/SEP/SEP-0007/sep-0007.md)
replaces "put the term where the variable was" by three rules, applied here to the
translated algebra of the query (never to its text):

1. *Values insertion*: every basic graph pattern (property paths included) and every
   ``GRAPH ?var`` pattern is joined with the one-row table of the bindings, so a bound
   variable keeps its name and takes its value wherever the query matches data: in a
   grouped query too (``SELECT ?nation (COUNT(*) AS ?n) ... GROUP BY ?nation`` with
   ``?member`` bound counts that member only), in OPTIONAL, MINUS, EXISTS and FILTER.
2. *Renaming*: a sub-SELECT's own variables (those it does not project) are other
   variables than the outer ones of the same name, so inside a sub-SELECT only the
   variables it projects are bound.
3. *No re-assignment*: a bound variable may not be assigned again, by ``BIND``,
   ``(... AS ?v)`` or ``VALUES``; such a query is refused.

Every engine runs the query so bound: rdflib evaluates this algebra, Oxigraph and remote
endpoints get it written back as SPARQL (:mod:`cspo_graph.query.serialize`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import UsageError
from cspo_graph.query.results import Term, term_to_rdflib

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Variable

_AGGREGATE_RESULT = "__agg_"
"""rdflib names the value of an aggregate (and the SAMPLE of a grouped variable) ``__agg_N__``."""


_MODIFIERS = frozenset({"Distinct", "Reduced", "Slice", "OrderBy"})
"""Solution modifiers that stand between a query and its own projection (still the top level)."""


def _table(row: Mapping[Variable, Any]) -> Any:
    from rdflib.plugins.sparql.algebra import ToMultiSet, Values

    return ToMultiSet(Values([dict(row)]))


def _refuse(variable: Variable, how: str) -> UsageError:
    return UsageError(
        f"--param {variable}: the query assigns ?{variable} itself ({how}), so it cannot be bound (SEP-0007)"
    )


def _bind(node: Any, row: Mapping[Variable, Any], top: bool = False) -> Any:
    """``node`` with the bindings in ``row`` inserted (rules 1-3 above); nodes are changed in place."""
    from rdflib.plugins.sparql.algebra import Join
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(node, list):
        return [_bind(item, row) for item in node]
    if not isinstance(node, CompValue):
        return node
    name = node.name
    if name == "Project" and not top:
        row = {variable: term for variable, term in row.items() if variable in node.PV}
    elif name == "Extend" and node.var in row:
        expr = node.expr
        if not (isinstance(expr, Variable) and str(expr).startswith(_AGGREGATE_RESULT)):
            raise _refuse(node.var, "BIND or AS")
    elif name == "values" and any(variable in row for result in node.res for variable in result):
        raise _refuse(next(v for r in node.res for v in r if v in row), "VALUES")
    for key, value in list(node.items()):
        if key != "_vars" and isinstance(value, CompValue | list):
            node[key] = _bind(value, row, top=top and (name.endswith("Query") or name in _MODIFIERS))
            if key in node.__dict__:  # EXISTS keeps its pattern as an attribute too (see sparql.prepare)
                node.__dict__[key] = node[key]
    if not row:
        return node
    if name == "BGP":
        join = Join(_table(row), node)
        join["lazy"] = True  # rdflib then matches the pattern with the bound terms in place
        return join
    if name == "Graph" and isinstance(node.term, Variable):
        join = Join(node, _table(row))
        join["lazy"] = False  # the pattern is evaluated on its own, then joined
        return join
    return node


def substitute(query: Query, bindings: Mapping[str, Term]) -> Query:
    """``query`` with ``bindings`` (variable name -> term) substituted as SEP-0007 says; changed in place."""
    from rdflib.term import Variable

    if bindings:
        row = {Variable(name): term_to_rdflib(term) for name, term in bindings.items()}
        query.algebra = _bind(query.algebra, row, top=True)
    return query
