"""The command line: every output format, parameters, and one clear line for every bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from cspo_graph import __version__

FOUNDERS = ["Australia", "Canada", "New Zealand", "United Kingdom", "United States"]


def test_query_by_name_prints_a_table_of_the_five_founders(cli):
    result = cli("query", "founders")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["nation", "year", "sources"]
    assert [line.split("  ")[0] for line in lines[2:7]] == FOUNDERS
    assert lines[-1] == "(5 rows)"


def test_query_by_path_from_the_repository(cli):
    assert cli("query", "queries/founders.rq").output == cli("query", "founders").output


def test_json_is_the_w3c_results_format(cli):
    body = json.loads(cli("query", "founders", "--format", "json").output)
    assert body["head"]["vars"] == ["nation", "year", "sources"]
    first = body["results"]["bindings"][0]
    assert first["nation"] == {"type": "literal", "value": "Australia", "xml:lang": "en"}
    assert first["year"] == {
        "type": "literal",
        "value": "2018",
        "datatype": "http://www.w3.org/2001/XMLSchema#gYear",
    }


def test_csv_and_tsv(cli, tmp_path):
    for attempt in ("computed", "from the answer cache"):
        cli("query", "founders", "-f", "csv", "-o", str(tmp_path / "f.csv"))
        assert (tmp_path / "f.csv").read_bytes().count(b"\r\n") == 6, attempt
    text = cli("query", "founders", "-f", "csv").output
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["nation", "year", "sources"]
    assert [row[0] for row in table[1:]] == FOUNDERS
    tsv = cli("query", "founders", "-f", "tsv").output.splitlines()
    assert tsv[0] == "?nation\t?year\t?sources"
    assert tsv[1].startswith('"Australia"@en\t"2018"^^<http://www.w3.org/2001/XMLSchema#gYear>\t')


def test_xml_results(cli):
    root = ET.fromstring(cli("query", "founders", "-f", "xml").output)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["nation", "year", "sources"]
    names = [b.find("s:literal", ns).text for b in root.findall("s:results/s:result/s:binding", ns)
             if b.get("name") == "nation"]  # fmt: skip
    assert names == FOUNDERS


def test_ask_prints_true_or_false(cli):
    assert cli("query", "-e", "ASK { cspo:UnitedStates a cspo:Nation }").output == "true\n"
    assert cli("query", "-e", "ASK { cspo:UnitedStates a cspo:Person }").output == "false\n"
    assert json.loads(cli("query", "-e", "ASK {}", "-f", "json").output) == {"head": {}, "boolean": True}


def test_construct_prints_turtle_by_default_and_other_rdf_on_request(cli):
    construct = "CONSTRUCT { ?n a cspo:Nation } WHERE { ?n a cspo:Nation }"
    turtle = cli("query", "-e", construct).output
    assert "cspo:UnitedStates a cspo:Nation" in turtle or "cspo:UnitedStates" in turtle
    ntriples = cli("query", "-e", construct, "-f", "nt").output.splitlines()
    assert len(ntriples) == 10
    jsonld = json.loads(cli("query", "-e", construct, "-f", "jsonld").output)
    assert len(jsonld) == 10


def test_param_binds_a_typed_value_without_splicing_text(cli):
    result = cli("query", "posts", "--param", 'name="Pete Hegseth"@en', "-f", "csv")
    rows = list(csv.reader(io.StringIO(result.output)))[1:]
    assert rows and {row[1] for row in rows} == {"Secretary of War"}
    injection = 'name="x" } ; DROP ALL ; SELECT * { "'
    assert cli("query", "posts", "--param", injection, "-f", "csv").output.splitlines()[1:] == []


def test_param_iri_and_number(cli):
    out = cli("query", "-e", "SELECT ?label WHERE { ?n rdfs:label ?label }", "-p", "n=cspo:Norway").output
    assert "Norway" in out and "(1 row)" in out
    out = cli("query", "-e", "SELECT ?x WHERE { BIND(?n + 1 AS ?x) }", "-p", "n=41", "-f", "csv").output
    assert out.splitlines()[1] == "42"


def test_queries_lists_the_library(cli):
    out = cli("queries").output
    assert "founders" in out and "Founding members of the CSpO" in out
    listed = json.loads(cli("queries", "-f", "json").output)["results"]["bindings"]
    assert {row["name"]["value"] for row in listed} >= {"founders", "members", "statements", "meeting"}


def test_output_file_is_written_whole(cli, tmp_path):
    target = tmp_path / "founders.csv"
    assert cli("query", "founders", "-f", "csv", "-o", str(target)).exit_code == 0
    assert target.read_text().splitlines()[0] == "nation,year,sources"
    assert [p.name for p in tmp_path.iterdir()] == ["founders.csv"]


def test_data_replaces_or_adds_to_the_builtin_data(cli, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix cspo: <https://w3id.org/cspo-graph/ns#> .\ncspo:Atlantis a cspo:Nation .\n")
    count = "SELECT (COUNT(?n) AS ?c) WHERE { ?n a cspo:Nation }"
    assert cli("query", "-e", count, "--data", str(extra), "-f", "csv").output.splitlines()[1] == "1"
    both = cli("query", "-e", count, "--data", "builtin", "--data", str(extra), "-f", "csv")
    assert both.output.splitlines()[1] == "11"


def test_version_and_help_on_every_command(cli):
    assert cli("--version").output.strip() == f"cspo-graph, version {__version__}"
    from cspo_graph.cli import COMMANDS

    for name in COMMANDS:
        text = cli(name, "--help").output
        assert "Example" in text, name
    assert "Exit codes" in cli("--help").output


BAD_TURTLE = "@prefix : <http://x/> .\n:a :b :c .\n:a :b <c d> .\n"


@pytest.mark.parametrize(
    ("args", "files", "message", "code"),
    [
        (["query", "founders", "--data", "bad.ttl"], {"bad.ttl": BAD_TURTLE}, "bad.ttl:3:7: Invalid IRI", 1),
        (
            ["query", "bad.rq"],
            {"bad.rq": "SELECT ?s WHERE { ?s ?p \n"},
            "bad.rq:1:19: SPARQL syntax error",
            1,
        ),
        (["query", "founders", "--data", "missing.ttl"], {}, "missing.ttl: no such file", 1),
        (["query", "missing.rq"], {}, "missing.rq: no such file", 1),
        (["query", "founders", "--data", "x.foo"], {"x.foo": "<a> <b> <c> ."}, "unknown RDF format", 1),
        (["query", "no-such-query"], {}, "unknown query 'no-such-query'", 1),
        (["query", "-e", "INSERT DATA { <a> <b> <c> }"], {}, "SPARQL Update is refused", 1),
        (["query", "-e", "DELETE WHERE { ?s ?p ?o }"], {}, "SPARQL Update is refused", 1),
        (["query", "-e", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], {}, "SERVICE", 1),
        (["query", "-e", "SELECT * { ?s nope:x ?o }"], {}, "SPARQL", 1),
        (["query", "founders", "--param", "zzz=1"], {}, "no variable ?zzz", 2),
        (["query", "founders", "--param", "oops"], {}, "NAME=VALUE", 2),
        (["query", "founders", "--param", "n=<a b>"], {}, "write an IRI in angle brackets", 2),
        (["query"], {}, "exactly one of QUERY", 2),
        (["query", "founders", "-e", "ASK {}"], {}, "exactly one of QUERY", 2),
        (["query", "founders", "--format", "bogus"], {}, "'bogus' is not one of", 2),
        (["query", "founders", "--format", "nt"], {}, "format 'nt' is for graph results", 2),
        (["query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "-f", "csv"], {}, "is for SELECT/ASK results", 2),
    ],
)
def test_bad_input_gives_one_clear_line_and_an_exit_code(cli, tmp_path, monkeypatch, args, files, message, code):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage:" in result.stderr
    assert result.stdout == ""


def test_a_failed_run_leaves_no_output_file(cli, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    assert cli("query", "-e", "SELECT nonsense", "-o", str(target)).exit_code == 1
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_installed_entry_point_works_from_any_directory(tmp_path):
    executable = shutil.which("cspo-graph") or os.path.join(os.path.dirname(sys.executable), "cspo-graph")
    assert os.path.exists(executable), "cspo-graph is not installed (pip install -e .)"
    done = subprocess.run(
        [executable, "query", "queries/founders.rq", "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [row.split(",")[0] for row in done.stdout.splitlines()[1:]] == FOUNDERS
    bad = subprocess.run([executable, "query", "-e", "SELECT {"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_written_files_get_the_usual_permissions(cli, tmp_path):
    target = tmp_path / "founders.csv"
    cli("query", "founders", "-f", "csv", "-o", str(target))
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
