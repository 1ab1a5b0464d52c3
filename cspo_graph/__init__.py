"""cspo-graph: a sourced knowledge graph of the Combined Space Operations (CSpO) initiative.

The public API lives in small modules and is re-exported here lazily, so that
``import cspo_graph`` stays cheap:

>>> import cspo_graph
>>> from cspo_graph.query.library import resolve
>>> dataset = cspo_graph.load()                      # ontology + curated data
>>> result = cspo_graph.run_query(dataset, resolve("founders").text)
>>> [row[0].value for row in result.rows]
['Australia', 'Canada', 'New Zealand', 'United Kingdom', 'United States']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
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
