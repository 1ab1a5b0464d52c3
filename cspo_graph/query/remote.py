"""Running queries on a remote SPARQL 1.1 Protocol endpoint.

The query is checked exactly as a local one (:func:`cspo_graph.query.sparql.prepare`:
no updates; no SERVICE unless allowed) before anything is sent, and only the
endpoint is contacted. The answer becomes the same engine-neutral
:class:`~cspo_graph.query.results.QueryResult`, so every output format applies.

Differences from a local run, by design:

- prefixes cspo-graph knows (``cspo:``, ``rdfs:``, ...) are declared for the
  endpoint when the query uses them without declaring them;
- ``--param`` values are sent as a ``VALUES`` block at the start of the query's
  WHERE group, where a local run binds them too;
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import UsageError
from cspo_graph.query.results import QueryResult, term_from_rdflib
from cspo_graph.stores import http
from cspo_graph.stores.protocol import KINDS, send_query

if TYPE_CHECKING:
    import rdflib


def with_prefixes(text: str, declared: Iterable[str]) -> str:
    """``text`` with a PREFIX declaration for each known prefix it does not declare."""
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in resources.PREFIXES.items() if p not in set(declared)]
    return "\n".join([*missing, text])


_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*
        |"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
        |<[^<>"{}|^`\\\s]*>)
      |(?P<open>\{)|(?P<close>\})|(?P<lparen>\()|(?P<rparen>\))
      |(?<![?$\w:])(?P<where>WHERE)\b""",
    re.X | re.I,
)


def where_position(text: str, kind: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE group."""
    braces = parens = 0
    where_seen = False
    for token in _TOKENS.finditer(text):
        group = token.lastgroup
        if group == "where" and braces == parens == 0:
            where_seen = True
        elif group == "open":
            if braces == parens == 0 and (where_seen or kind != "CONSTRUCT"):
                return token.end()
            braces += 1
        elif group == "close":
            braces -= 1
        elif group in ("lparen", "rparen"):
            parens += 1 if group == "lparen" else -1
    raise UsageError("--param with --endpoint: cannot find the query's WHERE clause")


def with_values(text: str, kind: str, params: Mapping[str, rdflib.term.Node]) -> str:
    """``text`` with a VALUES block binding ``params`` first in its WHERE group.

    That is where a local run binds them too: before any grouping, so every
    variable of the WHERE clause can be bound, projected or not.
    """
    if not params:
        return text
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(term_from_rdflib(value).n3() for value in params.values())  # type: ignore[union-attr]
    at = where_position(text, kind)
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"


def run_remote(
    url: str,
    text: str,
    *,
    params: Mapping[str, rdflib.term.Node] | None = None,
    default_graphs: Iterable[str] = (),
    allow_service: bool = False,
    source: str = "<query>",
    timeout: float = http.DEFAULT_TIMEOUT,
    credentials: http.Credentials | None = None,
    page_size: int | None = None,
) -> QueryResult:
    """Check a query like a local one, then run it on the endpoint at ``url``."""
    from rdflib.plugins.sparql.parser import parseQuery

    from cspo_graph.query.sparql import check_params, prepare

    query = prepare(text, source=source, allow_service=allow_service)
    check_params(query, params or {})
    kind = KINDS[query.algebra.name]
    prologue = parseQuery(text)[0]
    declared = [str(decl.prefix) for decl in prologue if getattr(decl, "name", "") == "PrefixDecl"]
    body = with_prefixes(with_values(text, kind, params or {}), declared)
    graphs = [http.check_iri(iri) for iri in default_graphs]
    with http.client(credentials, timeout) as session:
        return send_query(session, http.check_url(url), body, kind, graphs, page_size)
