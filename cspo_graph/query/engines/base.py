"""The one interface every query path goes through: open an engine, query it, close it.

An :class:`Engine` answers read-only SPARQL with typed bindings (SEP-0007 substitution)
under a time limit. The rules that must hold on every path (updates refused, SERVICE
refused unless allowed, bindings, time limit, error messages) live here and in the
shared modules it calls, once, not in each implementation.

The CLI, the server, the graph views and the benchmark use only :func:`open_engine`
(see :data:`cspo_graph.query.engines.ENGINES`, the registry of implementations).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from cspo_graph.query.render import Chooser, Written
    from cspo_graph.query.results import QueryResult, Term
    from cspo_graph.runtime.workers import WorkerPool
    from cspo_graph.stores.http import Credentials


@dataclass(frozen=True)
class Request:
    """One query as a caller asks it: the text, where it comes from, its bindings and limits."""

    text: str
    source: str = "<query>"
    """What errors name: a file path, ``<expression>``, ``queries/NAME.rq``."""
    bindings: Mapping[str, Term] = field(default_factory=dict)
    """Variable name (without ``?``) -> term, substituted as SEP-0007 defines."""
    timeout: float | None = 30.0
    """Seconds the query (with the conversion of its result) may run; ``None``: no limit."""
    allow_service: bool = False
    """Whether SERVICE clauses may reach the network."""
    label: str = ""
    """A name for the running query, by which :meth:`Engine.cancel` stops it (the web page's request id)."""
    default_graphs: tuple[str, ...] = ()
    """Graph IRIs whose merge is the default graph (the SPARQL 1.1 Protocol's ``default-graph-uri``)."""
    named_graphs: tuple[str, ...] = ()
    """Graph IRIs the query's GRAPH sees (the Protocol's ``named-graph-uri``).

    When either is given, the two make the query's dataset and replace its FROM and FROM
    NAMED, as the Protocol says; a part not given is empty."""
    base: str | None = None
    """The IRI the query's relative IRIs resolve against, and a relative ``BASE`` it declares
    (:func:`cspo_graph.query.library.base_iri`: a query file's ``file://`` URI). ``None``: the
    query has no base IRI, and a relative IRI in it is the engine's to judge."""

    @property
    def sets_dataset(self) -> bool:
        """Whether the request gives the query's dataset (see :attr:`named_graphs`)."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class Source:
    """What an engine answers from: files in memory, an on-disk store, or a remote endpoint."""

    files: tuple[str | Path, ...] = ()
    """RDF files (``builtin`` for the shipped ones; none: the shipped ones)."""
    store: Path | None = None
    """An on-disk store made by ``cspo-graph load``."""
    endpoint: str | None = None
    """A SPARQL 1.1 Protocol endpoint URL."""
    default_graphs: tuple[str, ...] = ()
    """With ``endpoint``: the default graph IRIs sent with each query."""
    reason: str | None = None
    """``rdfs`` or ``owlrl``: entailments materialized after loading (in-memory engines only)."""
    credentials: Credentials | None = None
    """With ``endpoint``: the login (``--user``)."""
    page_size: int | None = None
    """With ``endpoint``: fetch a SELECT answer in pages of this many rows (``--page-size``)."""


class Engine(ABC):
    """A SPARQL engine over one :class:`Source`."""

    name: str
    """The registry name: ``rdflib``, ``oxigraph``, ``remote``."""

    def query(self, request: Request) -> QueryResult:
        """Answer ``request``: an engine-neutral result, or a :class:`cspo_graph.errors.CspoError`.

        The columns of a ``SELECT *`` come in the order the query names its variables, on
        every engine (each engine has an order of its own).
        """
        from cspo_graph.query.sparql import in_written_order

        return in_written_order(self.evaluate(request), request.text)

    def answer(self, request: Request, choose: Chooser, *, row_cap: int | None = None) -> Written:
        """:meth:`query`'s result written in the format ``choose`` names for its kind
        (:func:`cspo_graph.query.render.write`): what the CLI prints and the server sends."""
        from cspo_graph.query.render import write

        return write(self.query(request), choose, row_cap)

    async def answer_async(self, request: Request, choose: Chooser, *, row_cap: int | None = None) -> Written:
        """:meth:`answer` for an event loop (the server's): here, in a thread."""
        import asyncio

        return await asyncio.to_thread(self.answer, request, choose, row_cap=row_cap)

    @abstractmethod
    def evaluate(self, request: Request) -> QueryResult:
        """The engine's own answer to ``request`` (what :meth:`query` returns, columns aside)."""

    def cancel(self, label: str) -> bool:
        """Stop the running query whose request has this ``label``; false when none runs."""
        return False

    @abstractmethod
    def close(self) -> None:
        """Release what the engine holds (worker processes, store handles, HTTP clients)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PooledEngine(Engine):
    """A local engine: its queries run in a :class:`~cspo_graph.runtime.workers.WorkerPool`
    (network-isolated processes, each stopped at its request's time limit), and
    :meth:`answer` writes the result there too, within the same limit: only the text
    comes back."""

    _pool: WorkerPool

    @abstractmethod
    def _answer(self, request: Request) -> QueryResult:
        """The engine's answer, in a worker (what :meth:`evaluate` returns)."""

    def evaluate(self, request: Request) -> QueryResult:
        result: QueryResult = self._run(_Job(request))
        return result

    def answer(self, request: Request, choose: Chooser, *, row_cap: int | None = None) -> Written:
        written: Written = self._run(_Job(request, choose, row_cap))
        return written

    async def answer_async(self, request: Request, choose: Chooser, *, row_cap: int | None = None) -> Written:
        """:meth:`answer`, the event loop waiting on the worker itself."""
        written: Written = await self._pool.run_async(_Job(request, choose, row_cap), **_limits(request))
        return written

    def _run(self, job: _Job) -> Any:
        return self._pool.run(job, **_limits(job.request))

    def _work(self, job: _Job) -> QueryResult | Written:
        """What a worker does with a job (the pool's handler)."""
        result = self._answer(job.request)
        if job.choose is None:
            return result
        from cspo_graph.query.render import write
        from cspo_graph.query.sparql import in_written_order

        return write(in_written_order(result, job.request.text), job.choose, job.row_cap)

    def cancel(self, label: str) -> bool:
        return self._pool.cancel(label)

    def close(self) -> None:
        self._pool.close()


def _limits(request: Request) -> dict[str, Any]:
    """How the pool runs a request: its time limit, network, name in errors and label."""
    return dict(timeout=request.timeout, network=request.allow_service, what=request.source, label=request.label)


@dataclass(frozen=True)
class _Job:
    """What a pooled engine sends its worker: the request, and how to write its result (none: send it back)."""

    request: Request
    choose: Chooser | None = None
    row_cap: int | None = None
