"""Property-based robustness: whatever the input, the CLI ends cleanly.

Mutated Turtle, mutated SPARQL, binary junk, empty files and huge literals go
through the real commands; each case ends with exit 0, or with one clear line and
exit 1 (2 for usage), never a traceback, never an "unexpected" error, never a
hang (queries run under --timeout). Examples are derandomized and bounded so the
suite stays fast and repeatable.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspo_graph import resources

SHIPPED_TRIG = resources.DATA.read_text(encoding="utf-8")
TRIG_SAMPLE = SHIPPED_TRIG[: SHIPPED_TRIG.index("\n}\n") + 3]  # the prefixes and the first named graph
QUERIES = [path.read_text(encoding="utf-8") for path in sorted(resources.QUERIES.glob("*.rq"))]
SYNTAX = [*"<>\"'{}[]()@^\\.;,#:?$_*+|/!=&- \n\t", "\x00", "\u00e9", "\U0001f680", '"""', "^^", "@en"]

FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random deletions, insertions of syntax characters, and duplications."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 40)))
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "insert":
            piece = "".join(draw(st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=6)))
            text = text[:start] + piece + text[start:]
        elif kind == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = text[:start]
    return text


def clean_end(result, report_end: str | None = None) -> None:
    """Exit 0, or exit 1 with one "Error:" line (or a report ending in ``report_end``), or exit 2 for usage."""
    output = result.output
    assert "Traceback" not in output
    assert "unexpected" not in output, output
    if result.exit_code == 0:
        return
    if result.exit_code == 1 and report_end and output.splitlines()[-1].startswith(report_end):
        return
    if result.exit_code == 1:
        assert output.startswith("Error: ") and output.count("\n") == 1, output
        return
    assert result.exit_code == 2, output
    assert output.rstrip("\n").splitlines()[-1].startswith("Error: "), output


def data_file(content: str | bytes, suffix: str) -> Path:
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        handle.write(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return Path(handle.name)


@FUZZ
@given(text=mutated(TRIG_SAMPLE))
def test_mutated_trig(cli, text):
    path = data_file(text, ".trig")
    try:
        clean_end(cli("query", "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "--data", str(path), "--timeout", "20"))
    finally:
        path.unlink()


@FUZZ
@given(query=st.sampled_from(QUERIES).flatmap(mutated))
def test_mutated_sparql(cli, query):
    clean_end(cli("query", "-e", query, "--timeout", "20", "--format", "json"))


@FUZZ
@given(junk=st.binary(max_size=2000), suffix=st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"]))
def test_binary_junk_in_every_format(cli, junk, suffix):
    path = data_file(junk, suffix)
    try:
        clean_end(cli("query", "-e", "ASK { ?s ?p ?o }", "--data", str(path), "--timeout", "20"))
    finally:
        path.unlink()


@settings(FUZZ, max_examples=10)
@given(text=mutated(TRIG_SAMPLE))
def test_mutated_trig_through_validate(cli, text):
    path = data_file(text, ".trig")
    try:
        clean_end(cli("validate", "--data", str(path)), report_end="does not conform: ")
    finally:
        path.unlink()


@FUZZ
@given(query=st.text(max_size=300))
def test_arbitrary_text_as_sparql(cli, query):
    clean_end(cli("query", "-e", query, "--timeout", "20"))


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"])
@pytest.mark.parametrize("command", [["query", "-e", "ASK { ?s ?p ?o }"], ["validate"]])
def test_empty_files(cli, tmp_path, suffix, command):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    result = cli(*command, "--data", str(path))
    clean_end(result)


@pytest.mark.parametrize("size", [1_000_000, 8_000_000])
def test_huge_literals(cli, tmp_path, size):
    path = tmp_path / "huge.ttl"
    path.write_text(f'<https://example.org/s> <https://example.org/p> "{"x" * size}" .\n')
    result = cli("query", "-e", "SELECT (STRLEN(?o) AS ?n) WHERE { ?s ?p ?o }", "--data", str(path), "-f", "csv")
    assert (result.exit_code, result.output.splitlines()) == (0, ["n", str(size)])
    result = cli("query", "-e", "SELECT ?o WHERE { ?s ?p ?o }", "--data", str(path), "-o", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert (tmp_path / "o").stat().st_size > size
    huge_query = f'SELECT * WHERE {{ ?s ?p "{"y" * size}" }}'
    clean_end(cli("query", "-e", huge_query, "--data", str(path), "--timeout", "30"))
