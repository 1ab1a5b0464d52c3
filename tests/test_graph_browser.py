"""The exported page in a real browser (Debian's Chromium): it draws every node and edge of
the view, makes no request, raises no error, settles, reads without overlapping labels, pins
details on click, works from the keyboard, passes axe-core, and runs nothing from the data."""

from __future__ import annotations

import axe
import hostile
import pytest
from conftest import engine_over

from cspo_graph.views import catalog

NS = "https://w3id.org/cspo-graph/ns#"


def open_page(page, path):
    page.goto(path.as_uri())
    page.wait_for_function("window.cspoGraph && window.cspoGraph.settled", timeout=30_000)
    return page.evaluate("window.cspoGraph.settled")


def write(cli, tmp_path, view: str, *data: str):
    out = tmp_path / f"{view}.html"
    extra = [arg for path in data for arg in ("--data", path)]
    assert cli("graph", str(out), "--view", view, *extra).exit_code == 0
    return out


def counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[cspoGraph.nodes.length, cspoGraph.edges.length]"))


BOXES = """() => {
    // Every box drawn with text or a shape, as vis-network draws it at scale 1: each node's shape and
    // label, each edge's label. vis-network measures a box when it draws it, and it leaves out nodes
    // outside the view and labels too small to read, so each node and edge is drawn here once.
    const network = cspoGraph.network, context = network.canvas.getContext();
    const scale = network.getScale(), position = network.getViewPosition();
    network.moveTo({ scale: 1, position, animation: false });
    const box = (b) => [b.left, b.top, b.left + b.width, b.top + b.height];
    const boxes = [];
    for (const id of cspoGraph.nodeView.getIds()) {
        const node = network.body.nodes[id];
        const drawn = node.draw(context);
        if (drawn.drawExternalLabel) drawn.drawExternalLabel();  // a label below its shape is drawn last
        boxes.push({ of: "node " + id, part: "shape", box: box(node.shape), at: [node.x, node.y] });
        boxes.push({ of: "node " + id, part: "label", box: box(node.labelModule.size), at: [node.x, null] });
    }
    for (const id of cspoGraph.edgeView.getIds()) {
        const edge = network.body.edges[id], middle = edge.edgeType.getPoint(0.5);
        edge.draw(context);
        if (edge.labelModule.size.width) {
            boxes.push({ of: "edge " + edge.options.label + " " + edge.fromId + " -> " + edge.toId, part: "label",
                         box: box(edge.labelModule.size), at: [middle.x, middle.y] });
        }
    }
    network.moveTo({ scale, position, animation: false });
    return boxes;
}"""


def measured(page) -> list[dict]:
    """Every box in the view, each checked to be drawn where its node or edge is now (not left from before)."""
    boxes = page.evaluate(BOXES)
    for item in boxes:
        left, top, right, bottom = item["box"]
        x, y = item["at"]
        assert right > left and bottom > top, item
        assert abs((left + right) / 2 - x) < 0.5, item
        assert y is None or abs((top + bottom) / 2 - y) < 0.5, item
    return boxes


def overlapping(boxes: list[dict]) -> list[tuple[str, str, str]]:
    """Pairs of boxes of two different nodes or edges that meet, where one of them holds text."""

    def meet(a, b) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["of"] != b["of"] and "label" in (a["part"], b["part"]) and meet(a["box"], b["box"]):
                pairs.append((a["of"], b["of"], f"{a['part']} meets {b['part']}"))
    return pairs


def test_default_view_draws_every_node_and_edge_offline_and_settles(cli, page, tmp_path, engine):
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


@pytest.mark.parametrize("view", ["representation", "statements", "membership", "all"])
def test_no_label_meets_another_label_or_shape_at_the_starting_view(cli, page, tmp_path, view):
    open_page(page, write(cli, tmp_path, view))
    boxes = measured(page)
    assert sum(item["of"].startswith("node") for item in boxes) > 16  # a shape and a label each
    assert sum(item["of"].startswith("edge") for item in boxes) > 8
    assert overlapping(boxes) == []


@pytest.mark.parametrize("view", ["representation", "statements", "membership", "all"])
def test_every_view_starts_with_readable_labels(cli, page, tmp_path, view):
    """In a 1280 x 720 window, node labels (15 px at scale 1) start at 10 px at least: the
    representation view fitted whole started at 9."""
    assert page.viewport_size == {"width": 1280, "height": 720}
    open_page(page, write(cli, tmp_path, view))
    on_screen = page.evaluate("cspoGraph.network.getScale() * 15")
    assert on_screen >= 10, f"labels start at {on_screen:.1f} px"


def test_the_whole_graph_starts_on_a_readable_neighbourhood_and_expands_on_demand(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "all"))
    total, shown = page.evaluate("[cspoGraph.nodes.length, cspoGraph.nodeView.length]")
    assert shown <= 40 < total
    on_screen = page.evaluate("cspoGraph.network.getScale() * 15")  # node labels are 15 px at scale 1
    assert on_screen >= 10, f"labels start at {on_screen:.1f} px"
    edges_shown, edges = page.evaluate("cspoGraph.edgeView.length"), counts(page)[1]
    assert page.inner_text("#counts") == f"{shown} of {total} nodes · {edges_shown} of {edges} edges shown"
    page.click("#show-all")
    page.wait_for_function("!cspoGraph.busy", timeout=30_000)
    assert page.evaluate("cspoGraph.nodeView.length") == total
    assert overlapping(measured(page)) == []


