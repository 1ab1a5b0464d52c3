"""The `cspo-graph serve` page in a real headless Chromium (the ``page`` fixture), against a real server."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FOUNDERS, MEMBERSHIP_CONSTRUCT, serving
from playwright.sync_api import expect

HOSTILE = "<img src=x onerror=alert(document.domain)>"


def open_page(page, server_url: str) -> None:
    page.goto(server_url)
    page.wait_for_selector("#library option[value='founders']", state="attached")


def run_and_wait(page) -> None:
    """Click Run and wait until the status line says how it went (the page's CSP forbids eval'd waits)."""
    page.click("#run")
    expect(page.locator("#status")).not_to_have_text(re.compile(r"^(Running|$)"))


def assert_stayed_local(page, server_url: str) -> None:
    assert page.requests, "no request was recorded"
    for url in page.requests:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", urlsplit(server_url).netloc) or parts.scheme == "data", url


def test_pick_founders_from_the_menu_run_it_and_read_the_table(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", label="Founding members of the CSpO")
    assert "PREFIX cspo:" in page.input_value("#query")
    run_and_wait(page)
    assert page.locator("#results thead th").all_inner_texts() == ["nation", "year", "sources"]
    assert page.locator("#results tbody tr td:first-child").all_inner_texts() == FOUNDERS
    assert page.locator("#results tbody tr td:nth-child(2)").all_inner_texts() == ["2018"] * 5
    assert page.inner_text("#status").startswith("5 rows")
    assert page.errors == []
    assert_stayed_local(page, server_url)


def test_download_links_give_the_result_in_each_format(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    assert page.locator("#downloads a").all_inner_texts() == ["JSON", "XML", "CSV", "TSV"]
    with page.expect_download() as download:
        page.click("#downloads a:text('CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [row["nation"] for row in csv.DictReader(io.StringIO(text))] == FOUNDERS
    assert download.value.suggested_filename == "founders.csv"


def test_text_from_the_data_is_shown_as_text(page, server_url):
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    open_page(page, server_url)
    page.fill("#query", f'SELECT ?x WHERE {{ BIND("{HOSTILE}" AS ?x) }}')
    run_and_wait(page)
    assert page.locator("#results tbody td").all_inner_texts() == [HOSTILE]
    assert page.locator("#results img").count() == 0
    assert dialogs == []
    assert page.input_value("#library") == ""


def test_a_malformed_query_shows_the_parser_message(page, server_url):
    open_page(page, server_url)
    page.fill("#query", "SELECT ?x WHERE { ?x ?y }")
    run_and_wait(page)
    assert page.inner_text("#status").startswith("query:1:")
    assert "SPARQL syntax error" in page.inner_text("#status")
    assert page.locator("#results tbody tr").count() == 0


def graph_counts(server_url: str, **params: str) -> str:
    with urllib.request.urlopen(f"{server_url}graph?{urllib.parse.urlencode(params)}", timeout=60) as response:
        data = json.load(response)
    return f"{len(data['nodes'])} nodes · {len(data['edges'])} edges"


def test_a_view_is_drawn_as_an_interactive_graph(page, server_url):
    open_page(page, server_url)
    page.wait_for_selector("#view option[value='membership']", state="attached")
    page.select_option("#view", "membership")
    expect(page.locator("#graph-status")).to_have_text(graph_counts(server_url, view="membership"))
    expect(page.locator("#network canvas")).to_have_count(1)
    assert "Nation (10)" in page.inner_text("#legend")
    assert page.errors == []
    assert_stayed_local(page, server_url)


def test_a_construct_result_fills_the_table_and_the_graph(page, server_url):
    open_page(page, server_url)
    page.fill("#query", MEMBERSHIP_CONSTRUCT)
    run_and_wait(page)
    assert page.locator("#results thead th").all_inner_texts() == ["subject", "predicate", "object"]
    assert page.inner_text("#status").startswith("20 triples")
    assert "org:member" in page.locator("#results tbody td:nth-child(2)").all_inner_texts()
    expect(page.locator("#graph-status")).to_have_text(graph_counts(server_url, view="membership"))
    assert page.locator("#downloads a").all_inner_texts() == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]
    assert page.errors == []


def hover_node(page, node_id: str) -> None:
    """Move the mouse over a node of the drawn graph (its tooltip then opens)."""
    page.wait_for_timeout(500)
    point = page.evaluate(
        """(id) => {
            const network = state.network;
            network.setOptions({ physics: false });
            return network.canvasToDOM(network.getPositions([id])[id]);
        }""",
        node_id,
    )
    box = page.locator("#network canvas").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])


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
    page.fill("#query", "SELECT ?label WHERE { cspo:Hostile rdfs:label ?label }")
    run_and_wait(page)
    assert page.locator("#results tbody td").all_inner_texts() == [HOSTILE]
    page.select_option("#view", "membership")
    expect(page.locator("#graph-status")).to_contain_text("12 nodes")
    hover_node(page, "https://w3id.org/cspo-graph/ns#Hostile")
    expect(page.locator("div.vis-tooltip")).to_be_visible()
    assert HOSTILE in page.inner_text("div.vis-tooltip")
    assert page.locator("div.vis-tooltip img").count() == 0
    page.select_option("#library", "members")
    run_and_wait(page)
    assert page.locator("#results img, #network img, #legend img").count() == 0
    assert dialogs == []
    assert page.errors == []
