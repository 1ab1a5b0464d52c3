"""Writing rdflib's SPARQL algebra back as SPARQL text, checked by a round trip.

Engines other than rdflib run a bound query (:mod:`cspo_graph.query.bindings`) or a
checked one (the remote engine) from this text: what they run is what was checked,
however the original was spelled (``\\u`` escapes, comments, prefixes). rdflib's own
``translateAlgebra`` cannot be used: it fails on most of the library's queries and
writes wrong text for others (``SELECT (COUNT(*) as ?n)ation``). Every text written
here is parsed again and its algebra compared with the one it was written from
(:func:`checked_text`); a query that would not come back the same is refused rather
than sent changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import CspoError, UsageError
from cspo_graph.query.results import term_from_rdflib

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

    from cspo_graph.query.engines.base import Request


class Unwritable(CspoError):
    """The algebra holds something this writer cannot write back faithfully."""


_INFIX = {"ConditionalOrExpression": "||", "ConditionalAndExpression": "&&"}
_SPECIAL_BUILTINS = {"NOTEXISTS": "NOT EXISTS"}
_AGGREGATES = {
    "Aggregate_Count": "COUNT",
    "Aggregate_Sum": "SUM",
    "Aggregate_Avg": "AVG",
    "Aggregate_Min": "MIN",
    "Aggregate_Max": "MAX",
    "Aggregate_Sample": "SAMPLE",
    "Aggregate_GroupConcat": "GROUP_CONCAT",
}
_BOOKKEEPING = ("_vars", "lazy", "translated", "no_isolated_scope", "service_string")
"""Fields rdflib keeps for its own evaluation, not part of what a query means."""
_MODIFIERS = ("Slice", "Distinct", "Reduced", "Project", "OrderBy")


def _name(node: Any) -> str | None:
    from rdflib.plugins.sparql.parserutils import CompValue

    return node.name if isinstance(node, CompValue) else None


class _Writer:
    """Writes one query; ``aggregates`` maps rdflib's ``__agg_N__`` variables to their SPARQL text."""

    def __init__(self) -> None:
        self.aggregates: dict[str, str] = {}
        self.group_keys: set[str] = set()

    # terms and paths

    def term(self, node: Any) -> str:
        from rdflib.paths import Path
        from rdflib.term import BNode, Literal, URIRef, Variable

        if isinstance(node, Variable):
            return self.aggregates.get(str(node), f"?{node}")
        if isinstance(node, Path):
            return self.path(node)
        if isinstance(node, URIRef | Literal | BNode):
            converted = term_from_rdflib(node)
            assert converted is not None
            return converted.n3()
        raise Unwritable(f"term {node!r}")

    def path(self, path: Any) -> str:
        from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
        from rdflib.term import URIRef

        if isinstance(path, URIRef):
            return self.term(path)
        if isinstance(path, SequencePath):
            return "(" + " / ".join(self.path(p) for p in path.args) + ")"
        if isinstance(path, AlternativePath):
            return "(" + " | ".join(self.path(p) for p in path.args) + ")"
        if isinstance(path, InvPath):
            return f"^({self.path(path.arg)})"
        if isinstance(path, MulPath):
            return f"({self.path(path.path)}){path.mod}"
        if isinstance(path, NegatedPath):
            return "!(" + " | ".join(self.path(p) for p in path.args) + ")"
        raise Unwritable(f"property path {path!r}")

    # expressions

    def expr(self, node: Any) -> str:
        from rdflib.plugins.sparql.parserutils import CompValue

        if not isinstance(node, CompValue):
            return self.term(node)
        name = node.name
        if name.startswith("Aggregate_"):
            return self.aggregate(node)
        if name in _INFIX:
            parts = [node.expr, *(node.other or [])]
            return "(" + f" {_INFIX[name]} ".join(self.expr(p) for p in parts) + ")"
        if name in ("AdditiveExpression", "MultiplicativeExpression"):
            text = self.expr(node.expr)
            for op, other in zip(node.op or [], node.other or [], strict=True):
                text += f" {op} {self.expr(other)}"
            return f"({text})"
        if name == "RelationalExpression":
            if node.op in ("IN", "NOT IN"):
                return f"({self.expr(node.expr)} {node.op} ({', '.join(self.expr(o) for o in node.other)}))"
            return f"({self.expr(node.expr)} {node.op} {self.expr(node.other)})"
        if name in ("UnaryNot", "UnaryMinus", "UnaryPlus"):
            return {"UnaryNot": "!", "UnaryMinus": "-", "UnaryPlus": "+"}[name] + f"({self.expr(node.expr)})"
        if name == "TrueFilter":
            return "true"
        if name == "Function":
            distinct = "DISTINCT " if node.distinct else ""
            return f"{self.term(node.iri)}({distinct}{', '.join(self.expr(a) for a in node.expr or [])})"
        if name.startswith("Builtin_"):
            builtin = name[len("Builtin_") :]
            if builtin in ("EXISTS", "NOTEXISTS"):
                return f"{_SPECIAL_BUILTINS.get(builtin, builtin)} {{ {self.group(node.graph)} }}"
            args = [value for key, value in node.items() if key != "_vars"]
            flat = [a for arg in args for a in (arg if isinstance(arg, list) else [arg])]
            return f"{builtin}({', '.join(self.expr(a) for a in flat)})"
        raise Unwritable(f"expression {name}")

    def aggregate(self, node: Any) -> str:
        """An aggregate's text; the implicit SAMPLE rdflib adds for a grouping variable is that variable."""
        name = _AGGREGATES.get(node.name)
        if name is None:
            raise Unwritable(f"aggregate {node.name}")
        if name == "SAMPLE" and str(node.vars) in self.group_keys:
            return f"?{node.vars}"
        distinct = "DISTINCT " if node.distinct else ""
        argument = "*" if node.vars == "*" else self.expr(node.vars)
        separator = node.separator
        tail = f"; separator={self.term(separator)}" if separator is not None else ""
        return f"{name}({distinct}{argument}{tail})"

    # graph patterns

    def group(self, node: Any) -> str:
        """The contents of a group graph pattern (without its braces) that translates back to ``node``."""
        name = _name(node)
        if name == "BGP":
            return " ".join(f"{self.term(s)} {self.term(p)} {self.term(o)} ." for s, p, o in node.triples)
        if name == "Join":
            return f"{{ {self.group(node.p1)} }} {{ {self.group(node.p2)} }}"
        if name == "LeftJoin":
            condition = node.expr
            right = self.group(node.p2)
            if condition is not None and _name(condition) != "TrueFilter":
                right += f" FILTER({self.expr(condition)})"
            return f"{self.inner(node.p1)} OPTIONAL {{ {right} }}"
        if name == "Minus":
            return f"{self.inner(node.p1)} MINUS {{ {self.group(node.p2)} }}"
        if name == "Filter":
            return f"{self.inner(node.p)} FILTER({self.expr(node.expr)})"
        if name == "Union":
            return f"{{ {self.group(node.p1)} }} UNION {{ {self.group(node.p2)} }}"
        if name == "Graph":
            return f"GRAPH {self.term(node.term)} {{ {self.group(node.p)} }}"
        if name == "Extend":
            return f"{self.inner(node.p)} BIND({self.expr(node.expr)} AS ?{node.var})"
        if name == "ToMultiSet":
            if _name(node.p) == "values":
                return self.values(node.p.res)
            return f"{{ {self.select(node.p)} }}"
        if name in _MODIFIERS:
            return f"{{ {self.select(node)} }}"
        if name == "ServiceGraphPattern":
            return str(node.service_string)
        raise Unwritable(f"graph pattern {name}")

    def inner(self, node: Any) -> str:
        """A group's leading part: braced when its own FILTER would otherwise cover what follows."""
        text = self.group(node)
        return f"{{ {text} }}" if _name(node) == "Filter" else text

    def values(self, rows: list[Mapping[Any, Any]]) -> str:
        variables = list(dict.fromkeys(v for row in rows for v in row))
        cells = [
            "(" + " ".join("UNDEF" if row.get(v, "UNDEF") == "UNDEF" else self.term(row[v]) for v in variables) + ")"
            for row in rows
        ]
        return f"VALUES ({' '.join(f'?{v}' for v in variables)}) {{ {' '.join(cells)} }}"

    # queries

    def select(self, node: Any, form: str = "SELECT") -> str:
        """A SELECT (or the WHERE part and modifiers of another form) from its modifier chain."""
        outer = self.aggregates, self.group_keys  # each sub-SELECT numbers its own aggregates from 1
        self.aggregates, self.group_keys = {}, set()
        try:
            return self._select(node, form)
        finally:
            self.aggregates, self.group_keys = outer

    def _select(self, node: Any, form: str) -> str:
        limit = offset = ""
        if _name(node) == "Slice":
            if node.length is not None:
                limit = f" LIMIT {node.length}"
            if node.start:
                offset = f" OFFSET {node.start}"
            node = node.p
        distinct = ""
        if _name(node) in ("Distinct", "Reduced"):
            distinct = "DISTINCT " if node.name == "Distinct" else "REDUCED "
            node = node.p
        if _name(node) != "Project":
            raise Unwritable(f"a query without its projection ({_name(node)})")
        projected, node = [str(v) for v in node.PV], node.p
        order = None
        if _name(node) == "OrderBy":
            order, node = node.expr, node.p
        extends: dict[str, Any] = {}
        while _name(node) == "Extend" and str(node.var) in projected and str(node.var) not in extends:
            extends[str(node.var)] = node.expr
            node = node.p
        aggregated = _aggregate_below(node)
        values = having = None
        if aggregated and _name(node) == "Join" and _name(node.p2) == "ToMultiSet":
            values, node = node.p2.p.res, node.p1
        if aggregated and _name(node) == "Filter":
            having, node = node.expr, node.p
        group_by = ""
        if _name(node) == "AggregateJoin":
            grouping = node.p
            keys = grouping.expr or []
            self.group_keys = {str(k) for k in keys}
            for aggregate in node.A:
                self.aggregates[str(aggregate.res)] = self.aggregate(aggregate)
            if keys:
                group_by = " GROUP BY " + " ".join(self.expr(k) for k in keys)
            node = grouping.p
        elif extends and not aggregated and form != "SELECT":
            raise Unwritable("select expressions outside a SELECT")
        where = self.group(node)
        if having is not None:
            group_by += f" HAVING ({self.expr(having)})"
        tail = group_by
        if order:
            tail += " ORDER BY " + " ".join(self.order_condition(c) for c in order)
        tail += limit + offset
        if values is not None:
            tail += " " + self.values(values)
        if form != "SELECT":
            return f"WHERE {{ {where} }}{tail}"
        columns = " ".join(self.column(v, extends.get(v)) for v in projected)
        return f"SELECT {distinct}{columns or '*'} WHERE {{ {where} }}{tail}"

    def column(self, variable: str, expr: Any) -> str:
        """A projected variable: ``?v``, or ``(expr AS ?v)`` (but not for a grouping variable itself)."""
        if expr is None:
            return f"?{variable}"
        text = self.expr(expr)
        return text if text == f"?{variable}" else f"({text} AS ?{variable})"

    def order_condition(self, condition: Any) -> str:
        if _name(condition) == "OrderCondition":
            text = self.expr(condition.expr)
            return f"{condition.order}({text})" if condition.order else f"({text})"
        return f"({self.expr(condition)})"

    def query(self, algebra: Any) -> str:
        form = algebra.name
        dataset = "".join(
            f" FROM NAMED {self.term(c.named)}" if c.named is not None else f" FROM {self.term(c.default)}"
            for c in algebra.datasetClause or []
        )
        if form == "SelectQuery":
            text = self.select(algebra.p)
            head, _, rest = text.partition(" WHERE ")
            return f"{head}{dataset} WHERE {rest}"
        if form == "AskQuery":
            return f"ASK{dataset} {self.select(algebra.p, 'ASK')}"
        if form == "ConstructQuery":
            if algebra.template is None:  # CONSTRUCT WHERE { triples }: the pattern is the template
                return f"CONSTRUCT{dataset} {self.select(algebra.p, 'CONSTRUCT')}"
            template = " ".join(f"{self.term(s)} {self.term(p)} {self.term(o)} ." for s, p, o in algebra.template)
            return f"CONSTRUCT {{ {template} }}{dataset} {self.select(algebra.p, 'CONSTRUCT')}"
        if form == "DescribeQuery":
            targets = " ".join(self.term(t) for t in algebra.PV)
            return f"DESCRIBE {targets}{dataset} {self.select(algebra.p, 'DESCRIBE')}"
        raise Unwritable(f"query form {form}")