def click_node(page, node_id: str) -> None:
    box = page.locator("#graph canvas").bounding_box()
    point = page.evaluate("id => cspoGraph.network.canvasToDOM(cspoGraph.network.getPositions([id])[id])", node_id)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_a_click_pins_the_details_with_a_quote_to_copy_and_its_sources(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "statements"))
    click_node(page, NS + "WhitingOnOpponentsSpeed")
    details = page.locator("#details")
    page.mouse.move(5, 5)  # the mouse leaves: the pinned details stay
    page.wait_for_timeout(300)
    quote = details.locator("blockquote").first
    assert "Our opponents are moving at jaw-dropping speed" in quote.inner_text()
    assert "The Dallas Express article (The Dallas Express)" in details.inner_text()
    quote.select_text()
    assert "jaw-dropping speed" in page.evaluate("getSelection().toString()")
    assert page.errors == []


def test_the_speaker_edge_tells_the_quote_and_its_sources(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "statements"))
    edge = page.evaluate(
        "() => cspoGraph.edges.get().find(e => e.from.endsWith('#BroseOnDefendingInterestsInSpace')"
        " && e.fact.label === 'speaker').id"
    )
    point = page.evaluate(
        "id => cspoGraph.network.canvasToDOM(cspoGraph.network.body.edges[id].edgeType.getPoint(0.5))", edge
    )
    box = page.locator("#graph canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    text = page.inner_text("#details")
    assert "Robert Brose on defending interests in space → Robert Brose" in text
    assert "will protect and defend our freedom, rights, and interests in space" in text
    assert "United States joins allies at French headquarters" in text


def test_keyboard_alone_reaches_a_quote(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "statements"))
    for _ in range(10):  # Tab to the graph
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "graph":
            break
    assert page.evaluate("document.activeElement.id") == "graph"
    assert "Enter: details" in page.inner_text("#announce")
    for key in ["ArrowLeft", "ArrowDown", "ArrowRight", "ArrowUp"] * 6:  # walk until a statement
        if "Statement" in page.inner_text("#announce"):
            break
        page.keyboard.press(key)
    assert "Statement" in page.inner_text("#announce")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "details"
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    if focused[0] == "BUTTON":  # the Unpin button comes first
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    assert focused[0] == "BLOCKQUOTE" and len(focused[1]) > 20, focused
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "graph"


def test_legend_counts_follow_what_is_shown(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "representation"))
    total = page.evaluate("cspoGraph.nodeView.length")
    count = page.locator(".legend-item:has(input[value='Delegation']) .count")
    assert count.inner_text() == "10 of 10"
    page.locator(".legend input[value='Delegation']").uncheck()
    assert count.inner_text() == "0 of 10"
    assert page.inner_text("#counts").startswith(f"{total - 10} of {total} nodes")
    assert page.evaluate("cspoGraph.edgeView.get().every(e => !e.from.endsWith('Delegation'))")
    rows = page.locator("#facts tbody tr")
    assert rows.count() == page.evaluate("cspoGraph.edgeView.length")
    page.locator(".legend input[value='Delegation']").check()
    assert count.inner_text() == "10 of 10"


def test_the_facts_table_lists_what_the_graph_draws(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "membership"))
    page.click(".facts-box summary")
    rows = page.locator("#facts tbody tr").all_inner_texts()
    assert len(rows) == 10
    assert any(row.startswith("France\tmember since 2020\tCombined Space Operations") for row in rows), rows


def test_find_and_filter(cli, page, tmp_path):
    open_page(page, write(cli, tmp_path, "representation"))
    page.fill("#search", "saltzman")
    assert page.inner_text("#matches") == "1 match"
    assert page.evaluate("cspoGraph.network.getSelectedNodes()") == [NS + "ChanceSaltzman"]


@pytest.mark.parametrize("view", ["statements", "all"])
def test_axe_finds_no_violation(cli, axe_page, tmp_path, view):
    open_page(axe_page, write(cli, tmp_path, view))
    click_node(axe_page, axe_page.evaluate("cspoGraph.nodeView.getIds()[0]"))
    axe_page.click(".facts-box summary")
    assert axe.violations(axe_page) == []


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    """The 'all' view of the built-in data plus hostile data, as a page and as networkx."""
    folder = tmp_path_factory.mktemp("browser")
    data = hostile.write(folder)
    return folder, data, catalog.build(engine_over(["builtin", data]), "all")


def test_hostile_labels_show_as_text_and_run_nothing(cli, page, hostile_files):
    folder, data, graph = hostile_files
    out = folder / "hostile.html"
    assert cli("graph", str(out), "--data", "builtin", "--data", str(data)).exit_code == 0
    open_page(page, out)
    assert counts(page) == (graph.number_of_nodes(), graph.number_of_edges())
    page.click("#show-all")
    page.wait_for_function("!cspoGraph.busy", timeout=30_000)
    labels = page.evaluate("ids => ids.map(id => cspoGraph.nodes.get(id).fullLabel)", [hostile.PERSON_IRI])
    assert labels == [hostile.PERSON]
    assert hostile.SOURCE_TITLE in page.inner_text(".sources")
    options = page.eval_on_selector_all("#node-labels option", "options => options.map(o => o.value)")
    assert {hostile.PERSON, hostile.STATEMENT} <= set(options)

    click_node(page, hostile.PERSON_IRI)
    assert hostile.PERSON in page.inner_text("#details")
    page.keyboard.press("Escape")
    click_node(page, hostile.STATEMENT_IRI)
    statement = page.inner_text("#details")
    assert hostile.STATEMENT in statement
    assert "window.__pwned='quote'" in statement
    page.click(".facts-box summary")
    assert hostile.PERSON in page.inner_text("#facts")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img, svg, iframe, b").count() == 0
    assert page.locator("script").count() == 4
    assert page.errors == []
    assert page.requests == [out.as_uri()]
