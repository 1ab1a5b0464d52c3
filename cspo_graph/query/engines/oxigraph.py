"""The Oxigraph engine: the on-disk store made by ``cspo-graph load``, or files loaded into memory.

Queries keep the guarantees of every engine without rdflib on the way: the worker that
evaluates them cannot reach the network (a SERVICE clause fails there, whichever way it
is spelled, and is reported as refused), the store is opened read-only and only the
query grammar is accepted (an update cannot run), and a query nested deeper than every
engine can take is refused before Oxigraph parses it
(:func:`cspo_graph.query.sparql.check_nesting`). Bindings are substituted on rdflib's
algebra, as on every engine (:mod:`cspo_graph.query.bindings`), and the bound query is
written back as SPARQL for Oxigraph (:mod:`cspo_graph.query.serialize`).

The default graph is the set union of all graphs: on disk the store's own (see
:mod:`cspo_graph.stores.local`), in memory each file's triples are added to the default
graph too, so that FROM picks graphs and a triple two files hold is one triple.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.query.engines.base import PooledEngine, Request, Source
from cspo_graph.query.results import QueryResult, result_from_oxigraph
from cspo_graph.runtime.workers import WorkerPool

if TYPE_CHECKING:
    import pyoxigraph

_OX_QUERY_ERROR = re.compile(r"^error at (\d+):(\d+): ")


def load_memory(files: tuple[str | Path, ...]) -> pyoxigraph.Store:
    """An in-memory Oxigraph store of ``files``: each in its named graph, all in the default graph."""
    import pyoxigraph

    from cspo_graph.rdf import parsing

    store = pyoxigraph.Store()
    default = pyoxigraph.DefaultGraph()
    for path in parsing.expand(files):
        graph = pyoxigraph.NamedNode(parsing.graph_name(path))
        quads = []
        for quad in parsing.parse_quads(path):
            named = graph if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else quad.graph_name
            quads.append(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, named))
            quads.append(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, default))
        store.extend(quads)
    return store


def _rejected(store: pyoxigraph.Store, request: Request, error: SyntaxError) -> CspoError:
    """The error for a text Oxigraph rejects: the rdflib engine's own when it rejects it too."""
    from cspo_graph.query.sparql import prepare

    prepare(request.text, source=request.source, allow_service=True, base=request.base)  # the rdflib engine's error
    message = str(error).splitlines()[0]
    match = _OX_QUERY_ERROR.match(message)
    if match:
        return InputError(f"SPARQL error: {message[match.end() :]}", request.source, int(match[1]), int(match[2]))
    return InputError(f"SPARQL error: {message}", request.source)


def _refuse_service_as_rdflib_does(request: Request) -> None:
    """Refuse a query in which rdflib reads a SERVICE clause, with the rdflib engine's message.

    Not a safety decision (the worker cannot reach the network, whatever Oxigraph reads):
    it makes a SERVICE that would fail quietly (SILENT) fail as on the rdflib engine. A
    text without the letters of the word nor an escape cannot hold SERVICE, and is not
    parsed twice; a text rdflib cannot read is Oxigraph's to judge.
    """
    from cspo_graph.query.sparql import ServiceRefused, prepare

    folded = request.text.casefold()
    if "service" not in folded and "\\u" not in folded:
        return
    try:
        prepare(request.text, source=request.source, base=request.base)
    except ServiceRefused:
        raise
    except CspoError:
        return


class OxigraphEngine(PooledEngine):
    """Oxigraph over an on-disk store (opened read-only in each worker) or files loaded into memory."""

    name = "oxigraph"

    def __init__(self, source: Source, *, workers: int = 1) -> None:
        if source.reason:
            raise UsageError("--reason works with the rdflib engine (data in memory), not with Oxigraph")
        self._database: Path | None = None
        self._store: pyoxigraph.Store | None = None
        self._union = False
        if source.store is not None:
            from cspo_graph.stores.local import store_info

            info = store_info(source.store)
            self._database = info.database
            self._union = not info.union  # a store of one graph asks Oxigraph for the union (that graph)
        else:
            self._store = load_memory(source.files)
        self._pool = WorkerPool(self._work, max_workers=workers, warm=self._warm)

    def _opened(self) -> pyoxigraph.Store:
        """The store (in a worker, the on-disk one is opened as the worker starts)."""
        import pyoxigraph

        if self._store is None:
            assert self._database is not None
            try:
                self._store = pyoxigraph.Store.read_only(str(self._database))
            except OSError as exc:
                raise InputError(f"cannot open the store: {exc}", self._database) from None
        return self._store

    def _warm(self) -> None:
        self._opened()

    def _answer(self, request: Request) -> QueryResult:
        from cspo_graph.query.sparql import check_nesting, service_refused

        check_nesting(request.text, request.source)
        if not request.allow_service:
            _refuse_service_as_rdflib_does(request)
        store = self._opened()
        text = request.text
        if request.bindings:
            from cspo_graph.query.serialize import bound_query

            text = bound_query(request)
        default: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] | None = None
        named: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode] | None = None
        if request.sets_dataset:  # the Protocol's dataset replaces FROM and FROM NAMED, and the union
            import pyoxigraph

            default = [pyoxigraph.NamedNode(iri) for iri in request.default_graphs]
            named = [pyoxigraph.NamedNode(iri) for iri in request.named_graphs]
        try:
            answer = store.query(
                text,
                use_default_graph_as_union=self._union and not request.sets_dataset,
                base_iri=request.base,
                prefixes=resources.PREFIXES,
                default_graph=default,
                named_graphs=named,
            )
            return result_from_oxigraph(answer)
        except SyntaxError as exc:
            raise _rejected(store, request, exc) from None
        except OSError as exc:
            if exc.errno == errno.EACCES or "os error 13" in str(exc):
                raise service_refused(request.source) from None
            raise CspoError(f"{request.source}: {exc}") from None
        except (RuntimeError, TypeError, ValueError) as exc:
            raise CspoError(f"{request.source}: Oxigraph could not evaluate the query: {exc}") from None