def _aggregate_below(node: Any) -> bool:
    """Whether the modifier chain continues (through HAVING and trailing VALUES) into an aggregation."""
    for _ in range(3):
        name = _name(node)
        if name == "AggregateJoin":
            return True
        if name == "Filter":
            node = node.p
        elif name == "Join" and _name(node.p2) == "ToMultiSet":
            node = node.p1
        else:
            return False
    return False


def write(query: Query) -> str:
    """The SPARQL text of a translated query (every IRI written out in full: no prologue)."""
    return _Writer().query(query.algebra)


def _canonical(node: Any, blanks: dict[str, int]) -> Any:
    """A comparable form of an algebra: no bookkeeping fields, blank nodes numbered by first use."""
    from rdflib.paths import Path
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import BNode

    if isinstance(node, CompValue):
        items = [(k, _canonical(v, blanks)) for k, v in node.items() if k not in _BOOKKEEPING]
        return (node.name, tuple(items))
    if isinstance(node, Mapping):
        return tuple(sorted((repr(k), _canonical(v, blanks)) for k, v in node.items()))
    if isinstance(node, list | tuple):
        return tuple(_canonical(item, blanks) for item in node)
    if isinstance(node, set | frozenset):
        return tuple(sorted(repr(_canonical(item, blanks)) for item in node))
    if isinstance(node, BNode):
        return ("bnode", blanks.setdefault(str(node), len(blanks)))
    if isinstance(node, Path):
        return ("path", repr(node))
    return node


def same_algebra(one: Query, other: Query) -> bool:
    """Whether two translated queries have the same algebra (blank node labels aside)."""
    return _canonical(one.algebra, {}) == _canonical(other.algebra, {})


def checked_text(request: Request) -> tuple[Query, str]:
    """The request's query checked, bound and written as SPARQL that parses back to the same algebra."""
    from cspo_graph.query.bindings import substitute
    from cspo_graph.query.sparql import check_params, prepare

    query = prepare(request.text, source=request.source, allow_service=request.allow_service, base=request.base)
    check_params(query, request.bindings)
    substitute(query, request.bindings)
    try:
        text = write(query)
        again = prepare(text, source=request.source, allow_service=request.allow_service)
    except (Unwritable, CspoError) as exc:
        raise UsageError(
            f"{request.source}: this query cannot be written back faithfully for this engine ({exc})"
        ) from None
    if not same_algebra(query, substitute(again, {})):
        raise UsageError(f"{request.source}: this query cannot be written back faithfully for this engine")
    return query, text


def bound_query(request: Request) -> str:
    """The text an engine other than rdflib runs for a request with bindings."""
    return checked_text(request)[1]
