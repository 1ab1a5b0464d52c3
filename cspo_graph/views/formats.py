"""Writing a view to a file in the view formats of :mod:`cspo_graph.rdf.formats` (``cspo-graph graph``).

- ``html``: the interactive page (:mod:`cspo_graph.views.html`);
- ``graphml`` and ``gexf``: for Gephi, Cytoscape, yEd; list-valued attributes
  (details, sources) are joined into text, as those formats hold only scalars;
- ``node-link``: networkx's node-link JSON, the shape D3's force layouts read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import InputError
from cspo_graph.rdf.formats import FORMATS, Carries, Format, for_path, named

if TYPE_CHECKING:
    import networkx as nx


def _text(value: Any) -> Any:
    """A scalar for GraphML/GEXF: lists of lines or of [name, value] pairs become text."""
    if isinstance(value, list):
        return "\n".join(": ".join(item) if isinstance(item, list) else str(item) for item in value)
    return value


def scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the graph whose attributes are all scalars."""
    flat = graph.copy()
    flat.graph = {key: _text(value) for key, value in graph.graph.items()}
    for _, attributes in flat.nodes(data=True):
        attributes.update({key: _text(value) for key, value in attributes.items()})
    for _, _, attributes in flat.edges(data=True):
        attributes.update({key: _text(value) for key, value in attributes.items()})
    return flat


def _graphml(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(scalar_copy(graph), buffer, named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def _gexf(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_gexf(scalar_copy(graph), buffer)
    return buffer.getvalue().decode("utf-8")


def _node_link(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _html(graph: nx.MultiDiGraph) -> str:
    from cspo_graph.views.html import render_html

    return render_html(graph)


WRITERS: dict[str, Callable[[nx.MultiDiGraph], str]] = {
    "html": _html,
    "graphml": _graphml,
    "gexf": _gexf,
    "node-link": _node_link,
}
"""The writer of each view format (:data:`cspo_graph.rdf.formats.Carries.VIEW`)."""


def write(graph: nx.MultiDiGraph, fmt: Format) -> str:
    """The text of a view in ``fmt``."""
    return WRITERS[fmt.name](graph)


def format_for(name: str | None, path: str | None) -> Format:
    """The view format named, else the one the output file's extension names, else html."""
    if name:
        return named(name, Carries.VIEW)
    try:
        return for_path(path or "", Carries.VIEW)
    except InputError:
        return FORMATS["html"]
