"""Pushing the graph into a triple store over a W3C protocol.

Two protocols, one registry (:data:`PROTOCOLS`):

- ``gsp``, the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT ?graph=G`` replaces a
  named graph, ``POST ?graph=G`` adds to it; the body is N-Triples.
- ``update``, SPARQL 1.1 Update for stores without it: ``INSERT DATA`` (or, for a
  batch with blank nodes, ``INSERT {...} WHERE {}``, since not every store accepts
  blank nodes in INSERT DATA), after ``DROP SILENT GRAPH`` when replacing.

Triples go in batches; the triples that share a blank node always travel in the
same batch, so a blank node is never split into two. Replacing (PUT, or DROP in
the same request as the first INSERT) therefore leaves exactly one copy of every
triple, blank nodes included. Afterwards the triples in each target graph are
counted: when replacing, the store must hold exactly as many as were sent; when
adding, at least as many as were sent and at most the count before plus those
sent. Any other count is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from cspo_graph.errors import CspoError, UsageError
from cspo_graph.query.results import Term, term_from_rdflib
from cspo_graph.rdf.formats import FORMATS
from cspo_graph.stores import http

if TYPE_CHECKING:
    import httpx
    import rdflib

DEFAULT_BATCH_SIZE = 10_000
Triple = tuple[Term, Term, Term]


def _nt(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple) + " .\n"


def graphs_to_push(dataset: rdflib.Dataset, graph: str | None) -> dict[str, list[Triple]]:
    """Target graph IRI -> its triples: everything into ``graph``, or each named graph under its name, by IRI."""
    if graph is not None:
        triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
        return {graph: [_terms(t) for t in triples]}
    named = sorted(dataset.graphs(), key=lambda g: str(g.identifier))  # rdflib gives them in hash order
    return {str(g.identifier): [_terms(t) for t in g] for g in named if len(g)}


def _terms(triple: Iterable[Any]) -> Triple:
    return tuple(term_from_rdflib(node) for node in triple)  # type: ignore[return-value]


def batches(triples: Sequence[Triple], size: int) -> Iterator[list[Triple]]:
    """Batches of about ``size`` triples; the triples linked through blank nodes stay together."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for s, _, o in triples:
        if s.kind == "bnode" and o.kind == "bnode":
            parent[root(s.value)] = root(o.value)
    groups: dict[str, list[Triple]] = {}
    batch: list[Triple] = []
    for triple in triples:
        bnode = next((t.value for t in (triple[0], triple[2]) if t.kind == "bnode"), None)
        if bnode is None:
            batch.append(triple)
        else:
            groups.setdefault(root(bnode), []).append(triple)
        if len(batch) >= size:
            yield batch
            batch = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Protocol:
    """How to replace, add to and count a named graph at a store; subclasses per protocol."""

    name: ClassVar[str]

    def __init__(self, session: httpx.Client, url: str, query_url: str | None) -> None:
        self.http = session
        self.url = url
        self.query_url = query_url

    def send(self, graph: str, batch: list[Triple], *, replace: bool) -> None:
        """Add ``batch`` to ``graph`` (replacing its content first when ``replace``)."""
        raise NotImplementedError

    def clear(self, graph: str) -> None:
        """Remove ``graph`` (nothing to do when it does not exist)."""
        raise NotImplementedError

    def count(self, graph: str) -> int:
        """The number of triples the store holds in ``graph``."""
        return self.count_by_query(self.query_url or self.url, graph)

    def count_by_query(self, url: str, graph: str) -> int:
        from cspo_graph.stores.protocol import send_query

        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        result = send_query(self.http, url, text, "SELECT")
        try:
            return int(result.rows[0][0].value)  # type: ignore[union-attr]
        except (IndexError, AttributeError, ValueError):
            raise http.EndpointError(f"{url}: no triple count in the answer to {text!r}") from None


class GraphStore(Protocol):
    """SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification, ``?graph=IRI``)."""

    name = "gsp"

    def _request(self, method: str, graph: str, what: str, **request: Any) -> httpx.Response:
        return http.send(self.http, method, self.url, what=what, params={"graph": graph}, **request)

    def send(self, graph: str, batch: list[Triple], *, replace: bool) -> None:
        body = "".join(map(_nt, batch)).encode("utf-8")
        headers = {"Content-Type": FORMATS["nt"].media_type}
        self._request("PUT" if replace else "POST", graph, "the data", content=body, headers=headers)

    def clear(self, graph: str) -> None:
        self._request("DELETE", graph, "the deletion", accept_statuses=(404,))

    def count(self, graph: str) -> int:
        """Without a query endpoint, GET the graph and count what comes back."""
        from cspo_graph.stores.protocol import parse_rdf_body

        if self.query_url:
            return self.count_by_query(self.query_url, graph)
        accept = {"Accept": f"{FORMATS['nt'].media_type}, {FORMATS['ttl'].media_type};q=0.9"}
        response = self._request("GET", graph, "the read", headers=accept, accept_statuses=(404,))
        return 0 if response.status_code == 404 else sum(1 for _ in parse_rdf_body(response))


class SparqlUpdate(Protocol):
    """SPARQL 1.1 Update, sent as ``application/sparql-update``."""

    name = "update"

    def _update(self, text: str) -> None:
        http.send(
            self.http,
            "POST",
            self.url,
            what="the data",
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )

    def send(self, graph: str, batch: list[Triple], *, replace: bool) -> None:
        body = "".join(map(_nt, batch))
        has_bnodes = any(t.kind == "bnode" for triple in batch for t in triple)
        insert = (
            f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{}}"
            if has_bnodes
            else f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
        )
        self._update(f"DROP SILENT GRAPH <{graph}> ;\n{insert}" if replace else insert)

    def clear(self, graph: str) -> None:
        self._update(f"DROP SILENT GRAPH <{graph}>")


PROTOCOLS: dict[str, type[Protocol]] = {p.name: p for p in (GraphStore, SparqlUpdate)}


@dataclass
class PushReport:
    """What was sent to each graph and what the store held afterwards."""

    sent: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)


def _verify(graph: str, sent: int, before: int | None, after: int) -> None:
    if before is None and after != sent:
        raise CspoError(f"push to <{graph}> incomplete: sent {sent} triples, the store holds {after}")
    if before is not None and not max(before, sent) <= after <= before + sent:
        raise CspoError(
            f"push to <{graph}> inconsistent: the store held {before} triples, {sent} were added, it now holds {after}"
        )


def push(
    targets: dict[str, list[Triple]],
    url: str,
    *,
    replace: bool = False,
    protocol: str = "gsp",
    credentials: http.Credentials | None = None,
    query_url: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    timeout: float = http.DEFAULT_TIMEOUT,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Send each target graph's triples (see :func:`graphs_to_push`) to the store at ``url``
    and check that the store holds them; ``progress`` is called with the size of each batch sent."""
    if protocol not in PROTOCOLS:
        raise UsageError(f"unknown protocol {protocol!r} (known: {', '.join(PROTOCOLS)})")
    report = PushReport()
    with http.client(credentials, timeout) as session:
        store = PROTOCOLS[protocol](session, url, query_url)
        for name, triples in targets.items():
            before = None if replace else store.count(name)
            first = replace
            if replace and not triples:
                store.clear(name)
            for batch in batches(triples, batch_size):
                store.send(name, batch, replace=first)
                first = False
                if progress:
                    progress(len(batch))
            report.sent[name] = len(triples)
            report.counted[name] = store.count(name)
            _verify(name, len(triples), before, report.counted[name])
    return report
