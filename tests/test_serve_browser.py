"""The `cspo-graph serve` page (YASGUI, the graph, the entity pages) in a real headless Chromium
(the ``page`` fixture), against a real server: nothing runs from the data, no request leaves
127.0.0.1, 100,000 rows keep the page responsive, Cancel stops the query on the server."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import axe
import pytest
import rdflib
from conftest import FOUNDERS, MEMBERSHIP_CONSTRUCT, SERVER_PIDS, SERVER_TIMEOUT, recording_page, serving
from playwright.sync_api import expect
from processes import busy_descendants

HOSTILE = "<img src=x onerror=alert(document.domain)>"
NS = "https://w3id.org/cspo-graph/ns#"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNDRED_THOUSAND = "SELECT ?a ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"
FORTY_TWO = "SELECT ?x WHERE { BIND(42 AS ?x) }"


def open_page(page, server_url: str) -> None:
    page.goto(server_url)
    expect(page.locator("#library option[value='founders']")).to_have_count(1)
    expect(page.locator(".yasqe .CodeMirror")).to_have_count(1)


def set_query(page, text: str) -> None:
    page.evaluate("text => { state.yasgui.getTab().setQuery(text); }", text)


def run_and_wait(page, timeout: float = 30_000) -> None:
    """Click YASGUI's run button and wait until the status line says how it went."""
    page.click(".yasqe_queryButton:visible")
    expect(page.locator("#status")).not_to_have_text(re.compile(r"^(Running…)?$"), timeout=timeout)


def assert_stayed_local(page, server_url: str) -> None:
    assert page.requests, "no request was recorded"
    for url in page.requests:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", urlsplit(server_url).netloc) or parts.scheme == "data", url


def cells(page, column: int) -> list[str]:
    """The cells of a column of the results shown (the active tab's)."""
    return page.locator(f".yasr:visible table.dataTable tbody tr td:nth-child({column + 1})").all_inner_texts()


def tab_names(page) -> list[str]:
    return [name.replace("✖", "").strip() for name in page.locator(".tabsList .tab").all_inner_texts()]


def editor_text(page) -> str:
    return page.locator(".yasqe:visible .CodeMirror").evaluate("editor => editor.CodeMirror.getValue()")


