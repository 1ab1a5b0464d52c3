"""cspo-graph: a sourced knowledge graph of the Combined Space Operations (CSpO) initiative.

The public API lives in small modules and is re-exported here lazily, so that
``import cspo_graph`` stays cheap:

>>> import cspo_graph
>>> from cspo_graph.query.library import resolve
>>> with cspo_graph.open_engine(cspo_graph.Source()) as engine:   # the built-in data, rdflib
...     result = engine.query(cspo_graph.Request(resolve("founders").text))
>>> [row[0].value for row in result.rows]
['Australia', 'Canada', 'New Zealand', 'United Kingdom', 'United States']

``run_query(dataset, text)`` answers over an rdflib dataset already in hand, in this
process (no time limit, no network-isolated worker).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "open_engine": "cspo_graph.query.engines",
    "Source": "cspo_graph.query.engines",
    "Request": "cspo_graph.query.engines",
    "load": "cspo_graph.rdf.parsing",
    "run_query": "cspo_graph.query.sparql",
    "query_library": "cspo_graph.query.library",
    "render": "cspo_graph.query.render",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cspo_graph' has no attribute {name!r}")
