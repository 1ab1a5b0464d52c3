"""check-quotes: verbatim quotes and wordings, against small source texts written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspo_graph.provenance.quotes import check_quotes
from cspo_graph.provenance.sources import closest_passage, normalize

PREFIXES = """\
@prefix cspo: <https://w3id.org/cspo-graph/ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

RELEASE = """Allies met today.

"We will  defend our interests
in space," said the General. The group reportedly discussed the \u2018weather\u2019.
"""
ARTICLE = "\u201cWe will defend our interests in space,\u201d the General said.\n"


def write_case(folder: Path, data: str, release: str = RELEASE, article: str = ARTICLE) -> Path:
    (folder / "release.txt").write_text(release, encoding="utf-8")
    (folder / "article.txt").write_text(article, encoding="utf-8")
    path = folder / "data.ttl"
    path.write_text(
        PREFIXES
        + """
cspo:Release a cspo:PressRelease ; cspo:fileName "release.txt" .
cspo:Article a cspo:NewsArticle ; cspo:fileName "article.txt" .
"""
        + data,
        encoding="utf-8",
    )
    return path


STATEMENT = """
cspo:Defend a cspo:Statement ; cspo:quote "{quote}"@en ;
    prov:wasDerivedFrom cspo:Release, cspo:Article .
"""


def test_normalize_ignores_quote_style_and_whitespace_only():
    assert normalize("\u201ca\u201d  \u2018b\u2019\n\tc ") == "\"a\" 'b' c"
    assert normalize("a\u2013b") == "a\u2013b"  # a dash is not a quote mark


def test_verbatim_across_quote_styles_and_line_breaks(tmp_path):
    data = write_case(tmp_path, STATEMENT.format(quote="We will defend our interests in space"))
    findings = check_quotes(tmp_path, [data])
    assert [(f.source, f.found) for f in findings] == [("cspo:Article", True), ("cspo:Release", True)]


def test_changed_word_is_reported_with_the_closest_passage(tmp_path, cli):
    data = write_case(tmp_path, STATEMENT.format(quote="We shall defend our interests in space"))
    findings = [f for f in check_quotes(tmp_path, [data]) if not f.found]
    assert len(findings) == 2
    release = next(f for f in findings if f.source == "cspo:Release")
    assert release.problem == "not found verbatim"
    assert release.closest == "We will defend our interests in space,"
    assert 0.8 < release.similarity < 1
    result = cli("check-quotes", "--sources", str(tmp_path), "--data", str(data))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "cspo:Defend cspo:quote not found verbatim in cspo:Article (article.txt)",
        '  data:    "We shall defend our interests in space"',
        f'  closest: "We will defend our interests in space," (similarity {release.similarity:.0%})',
        "cspo:Defend cspo:quote not found verbatim in cspo:Release (release.txt)",
        '  data:    "We shall defend our interests in space"',
        f'  closest: "We will defend our interests in space," (similarity {release.similarity:.0%})',
        "2 of 2 quoted texts not confirmed verbatim in their sources",
    ]


def test_quote_checked_in_each_cited_source(tmp_path):
    data = write_case(tmp_path, STATEMENT.format(quote="said the General"))
    found = {f.source: f.found for f in check_quotes(tmp_path, [data])}
    assert found == {"cspo:Release": True, "cspo:Article": False}


def test_wordings_and_hedges_are_checked_too(tmp_path, cli):
    data = write_case(
        tmp_path,
        """
cspo:W a cspo:Wording ; cspo:text "The group reportedly discussed the 'weather'."@en ;
    prov:wasDerivedFrom cspo:Release .
cspo:H a cspo:HedgedClaim ; cspo:hedge "reportedly discussed"@en ; prov:wasDerivedFrom cspo:Release .
cspo:H2 a cspo:HedgedClaim ; cspo:hedge "allegedly"@en ; prov:wasDerivedFrom cspo:Article .
""",
    )
    found = {(f.subject, f.property): f.found for f in check_quotes(tmp_path, [data])}
    assert found == {
        ("cspo:W", "cspo:text"): True,
        ("cspo:H", "cspo:hedge"): True,
        ("cspo:H2", "cspo:hedge"): False,
    }
    result = cli("check-quotes", "--sources", str(tmp_path), "--data", str(data), "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["verbatim"] is False
    assert [f["subject"] for f in body["findings"] if not f["found"]] == ["cspo:H2"]


def test_missing_file_and_path_escape_are_reported_once_and_read_nothing(tmp_path, cli):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7731 We will defend our interests in space", encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    data = write_case(sources, STATEMENT.format(quote="We will defend our interests in space"))
    text = data.read_text(encoding="utf-8")
    text = text.replace('"release.txt"', '"../secret.txt"').replace('"article.txt"', '"gone.txt"')
    data.write_text(text, encoding="utf-8")
    result = cli("check-quotes", "--sources", str(sources), "--data", str(data))
    assert result.exit_code == 1
    assert "TOP-SECRET" not in result.output
    assert result.output.splitlines() == [
        f"cspo:Article: no file 'gone.txt' in {sources}: 1 quoted texts not checked",
        f"cspo:Release: no file '../secret.txt' in {sources}: 1 quoted texts not checked",
        "2 of 2 quoted texts not confirmed verbatim in their sources",
    ]


def test_source_without_file_name(tmp_path):
    data = write_case(tmp_path, STATEMENT.format(quote="x").replace("cspo:Release,", "cspo:Nameless,"))
    problems = {f.source: f.problem for f in check_quotes(tmp_path, [data]) if not f.found}
    assert problems["cspo:Nameless"] == "the source has no cspo:fileName"


def test_undecodable_source_is_a_clear_error(tmp_path, cli):
    data = write_case(tmp_path, STATEMENT.format(quote="x"))
    (tmp_path / "release.txt").write_bytes(b"\xff\xfe\x00bad")
    result = cli("check-quotes", "--sources", str(tmp_path), "--data", str(data))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'release.txt'}: not UTF-8 text (byte 0)\n"


def test_closest_passage_on_a_short_haystack():
    assert closest_passage("abc def", "abc") == ("abc", pytest.approx(0.6))


def test_sources_folder_must_exist(cli, tmp_path):
    assert cli("check-quotes", "--sources", str(tmp_path / "nope")).exit_code == 2


def test_shipped_data_is_verbatim_in_the_shipped_texts_by_default(cli):
    result = cli("check-quotes")
    assert result.exit_code == 0, result.output
    assert result.output == "all 40 quoted texts stand verbatim in their sources\n"
