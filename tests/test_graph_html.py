"""The HTML page as text, and the graph and analyze commands (the browser test opens the page)."""

from __future__ import annotations

import csv
import io
import json
import re

import hostile
import networkx as nx
import pytest
from conftest import engine_over

from cspo_graph.views import catalog, html


@pytest.mark.parametrize(
    "value",
    [
        "</script><script>alert(1)</script>",
        "<!-- <script>",
        "a & b > c",
        "line\u2028separator\u2029paragraph",
        {"nested": ["</SCRIPT>", "\u2028"]},
    ],
)
def test_script_json_cannot_end_its_element_and_reads_back(value):
    text = str(html.script_json(value))
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == value


def test_inlined_text_that_could_close_its_element_is_refused():
    from cspo_graph.errors import CspoError

    with pytest.raises(CspoError, match="cannot be inlined"):
        html._inline("var a = '</SCRIPT>';", "x.js")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """The page of the 'all' view of the built-in data plus the hostile data."""
    folder = tmp_path_factory.mktemp("hostile")
    graph = catalog.build(engine_over(["builtin", hostile.write(folder)]), "all")
    return graph, html.render_html(graph)


def test_page_is_self_contained(hostile_page):
    _, page = hostile_page
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.IGNORECASE)
    assert "@import" not in page


def test_every_text_from_the_data_is_escaped(hostile_page):
    _, page = hostile_page
    assert page.count("</script>") == 3  # vis-network, the graph's JSON, the page's own script
    for payload in (hostile.PERSON, hostile.STATEMENT, hostile.QUOTE, hostile.SOURCE_TITLE):
        assert payload not in page
    assert "<img" not in page.lower()
    escaped_title = "&lt;img src=y onerror=&#34;window.__pwned=&#39;title&#39;&#34;&gt;"
    assert f"<cite>{escaped_title}</cite>" in page  # the sources line
    assert '<option value="&lt;img src=x onerror=&#34;window.__pwned=&#39;label&#39;&#34;&gt;">' in page


def test_page_data_carries_what_the_tooltips_show(hostile_page):
    graph, page = hostile_page
    embedded = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    data = json.loads(embedded[1])
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    statement = next(n for n in data["nodes"] if n["id"] == hostile.STATEMENT_IRI)
    assert statement["label"] == hostile.STATEMENT
    assert ["quote", hostile.QUOTE] in statement["details"]
    saltzman = next(n for n in data["nodes"] if n["label"] == "Chance Saltzman")
    assert saltzman["family"] == "Person" and saltzman["degree"] == 4
    assert {f["name"] for f in data["families"]} >= {"Person", "Nation", "Post", "Statement", "Organization"}


def test_a_hostile_view_title_is_escaped(tmp_path):
    graph = catalog.build(engine_over([]), catalog.view_from_file(hostile.write_view(tmp_path)))
    page = html.render_html(graph)
    assert hostile.VIEW_TITLE not in page
    assert "<title>&lt;script&gt;window.__pwned=&#39;view&#39;&lt;/script&gt; &amp; co · cspo-graph</title>" in page
    assert page.count("</script>") == 3


def test_graph_command_writes_one_file_and_nothing_else(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("graph")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cspo-graph.html"]
    page = (tmp_path / "cspo-graph.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>The whole CSpO graph" in page
    assert "cspo-graph.html" in cli("graph", "--help").output


@pytest.mark.parametrize(("fmt", "extension"), [("graphml", "graphml"), ("gexf", "gexf"), ("node-link", "json")])
def test_graph_command_default_names_per_format(cli, tmp_path, monkeypatch, fmt, extension):
    monkeypatch.chdir(tmp_path)
    assert cli("graph", "--view", "membership", "--format", fmt).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"cspo-graph.{extension}"]


def test_graph_command_to_standard_output_as_node_link_json(cli):
    result = cli("graph", "-", "--view", "statements", "--format", "node-link")
    assert result.exit_code == 0
    graph = nx.node_link_graph(json.loads(result.stdout), edges="links")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (12, 18)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--view", "all", "--query", "x.rq"], 2, "give --view or --query, not both"),
        (["--query", "missing.rq"], 1, "missing.rq: no such file"),
        (["--view", "nope"], 2, "Invalid value for '--view'"),
        (["--format", "png"], 2, "'png' is not one of 'html', 'graphml', 'gexf', 'node-link'"),
    ],
)
def test_graph_command_errors_are_one_line(cli, tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    result = cli("graph", *args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_analyze_table(cli):
    result = cli("analyze", "--view", "membership", "--limit", "2")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert " ".join(lines[0].split()) == "rank node class degree betweenness component component_size iri"
    top = "1  Combined Space Operations (CSpO) Initiative  Initiative  10  1.000  1  11  cspo:CSpO"
    assert lines[2].split() == top.split()
    assert lines[-1] == "(2 rows)"


def test_analyze_csv_and_json(cli):
    rows = list(csv.DictReader(io.StringIO(cli("analyze", "--format", "csv", "--limit", "0").output)))
    assert len(rows) == 65
    assert rows[0]["node"] == "CSpO meeting at the French Space Command Headquarters near Toulouse"
    assert {row["component"] for row in rows} == {"1", "2"}
    body = json.loads(cli("analyze", "--view", "statements", "-f", "json", "-n", "1").output)
    (top,) = body["results"]["bindings"]
    assert top["degree"] == {
        "type": "literal",
        "value": "5",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def test_analyze_refuses_formats_it_cannot_print(cli):
    result = cli("analyze", "--format", "ttl")
    assert result.exit_code == 2
