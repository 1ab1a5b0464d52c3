"""The membership timeline: its bars come from the source graphs and each cites its source."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cspo_graph.views.timeline import membership_bars, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_the_bars_are_the_founding_five_then_2020_then_2023(engine):
    bars = membership_bars(engine)
    assert [(bar.year, bar.founding) for bar in bars] == [(2018, True)] * 5 + [(2020, False)] * 2 + [(2023, False)] * 3
    assert [bar.nation for bar in bars][:5] == ["Australia", "Canada", "New Zealand", "United Kingdom", "United States"]
    assert {bar.sources for bar in bars} == {("The Dallas Express article (The Dallas Express)",)}
    france = next(bar for bar in bars if bar.nation == "France")
    assert france.wordings == ("has since expanded, adding France and Germany in 2020",)


def test_the_svg_draws_a_bar_per_nation_citing_its_source_and_runs_nothing(engine):
    svg = render_svg(membership_bars(engine))
    root = ET.fromstring(svg)
    groups = root.findall(f"{SVG}g")
    assert len(groups) == 10
    for group in groups:
        texts = [text.text for text in group.findall(f"{SVG}text")]
        assert texts[-1] == "source: The Dallas Express article"
        assert "The Dallas Express article" in group.find(f"{SVG}title").text
    assert root.find(f".//{SVG}script") is None
    assert "href" not in svg


def test_graph_view_timeline_writes_the_svg(cli, tmp_path):
    out = tmp_path / "timeline.svg"
    result = cli("graph", str(out), "--view", "timeline")
    assert result.exit_code == 0
    assert ET.parse(out).getroot().tag == f"{SVG}svg"
    refused = cli("graph", str(tmp_path / "t.html"), "--view", "timeline", "--format", "html")
    assert refused.exit_code == 2
