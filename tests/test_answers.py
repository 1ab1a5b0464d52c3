"""The default path prints what rdflib's path prints, byte for byte, and a repeated query skips rdflib."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cspo_graph.formats import render
from cspo_graph.library import query_library, resolve
from cspo_graph.params import parse_param
from cspo_graph.sparql import run_query

FORMATS = ("table", "csv", "json", "tsv", "xml")
HEAVY = ("rdflib", "pyparsing", "pyoxigraph", "pyvis", "networkx", "pyshacl")


def cached_answers(folder) -> list:
    return sorted(folder.rglob("*.txt"))


@pytest.mark.parametrize("name", [q.name for q in query_library()])
def test_every_library_query_prints_the_same_bytes_computed_or_cached(cli, dataset, answer_cache, name):
    reference = run_query(dataset, resolve(name).text)
    for fmt in FORMATS:
        expected = render(reference, fmt)
        computed = cli("query", name, "--format", fmt)
        cached = cli("query", name, "--format", fmt)
        assert computed.exit_code == cached.exit_code == 0, computed.output
        assert computed.stdout_bytes == cached.stdout_bytes == expected.encode(), (name, fmt)


def test_parameters_and_formats_are_part_of_the_key(cli, dataset, answer_cache):
    text = resolve("posts").text
    for spec in ("person=cspo:RobertBrose", 'name="Pete Hegseth"@en'):
        expected = render(run_query(dataset, text, params=dict([parse_param(spec)])), "csv").encode()
        assert cli("query", "posts", "-p", spec, "-f", "csv").stdout_bytes == expected
        assert cli("query", "posts", "-p", spec, "-f", "csv").stdout_bytes == expected
    everyone = cli("query", "posts", "-f", "csv").stdout_bytes
    assert cli("query", "posts", "-f", "csv").stdout_bytes == everyone != expected


def test_answers_that_may_vary_or_come_from_other_data_are_not_kept(cli, answer_cache, tmp_path):
    before = cached_answers(answer_cache)
    assert cli("query", "-e", "SELECT (STRUUID() AS ?id) {}", "-f", "csv").exit_code == 0
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://x/a> a <https://w3id.org/cspo-graph/ns#Nation> .\n")
    assert cli("query", "-e", "SELECT * { ?n a cspo:Nation }", "--data", str(extra)).exit_code == 0
    assert cli("query", "-e", "SELECT * { ?n ?p ?o }", "--allow-service").exit_code == 0
    assert cached_answers(answer_cache) == before


def test_errors_are_not_kept(cli, answer_cache):
    before = cached_answers(answer_cache)
    for _ in range(2):
        result = cli("query", "-e", "SELECT ?x WHERE { ?x ?p }")
        assert result.exit_code == 1 and "SPARQL syntax error" in result.stderr
    assert cached_answers(answer_cache) == before


def test_no_cache_when_switched_off(cli, answer_cache, monkeypatch):
    monkeypatch.setenv("CSPO_GRAPH_NO_CACHE", "1")
    before = cached_answers(answer_cache)
    assert cli("query", "-e", "SELECT ?n { ?n a cspo:Nation } LIMIT 1").exit_code == 0
    assert cached_answers(answer_cache) == before


def test_an_unwritable_cache_is_no_error(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CSPO_GRAPH_CACHE_DIR", str(blocker / "cache"))
    result = cli("query", "founders", "-f", "csv")
    assert result.exit_code == 0 and result.stdout.startswith("nation,year,sources")


def imported_by(args: list[str], cache: str) -> tuple[list[str], str]:
    """Run ``cspo-graph ARGS`` in a fresh interpreter; the heavy modules it imported and its output."""
    code = (
        "import sys\nfrom cspo_graph.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "CSPO_GRAPH_CACHE_DIR": cache}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    *output, modules = done.stdout.splitlines()
    return eval(modules), "\n".join(output)  # a printed list of str


def test_start_up_imports_only_what_is_needed(tmp_path):
    cache = str(tmp_path / "cache")
    assert imported_by(["--help"], cache)[0] == []
    first, computed = imported_by(["query", "founders"], cache)
    assert "rdflib" in first and not {"pyvis", "networkx", "pyshacl"} & set(first)
    again, cached = imported_by(["query", "founders"], cache)
    assert again == [] and cached == computed and "United States" in cached
