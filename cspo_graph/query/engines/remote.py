"""The remote engine: a SPARQL 1.1 Protocol endpoint answers.

The query is checked exactly as a local one before anything is sent (parsed and
translated by rdflib: no update, no SERVICE unless allowed, not nested too deeply),
bound on that algebra (:mod:`cspo_graph.query.bindings`), and what is sent is that
algebra written back as SPARQL (:mod:`cspo_graph.query.serialize`), with every prefix
spelled out: the endpoint runs exactly what was checked, however the original text was
spelled. Only the endpoint is contacted; ``timeout`` bounds each step of the exchange.
The answer becomes the same engine-neutral
:class:`~cspo_graph.query.results.QueryResult`, so every output format applies.
"""

from __future__ import annotations

from cspo_graph.query.engines.base import Engine, Request, Source
from cspo_graph.query.results import QueryResult
from cspo_graph.stores import http
from cspo_graph.stores.protocol import KINDS, send_query


class RemoteEngine(Engine):
    """A remote SPARQL endpoint, queried over HTTP."""

    name = "remote"

    def __init__(self, source: Source, *, workers: int = 1) -> None:
        if source.endpoint is None:
            raise ValueError("the remote engine needs an endpoint")
        self.url = http.check_url(source.endpoint)
        self.graphs = [http.check_iri(iri) for iri in source.default_graphs]
        self.credentials, self.page_size = source.credentials, source.page_size

    def evaluate(self, request: Request) -> QueryResult:
        from cspo_graph.query.serialize import checked_text

        query, text = checked_text(request)
        timeout = http.DEFAULT_TIMEOUT if request.timeout is None else request.timeout
        with http.client(self.credentials, timeout) as session:
            if request.sets_dataset:
                graphs = (request.default_graphs, request.named_graphs)
            else:
                graphs = (tuple(self.graphs), ())
            return send_query(session, self.url, text, KINDS[query.algebra.name], *graphs, page_size=self.page_size)

    def close(self) -> None:
        """Nothing to release: each query has its own HTTP client."""
