"""The exported page in a real browser (Debian's Chromium): it draws every node and edge of
the view, makes no request, raises no error, settles, and runs nothing from the data."""

from __future__ import annotations

import hostile
import pytest
from conftest import engine_over

from cspo_graph.views import catalog


def open_page(page, path):
    page.goto(path.as_uri())
    page.wait_for_function("window.cspoGraph && window.cspoGraph.settled", timeout=20_000)
    return page.evaluate("window.cspoGraph.settled")


def counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[cspoGraph.nodes.length, cspoGraph.edges.length]"))


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    """The 'all' view of the built-in data plus hostile data, as a page and as networkx."""
    folder = tmp_path_factory.mktemp("browser")
    data = hostile.write(folder)
    return folder, data, catalog.build(engine_over(["builtin", data]), "all")


NODE_POINT = "id => cspoGraph.network.getPositions([id])[id]"
EDGE_POINT = (  # the middle of the first edge from a node, as vis-network 9 draws it
    "from => { const id = cspoGraph.edges.getIds({ filter: e => e.from === from })[0];"
    " return cspoGraph.network.body.edges[id].edgeType.getPoint(0.5); }"
)


def hover(page, where: str, item: str) -> str:
    """Move the mouse onto a node or an edge (``where`` finds its point on the canvas)
    and return the text of the tooltip that shows."""
    box = page.locator("#graph canvas").bounding_box()
    point = page.evaluate(f"item => cspoGraph.network.canvasToDOM(({where})(item))", item)
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=4)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip.inner_text()


def test_default_view_draws_every_node_and_edge_offline_and_settles(cli, page, tmp_path, dataset, engine):
    out = tmp_path / "cspo-graph.html"
    assert cli("graph", str(out)).exit_code == 0
    settled = open_page(page, out)
    graph = catalog.build(engine, catalog.DEFAULT_VIEW)
    assert counts(page) == (graph.number_of_nodes(), graph.number_of_edges())
    assert set(page.evaluate("cspoGraph.nodes.getIds()")) == set(graph.nodes)
    assert settled["by"] == "stabilized", settled  # not the page's time cap: physics settled on its own
    assert page.evaluate("cspoGraph.network.physics.physicsEnabled") is False
    assert page.errors == []
    assert page.requests == [out.as_uri()]
    assert page.inner_text("h1").startswith("The whole CSpO graph")
    assert "U.S. Department of War" in page.inner_text(".sources")


def test_tooltips_show_quotes_and_sources(cli, page, tmp_path):
    out = tmp_path / "statements.html"
    assert cli("graph", str(out), "--view", "statements").exit_code == 0
    open_page(page, out)
    text = hover(page, NODE_POINT, "https://w3id.org/cspo-graph/ns#WhitingOnOpponentsSpeed")
    assert "Our opponents are moving at jaw-dropping speed" in text
    assert "United States joins allies at French headquarters for Combined Space Operations talks" in text
    assert "The Dallas Express article (The Dallas Express)" in text
    assert page.errors == []


def test_edge_tooltips_show_the_collapsed_fact(cli, page, tmp_path):
    out = tmp_path / "membership.html"
    assert cli("graph", str(out), "--view", "membership").exit_code == 0
    open_page(page, out)
    text = hover(page, EDGE_POINT, "https://w3id.org/cspo-graph/ns#France")
    assert text.startswith("France in the CSpO\nFrance → Combined Space Operations (CSpO) Initiative")
    assert "joined in\n2020" in text
    assert "has since expanded, adding France and Germany in 2020" in text
    assert "The Dallas Express article (The Dallas Express)" in text
    assert page.errors == []


def test_hostile_labels_show_as_text_and_run_nothing(cli, page, hostile_files):
    folder, data, graph = hostile_files
    out = folder / "hostile.html"
    assert cli("graph", str(out), "--data", "builtin", "--data", str(data)).exit_code == 0
    open_page(page, out)
    assert counts(page) == (graph.number_of_nodes(), graph.number_of_edges())
    labels = page.evaluate("ids => ids.map(id => cspoGraph.nodes.get(id).fullLabel)", [hostile.PERSON_IRI])
    assert labels == [hostile.PERSON]
    assert hostile.SOURCE_TITLE in page.inner_text(".sources")
    options = page.eval_on_selector_all("#node-labels option", "options => options.map(o => o.value)")
    assert {hostile.PERSON, hostile.STATEMENT} <= set(options)

    person_tip = hover(page, NODE_POINT, hostile.PERSON_IRI)
    assert hostile.PERSON in person_tip
    statement_tip = hover(page, NODE_POINT, hostile.STATEMENT_IRI)
    assert hostile.STATEMENT in statement_tip
    assert "window.__pwned='quote'" in statement_tip

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img, svg, iframe, b").count() == 0
    assert page.locator("script").count() == 3
    assert page.errors == []
    assert page.requests == [out.as_uri()]


def test_find_and_filter(cli, page, tmp_path):
    out = tmp_path / "representation.html"
    assert cli("graph", str(out), "--view", "representation").exit_code == 0
    open_page(page, out)
    page.fill("#search", "saltzman")
    assert page.inner_text("#matches") == "1 match"
    assert page.evaluate("cspoGraph.network.getSelectedNodes()") == ["https://w3id.org/cspo-graph/ns#ChanceSaltzman"]
    total = page.evaluate("cspoGraph.nodeView.length")
    page.locator(".legend input[value='Delegation']").uncheck()
    assert page.evaluate("cspoGraph.nodeView.length") == total - 10
    assert page.evaluate("cspoGraph.edgeView.get().every(e => !e.from.endsWith('Delegation'))")
    page.locator(".legend input[value='Delegation']").check()
    assert page.evaluate("cspoGraph.nodeView.length") == total
    assert page.errors == []
