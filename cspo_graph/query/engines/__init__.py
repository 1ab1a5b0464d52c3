"""The query engines behind one interface (:mod:`cspo_graph.query.engines.base`).

``ENGINES`` (name -> implementation) and :func:`open_engine` are the only way the CLI,
the server, the views and the benchmark reach an engine.
"""

from __future__ import annotations

from cspo_graph.errors import UsageError
from cspo_graph.query.engines.base import Engine, Request, Source
from cspo_graph.query.engines.memory import RdflibEngine
from cspo_graph.query.engines.oxigraph import OxigraphEngine
from cspo_graph.query.engines.remote import RemoteEngine

ENGINES: dict[str, type[RdflibEngine] | type[OxigraphEngine] | type[RemoteEngine]] = {
    "rdflib": RdflibEngine,
    "oxigraph": OxigraphEngine,
    "remote": RemoteEngine,
}
"""Every engine, by the name ``--engine`` takes."""

__all__ = ["ENGINES", "Engine", "Request", "Source", "default_engine", "open_engine"]


def default_engine(source: Source) -> str:
    """The engine a source is answered by unless one is named: the store's, the endpoint's, else rdflib."""
    if source.store is not None:
        return "oxigraph"
    if source.endpoint is not None:
        return "remote"
    return "rdflib"


def open_engine(source: Source, engine: str | None = None, *, workers: int = 1) -> Engine:
    """Open the engine named ``engine`` (default: :func:`default_engine`) over ``source``.

    ``workers`` is how many queries may run at once (each in its own worker process);
    a query beyond them waits for one to finish.
    """
    held = [name for name, given in (("--store", source.store), ("--endpoint", source.endpoint)) if given]
    if source.files:
        held.insert(0, "--data")
    if len(held) > 1:
        raise UsageError(f"{held[0]} and {held[1]} exclude each other: each holds the data")
    name = engine or default_engine(source)
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    if name == "remote" and source.endpoint is None:
        raise UsageError("the remote engine needs --endpoint URL")
    if source.endpoint is not None and name != "remote":
        raise UsageError(f"--endpoint is answered by the endpoint itself, not by --engine {name}")
    if source.store is not None and name != "oxigraph":
        raise UsageError(f"--store is an Oxigraph store: --engine {name} cannot answer from it")
    return ENGINES[name](source, workers=workers)
