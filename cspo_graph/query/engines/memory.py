"""The rdflib engine: the data parsed into memory, the query evaluated by rdflib.

The default over the built-in data and ``--data`` files. The query is parsed and
translated to algebra in the worker (:mod:`cspo_graph.runtime.workers`), checked there
(:func:`cspo_graph.query.sparql.prepare`: no update, no SERVICE unless allowed, not
nested too deeply), bound (:mod:`cspo_graph.query.bindings`) and evaluated. FROM and
FROM NAMED never fetch anything (rdflib's ``SPARQL_LOAD_GRAPHS`` is switched off).
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cspo_graph.errors import CspoError
from cspo_graph.query.engines.base import PooledEngine, Request, Source
from cspo_graph.query.results import QueryResult, Term, result_from_rdflib
from cspo_graph.runtime.workers import WorkerPool

if TYPE_CHECKING:
    import rdflib
    from rdflib.plugins.sparql.parserutils import CompValue


def _refused_socket(exc: BaseException) -> bool:
    """Whether ``exc`` is the failure of a socket the worker's sandbox refused."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, OSError) and reason.errno == errno.EACCES


def evaluate(
    dataset: rdflib.Graph,
    text: str,
    bindings: Mapping[str, Term],
    *,
    allow_service: bool = False,
    source: str = "<query>",
    graphs: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
    base: str | None = None,
) -> QueryResult:
    """Check, bind and evaluate ``text`` over ``dataset`` with rdflib (here, in this process).

    ``graphs``: the default and named graphs that replace the query's FROM and FROM NAMED;
    ``base``: the base IRI of the query (:attr:`Request.base`).
    """
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib.plugins.sparql.sparql import SPARQLError

    from cspo_graph.query.bindings import substitute
    from cspo_graph.query.sparql import check_params, deep_recursion, prepare, service_refused, too_deep

    query = prepare(text, source=source, allow_service=allow_service, base=base)
    check_params(query, bindings)
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        bound = substitute(query, bindings)
        if graphs is not None:
            bound.algebra["datasetClause"] = _dataset_clause(*graphs)
        with deep_recursion():
            return result_from_rdflib(dataset.query(bound))
    except RecursionError:
        raise too_deep(source) from None
    except OSError as exc:  # only SERVICE reaches for the network, and only when allowed
        if _refused_socket(exc):
            raise service_refused(source) from None
        reason = getattr(exc, "reason", None) or exc
        raise CspoError(f"{source}: a SERVICE endpoint could not be queried: {reason}") from None
    except SPARQLError as exc:  # e.g. GROUP_CONCAT(DISTINCT ?x) over an unbound ?x
        raise CspoError(f"{source}: rdflib could not evaluate the query: {exc}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # rdflib's own bugs, e.g. ORDER BY
        raise CspoError(f"{source}: rdflib could not evaluate the query ({type(exc).__name__}: {exc})") from None


def _dataset_clause(default: tuple[str, ...], named: tuple[str, ...]) -> list[CompValue]:
    """rdflib's FROM and FROM NAMED clauses for these graphs (an empty default graph when none is named)."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.parserutils import CompValue

    if not default:  # rdflib takes no FROM as "the whole dataset": name a graph that holds nothing
        default = ("urn:cspo-graph:empty-default-graph",)
    clauses = [CompValue("DatasetClause", default=URIRef(iri)) for iri in default]
    return clauses + [CompValue("DatasetClause", named=URIRef(iri)) for iri in named]


class RdflibEngine(PooledEngine):
    """rdflib over files loaded into memory (each file a named graph; the default graph their union)."""

    name = "rdflib"

    def __init__(self, source: Source, *, workers: int = 1, dataset: rdflib.Dataset | None = None) -> None:
        from cspo_graph.rdf.parsing import load

        self.dataset = load(source.files) if dataset is None else dataset
        if source.reason:
            from cspo_graph.rdf.reasoning import materialize

            materialize(self.dataset, source.reason.lower())
        self._pool = WorkerPool(self._work, max_workers=workers, preload=self._preload)

    def _preload(self) -> None:
        """Import (and run once) rdflib's SPARQL parser and evaluator, for every worker to inherit."""
        evaluate(self.dataset, "ASK { ?s ?p ?o }", {})

    def _answer(self, request: Request) -> QueryResult:
        return evaluate(
            self.dataset,
            request.text,
            request.bindings,
            allow_service=request.allow_service,
            source=request.source,
            graphs=(request.default_graphs, request.named_graphs) if request.sets_dataset else None,
            base=request.base,
        )