def test_a_library_query_opens_in_its_tab_and_shows_typed_values(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", label="Founding members of the CSpO")
    expect(page.locator(".tabPanel.active, .tab.active").first).to_contain_text("Founding members of the CSpO")
    assert "nations that founded" in page.inner_text("#description")
    run_and_wait(page)
    assert page.inner_text("#status").startswith("5 rows")
    headers = page.locator(".yasr table.dataTable thead th").all_inner_texts()
    assert [h.strip() for h in headers[1:]] == ["nation", "year", "sources"]
    assert cells(page, 1) == [f'"{nation}"@en' for nation in FOUNDERS]  # the language tag shows
    assert all("xsd:" in cell or "XMLSchema" in cell for cell in cells(page, 2)), cells(page, 2)  # so does the datatype
    assert page.errors == []
    assert_stayed_local(page, server_url)


TEXT_GAPS = """table => [...table.querySelectorAll("tbody tr")].map(row => {
    const ends = [...row.cells].map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const box = range.getBoundingClientRect();
        return [box.left, box.right];
    });
    return ends.slice(1).map(([left], i) => left - ends[i][1]);
})"""
"""For each row of a results table, the space between the text of each cell and the next one's."""


def test_the_text_of_neighbouring_cells_stands_apart(page, server_url):
    """The row number and the first value, and every two values, have space between them
    (the column resizer's rule took the cells' padding away: "1" ran into "Australia")."""
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    gaps = page.locator(".yasr:visible table.dataTable").evaluate(TEXT_GAPS)
    assert len(gaps) == 5
    assert min(min(row) for row in gaps) >= 8, gaps


def test_download_links_give_the_full_result(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    assert page.locator("#downloads a").all_inner_texts() == ["JSON", "XML", "CSV", "TSV"]
    with page.expect_download() as download:
        page.click("#downloads a:text('CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [row["nation"] for row in csv.DictReader(io.StringIO(text))] == FOUNDERS
    assert download.value.suggested_filename == "founders.csv"


def test_the_url_shares_the_query(page, browser, server_url):
    open_page(page, server_url)
    set_query(page, FORTY_TWO)
    page.click(".yasqe_share")
    shared = page.locator(".yasqe_sharePopup input, .yasqe_sharePopup textarea").first.input_value()
    assert "BIND(42" in urllib.parse.unquote_plus(shared)
    page.goto(shared)
    expect(page.locator(".yasqe .CodeMirror")).to_contain_text("BIND(42 AS ?x)")
    with recording_page(browser) as fresh:  # nothing stored in this browser: the link alone opens the query
        fresh.goto(shared)
        expect(fresh.locator("#status")).to_have_text(re.compile(r"^1 row · "))  # it ran, and the page followed it
        assert tab_names(fresh) == ["Query"]
        assert editor_text(fresh) == FORTY_TWO
        assert cells(fresh, 1) == ['"42"^^xsd:integer']
        assert fresh.locator("#downloads a").all_inner_texts() == ["JSON", "XML", "CSV", "TSV"]
        expect(fresh.locator("#cancel")).to_be_disabled()
        assert fresh.errors == []
        assert_stayed_local(fresh, server_url)


def test_a_click_on_a_column_header_sorts_the_rows(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "members")
    run_and_wait(page)
    nations = cells(page, 1)
    assert nations[:5] == [f'"{nation}"@en' for nation in FOUNDERS]  # the query's order: by year, then name
    header = page.locator(".yasr table.dataTable thead th").nth(1)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert cells(page, 1) == sorted(nations) != nations
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert cells(page, 1) == sorted(nations, reverse=True)
    set_query(page, "SELECT ?n WHERE { VALUES ?n { 5 40 12 3 100 } }")
    run_and_wait(page)
    header = page.locator(".yasr table.dataTable thead th").nth(1)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    numbers = [f'"{n}"^^xsd:integer' for n in (3, 5, 12, 40, 100)]
    assert cells(page, 1) == numbers  # as numbers, not as text ("100" before "12")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert cells(page, 1) == numbers[::-1]
    assert page.errors == []


def test_the_filter_box_keeps_the_rows_that_match(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "members")
    run_and_wait(page)
    info = page.locator(".yasr .dt-info")
    expect(info).to_have_text("Showing 1 to 10 of 10 entries")
    box = page.locator(".yasr .tableFilter")
    box.press_sequentially("King")  # typed, key by key
    expect(info).to_have_text("Showing 1 to 1 of 1 entry (filtered from 10 total entries)")
    assert cells(page, 1) == ['"United Kingdom"@en']
    box.fill("2023")  # pasted: the text changes with no key pressed
    expect(info).to_have_text("Showing 1 to 3 of 3 entries (filtered from 10 total entries)")
    assert cells(page, 1) == ['"Italy"@en', '"Japan"@en', '"Norway"@en']
    assert set(cells(page, 2)) == {'"2023"^^xsd:gYear'}
    box.fill("")
    expect(info).to_have_text("Showing 1 to 10 of 10 entries")
    assert len(cells(page, 1)) == 10


def test_the_tabs_keep_what_was_run_across_a_reload(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    page.click("#new-tab")
    set_query(page, FORTY_TWO)
    run_and_wait(page)
    page.reload()
    expect(page.locator(".yasqe:visible .CodeMirror")).to_have_count(1)
    assert tab_names(page) == ["Query", "Founding members of the CSpO", "Query 1"]
    assert editor_text(page) == FORTY_TWO
    assert cells(page, 1) == ['"42"^^xsd:integer']  # the result was kept with the query
    page.click(".tabsList .tab:has-text('Founding members') a")
    expect(page.locator(".yasr:visible table.dataTable")).to_have_count(1)
    assert editor_text(page).startswith("# Founding members of the CSpO")
    assert cells(page, 1) == [f'"{nation}"@en' for nation in FOUNDERS]
    page.click(".tabsList .tab:has-text('Query 1') .closeTab")
    assert tab_names(page) == ["Query", "Founding members of the CSpO"]
    page.click(".tabsList .tab.active a", button="right")  # the tab menu brings a closed tab back
    page.click(".context-menu li:has-text('Undo close Tab')")
    assert tab_names(page) == ["Query", "Founding members of the CSpO", "Query 1"]
    assert editor_text(page) == FORTY_TWO
    assert page.errors == []


def test_clicking_an_iri_in_the_results_opens_its_entity_page(page, server_url):
    open_page(page, server_url)
    set_query(page, "SELECT ?person WHERE { ?person a cspo:Person } ORDER BY ?person")
    run_and_wait(page)
    page.click(".yasr a.iri:text('cspo:RobertBrose')")
    expect(page).to_have_url(server_url + "entity/RobertBrose")
    expect(page.locator("h2")).to_have_text("Robert Brose")
    assert page.errors == []


def post_holdings(page) -> dict[str, str]:
    items = page.locator("section:has(h3:text('Posts')) .entity-item")
    return {items.nth(i).locator("h4").inner_text(): items.nth(i).inner_text() for i in range(items.count())}


def test_the_entity_page_shows_both_capacities_and_who_states_each(page, server_url):
    page.goto(server_url + "entity/RobertBrose")
    holdings = post_holdings(page)
    acting = holdings["Robert Brose, Acting Assistant Secretary of War for Space Policy Post holding"]
    duties = holdings["Robert Brose, performing the duties of Assistant Secretary of War for Space Policy Post holding"]
    assert "United States joins allies at French headquarters" in acting
    assert "The Dallas Express article" not in acting.split("variant of")[0]
    assert "currently serving as Acting Assistant Secretary of War for Space Policy" in acting
    assert "The Dallas Express article (The Dallas Express)" in duties
    assert "currently performing the duties of Assistant Secretary of War for Space Policy" in duties
    assert "Statements made" in page.inner_text("main")
    page.click(".entity-statements a:text-is('Assistant Secretary of War for Space Policy') >> nth=0")
    expect(page.locator("h2")).to_have_text("Assistant Secretary of War for Space Policy")
    assert page.errors == []
    assert_stayed_local(page, server_url)


def fetch(url: str, accept: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["Content-Type"], response.read().decode("utf-8")


def test_the_entity_url_gives_rdf_with_its_provenance(server_url):
    kind, text = fetch(server_url + "entity/RobertBrose", "text/turtle")
    assert kind.startswith("text/turtle")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    acting = rdflib.URIRef(NS + "BroseAsActingAssistantSecretary")
    assert (acting, rdflib.URIRef(NS + "holder"), rdflib.URIRef(NS + "RobertBrose")) in graph
    kind, text = fetch(server_url + "entity/RobertBrose", "application/ld+json")
    assert kind.startswith("application/ld+json")
    dataset = rdflib.Dataset().parse(data=text, format="json-ld")
    holding = (acting, rdflib.URIRef(NS + "capacity"), rdflib.URIRef(NS + "Acting"))
    graphs = {str(g.identifier) for g in dataset.graphs(holding)} - {str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)}
    assert graphs == {"https://w3id.org/cspo-graph/graph/source/DoWPressRelease"}  # only the press release says it
    kind, _ = fetch(server_url + "entity/RobertBrose", "text/html")
    assert kind.startswith("text/html")


def test_a_hundred_thousand_rows_keep_the_page_responsive(page, slow_server_url):
    open_page(page, slow_server_url)
    set_query(page, HUNDRED_THOUSAND)
    run_and_wait(page, timeout=180_000)
    assert page.inner_text("#status").startswith("Showing 10,000 of 100,000 rows")
    info = page.locator(".yasr .dt-info")
    expect(info).to_contain_text("Showing 1 to 50 of 10,000")
    started = time.perf_counter()
    page.click(".yasr .dt-paging-button.next")
    expect(info).to_contain_text("Showing 51 to 100", timeout=5_000)
    assert time.perf_counter() - started < 1.0, "the next page took more than a second"
    started = time.perf_counter()
    page.click(".facts-box summary")
    expect(page.locator(".facts-box")).to_have_attribute("open", "")
    assert time.perf_counter() - started < 1.0, "a click took more than a second to be answered"
    assert page.errors == []


def busy_workers(server_url: str) -> list[int]:
    """The server's descendant processes at work now (a query running)."""
    return busy_descendants(SERVER_PIDS[server_url], settle=0)


def test_cancel_stops_a_runaway_query_on_the_server(page, server_url):
    open_page(page, server_url)
    expect(page.locator("#graph-status")).to_contain_text("nodes")
    assert busy_descendants(SERVER_PIDS[server_url], settle=10) == []  # the page's own first queries end
    set_query(page, RUNAWAY)
    page.click(".yasqe_queryButton:visible")
    expect(page.locator("#cancel")).to_be_enabled()
    deadline = time.monotonic() + 5
    while not busy_workers(server_url) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert busy_workers(server_url), "the query never started on the server"
    started = time.monotonic()
    page.click("#cancel")
    expect(page.locator("#status")).to_have_text("Query cancelled: the server stopped it.")
    assert busy_descendants(SERVER_PIDS[server_url], settle=SERVER_TIMEOUT) == []
    stopped_after = time.monotonic() - started
    assert stopped_after < 2, f"the query went on for {stopped_after:.1f} s after Cancel"
    expect(page.locator("#cancel")).to_be_disabled()
    set_query(page, "ASK {}")
    run_and_wait(page)
    assert page.inner_text("#status").startswith("ASK")


def test_a_malformed_query_shows_the_parser_message(page, server_url):
    open_page(page, server_url)
    set_query(page, "SELECT ?x WHERE { ?x ?y }")
    run_and_wait(page)
    status = page.inner_text("#status")
    assert "SPARQL syntax error" in status or "query:1:" in status, status


def graph_counts(server_url: str, **params: str) -> str:
    with urllib.request.urlopen(f"{server_url}graph?{urllib.parse.urlencode(params)}", timeout=60) as response:
        data = json.load(response)
    return f"{len(data['nodes'])} nodes · {len(data['edges'])} edges"


def test_the_graph_panel_starts_with_a_view(page, server_url):
    open_page(page, server_url)
    expect(page.locator("#graph-status")).to_have_text(graph_counts(server_url, view="membership"))
    expect(page.locator("#network canvas")).to_have_count(1)
    assert page.locator(".legend-item:has(input[value='Nation']) .count").inner_text() == "10 of 10"
    hover = page.evaluate("state.graph.network.groups.get('Nation').color.hover.background")
    assert hover == page.evaluate("state.graph.network.groups.get('Nation').color.background")
    assert page.errors == []
    assert_stayed_local(page, server_url)


def click_node(page, node_id: str) -> None:
    page.locator("#network").scroll_into_view_if_needed()
    point = page.evaluate("id => state.graph.network.canvasToDOM(state.graph.network.getPositions([id])[id])", node_id)
    box = page.locator("#network canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_graph_details_name_the_class_once_and_link_the_entity_page(page, server_url):
    open_page(page, server_url)
    expect(page.locator("#graph-status")).to_contain_text("nodes")
    expect(page.locator("body")).to_have_attribute("data-settled", re.compile("."), timeout=30_000)
    click_node(page, NS + "France")
    expect(page.locator("#details .details-title")).to_have_text("France")
    assert page.inner_text("#details .details-kind") == "Nation"
    page.click("#details a:text('Open its page')")
    expect(page.locator("h2")).to_have_text("France")


def test_a_construct_result_is_drawn(page, server_url):
    open_page(page, server_url)
    page.select_option("#view", "")
    set_query(page, MEMBERSHIP_CONSTRUCT)
    run_and_wait(page)
    assert page.inner_text("#status").startswith("CONSTRUCT")
    expect(page.locator("#graph-status")).to_have_text(graph_counts(server_url, view="membership"))
    assert page.locator("#downloads a").all_inner_texts() == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]
    assert page.errors == []


@pytest.mark.parametrize("where", ["", "entity/RobertBrose"])
def test_axe_finds_no_violation(axe_page, server_url, where):
    axe_page.goto(server_url + where)
    if not where:
        expect(axe_page.locator(".yasqe .CodeMirror")).to_have_count(1)
        run_and_wait(axe_page)
        expect(axe_page.locator("#graph-status")).to_contain_text("nodes")
    assert axe.violations(axe_page) == []


def test_no_style_or_script_breaks_the_content_security_policy(page, server_url):
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    page.mouse.move(300, 300)
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


@pytest.fixture(scope="module")
def slow_server_url():
    """A server whose time limit leaves room for a query of 100,000 rows on a loaded machine."""
    with serving("--timeout", "170") as url:
        yield url


HOSTILE_DATA = f"""@prefix cspo: <https://w3id.org/cspo-graph/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cspo:Hostile a cspo:Nation ; rdfs:label "{HOSTILE}"@en .
cspo:HostileMembership a cspo:Membership ; org:member cspo:Hostile ; org:organization cspo:CSpO .
"""


@pytest.fixture(scope="module")
def hostile_server_url(tmp_path_factory):
    """A server whose data holds a label that is an HTML injection."""
    data = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    data.write_text(HOSTILE_DATA, encoding="utf-8")
    with serving("--data", "builtin", "--data", str(data)) as url:
        yield url


def test_hostile_text_in_the_data_runs_nothing(page, hostile_server_url):
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    open_page(page, hostile_server_url)
    set_query(page, "SELECT ?nation ?label WHERE { ?nation rdfs:label ?label . FILTER(?nation = cspo:Hostile) }")
    run_and_wait(page)
    assert HOSTILE in " ".join(cells(page, 2))
    expect(page.locator("#graph-status")).to_contain_text("12 nodes")
    expect(page.locator("body")).to_have_attribute("data-settled", re.compile("."), timeout=30_000)
    click_node(page, NS + "Hostile")
    assert HOSTILE in page.inner_text("#details")
    page.click(".facts-box summary")
    assert HOSTILE in page.inner_text("#facts")
    page.click(".yasr a.iri:text('cspo:Hostile')")
    expect(page.locator("h2")).to_have_text(HOSTILE)
    assert page.locator("img").count() == 0
    page.go_back()
    expect(page.locator(".yasqe .CodeMirror")).to_have_count(1)
    assert page.locator("#yasgui img, #network img, #legend img, #details img, #facts img").count() == 0
    assert dialogs == []
    # YASR's sanitizer (DOMPurify) parses the label in an inert document, where Chromium reports
    # the blocked onerror handler; no other error may appear.
    assert [e for e in page.errors if "violates the following Content Security Policy" not in e] == []
    assert_stayed_local(page, hostile_server_url)
