"""``cspo-graph load`` and ``--store`` on the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

FOUNDERS = ["Australia", "Canada", "New Zealand", "United Kingdom", "United States"]


@pytest.fixture
def store(cli, tmp_path):
    folder = tmp_path / "store"
    result = cli("load", "builtin", "--store", str(folder))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"{folder}: loaded \d files in [\d.]+ s; the store holds \d+ triples in \d graphs\n", result.stdout
    )
    return str(folder)


def test_query_from_the_store_prints_what_the_default_path_prints(cli, store):
    for args in (["founders"], ["members", "-f", "csv"], ["posts", "-p", "person=cspo:RobertBrose", "-f", "tsv"]):
        assert cli("query", *args, "--store", store).stdout == cli("query", *args).stdout


def test_every_output_format_works_from_the_store(cli, store):
    body = json.loads(cli("query", "founders", "--store", store, "-f", "json").stdout)
    assert [row["nation"]["value"] for row in body["results"]["bindings"]] == FOUNDERS
    table = list(csv.reader(io.StringIO(cli("query", "founders", "--store", store, "-f", "csv").stdout)))
    assert [row[0] for row in table[1:]] == FOUNDERS
    root = ET.fromstring(cli("query", "founders", "--store", store, "-f", "xml").stdout)
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 5
    assert cli("query", "-e", "ASK { cspo:Norway a cspo:Nation }", "--store", store).stdout == "true\n"
    construct = "CONSTRUCT { ?n a cspo:Nation } WHERE { ?n a cspo:Nation }"
    assert len(cli("query", "-e", construct, "--store", store, "-f", "nt").stdout.splitlines()) == 10
    assert "cspo:Norway" in cli("query", "-e", construct, "--store", store).stdout


def test_a_second_load_adds_a_file_to_the_store(cli, store, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix cspo: <https://w3id.org/cspo-graph/ns#> .\ncspo:Atlantis a cspo:Nation .\n")
    assert cli("load", str(extra), "--store", store).exit_code == 0
    count = "SELECT (COUNT(?n) AS ?c) WHERE { ?n a cspo:Nation }"
    assert cli("query", "-e", count, "--store", store, "-f", "csv").stdout.splitlines()[1] == "11"


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["query", "founders", "--store", "{store}", "--data", "builtin"], "exclude each other", 2),
        (["query", "-e", "INSERT DATA { <a> <b> <c> }", "--store", "{store}"], "SPARQL Update is refused", 1),
        (
            ["query", "-e", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--store", "{store}"],
            "SERVICE",
            1,
        ),
        (["query", "bad.rq", "--store", "{store}"], "bad.rq:1:19: SPARQL syntax error", 1),
        (["query", "founders", "--store", "{store}", "-p", "zzz=1"], "no variable ?zzz", 2),
        (["query", "founders", "--store", "nowhere"], "nowhere: not a cspo-graph store", 1),
        (["load", "bad.ttl", "--store", "{store}"], "bad.ttl:3:7: Invalid IRI", 1),
        (["load", "missing.ttl", "--store", "{store}"], "missing.ttl: no such file", 1),
        (["load", "x.foo", "--store", "{store}"], "unknown RDF format", 1),
        (["load", "--store", "{store}"], "Missing argument", 2),
        (["load", "builtin"], "Missing option '--store'", 2),
    ],
)
def test_bad_input_gives_one_clear_line(cli, store, tmp_path, monkeypatch, args, message, code):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.ttl").write_text("@prefix : <http://x/> .\n:a :b :c .\n:a :b <c d> .\n")
    (tmp_path / "bad.rq").write_text("SELECT ?s WHERE { ?s ?p \n")
    (tmp_path / "x.foo").write_text("<a> <b> <c> .")
    result = cli(*[store if arg == "{store}" else arg for arg in args])
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage:" in result.stderr
    assert result.stdout == ""
    assert cli("query", "founders", "--store", store, "-f", "csv").stdout.count("\n") == 6
