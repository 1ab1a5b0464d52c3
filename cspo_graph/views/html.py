"""A view as one self-contained, offline HTML page drawn by vis-network.

The page is our own Jinja2 template (``templates/graph.html.j2``, autoescape on)
rather than pyvis's: pyvis's template puts node titles into the page as HTML and,
in its "local" mode, loads vis-network and Bootstrap from CDNs and writes a lib/
folder into the working directory. Only pyvis's copy of vis-network is used, and
it is inlined with our script and style, so the file makes no request at all.

The graph reaches the script as JSON in a ``<script type="application/json">``
element, with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped so that no text in the
data can end that element; the script builds tooltips from DOM nodes and
textContent, never from HTML strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources as package_files
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import CspoError

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Style:
    """How one family of nodes is drawn: a vis-network shape and colours, and a legend glyph."""

    shape: str
    color: str
    border: str


STYLES: dict[str, Style] = {
    "Person": Style("dot", "#e15759", "#a83a3c"),
    "Nation": Style("square", "#4e79a7", "#34557a"),
    "Initiative": Style("star", "#edc948", "#b09222"),
    "Organization": Style("hexagon", "#59a14f", "#3d7435"),
    "Post": Style("diamond", "#b07aa1", "#815675"),
    "Meeting": Style("star", "#f28e2b", "#b8651a"),
    "Delegation": Style("triangleDown", "#76b7b2", "#4f8a85"),
    "Statement": Style("triangle", "#ff9da7", "#cc6c77"),
    "Reported claim": Style("dot", "#bab0ac", "#8a817d"),
    "Source document": Style("square", "#9c755f", "#6f5140"),
    "Facility": Style("hexagon", "#86bcb6", "#5a8f89"),
    "Place": Style("triangle", "#8cd17d", "#5f9f52"),
    "Post holding": Style("diamond", "#d4a6c8", "#a27797"),
    "Membership": Style("diamond", "#a0cbe8", "#6d9bbb"),
    "Other": Style("dot", "#d3d3d3", "#9a9a9a"),
}
"""Colour and shape per family (see :data:`cspo_graph.views.tooltips.FAMILIES`)."""

GLYPHS = {"dot": "●", "square": "■", "star": "★", "hexagon": "⬢", "diamond": "◆", "triangle": "▲",
          "triangleDown": "▼"}  # fmt: skip
"""The legend's picture of each shape."""

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_CLOSING_TAG = re.compile(r"</(script|style)", re.IGNORECASE)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no text in it can close the element."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m[0]], text))


def _inline(text: str, name: str) -> str:
    """Trusted script or style text to inline, refused if it could end its element early."""
    from markupsafe import Markup

    if _CLOSING_TAG.search(text):
        raise CspoError(f"{name} holds a closing </script> or </style> tag and cannot be inlined")
    return Markup(text)


def vis_network() -> tuple[str, str]:
    """vis-network's script and style sheet, as shipped inside the pyvis package."""
    try:
        lib = package_files.files("pyvis") / "templates" / "lib"
    except ModuleNotFoundError:
        raise CspoError("pyvis is not installed (it ships vis-network): pip install pyvis") from None
    folders = sorted(
        (f for f in lib.iterdir() if f.name.startswith("vis-")),
        key=lambda f: tuple(int(part) for part in f.name[4:].split(".") if part.isdigit()),
    )
    if not folders:
        raise CspoError(f"no copy of vis-network found in {lib}")
    newest = folders[-1]
    return (newest / "vis-network.min.js").read_text("utf-8"), (newest / "vis-network.css").read_text("utf-8")


def page_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """What the page's script draws: nodes, edges and the families in the legend."""
    from collections import Counter

    from cspo_graph.views.analytics import degrees

    degree = degrees(graph)
    family = {node: data.get("family", "Other") for node, data in graph.nodes(data=True)}
    family = {node: name if name in STYLES else "Other" for node, name in family.items()}
    counts = Counter(family.values())
    families = [
        {
            "name": name,
            "shape": style.shape,
            "glyph": GLYPHS[style.shape],
            "color": style.color,
            "border": style.border,
            "count": counts[name],
        }
        for name, style in STYLES.items()
        if counts[name]
    ]
    nodes = [
        {
            "id": node,
            "label": attributes.get("label", node),
            "family": family[node],
            "kind": attributes.get("kind", ""),
            "details": attributes.get("details", []),
            "sources": attributes.get("sources", []),
            "degree": degree[node],
        }
        for node, attributes in graph.nodes(data=True)
    ]
    edges = [
        {
            "from": source,
            "to": target,
            "label": attributes.get("label", ""),
            "title": attributes.get("title", attributes.get("label", "")),
            "details": attributes.get("details", []),
            "sources": attributes.get("sources", []),
            "via": attributes.get("via", ""),
        }
        for source, target, attributes in graph.edges(data=True)
    ]
    return {"nodes": nodes, "edges": edges, "families": families}


def render_html(graph: nx.MultiDiGraph) -> str:
    """The whole HTML page of a view."""
    import jinja2

    from cspo_graph import __version__

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cspo_graph.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["script_json"] = script_json
    templates = package_files.files("cspo_graph.views") / "templates"
    vis_js, vis_css = vis_network()
    data = page_data(graph)
    return environment.get_template("graph.html.j2").render(
        version=__version__,
        title=graph.graph.get("title", "cspo-graph"),
        description=graph.graph.get("description", ""),
        sources=graph.graph.get("sources", []),
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        labels=sorted({node["label"] for node in data["nodes"]}),
        families=data["families"],
        data=data,
        vis_js=_inline(vis_js, "vis-network.min.js"),
        vis_css=_inline(vis_css, "vis-network.css"),
        graph_js=_inline((templates / "graph.js").read_text("utf-8"), "graph.js"),
        page_js=_inline((templates / "graph-page.js").read_text("utf-8"), "graph-page.js"),
        graph_css=_inline((templates / "graph.css").read_text("utf-8"), "graph.css"),
        page_css=_inline((templates / "graph-page.css").read_text("utf-8"), "graph-page.css"),
    )
