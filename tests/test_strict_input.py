"""Strict input: every bad file or query is one located line, exit 1; deep nesting included."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cspo_graph.query.sparql import MAX_NESTING, MAX_UNIONS
from cspo_graph.stores.local import LAYOUT

ASK = "ASK { ?s ?p ?o }"


def located(cli, tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = cli("query", "-e", ASK, "--data", str(path))
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    return result.output.removeprefix("Error: ").removeprefix(str(path)).rstrip("\n")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("space.ttl", "<https://a/s> <https://a/p> <https://a/o o> .\n", ":1:29: Invalid IRI code point ' '"),
        (
            "braces.ttl",
            "@prefix a: <https://a/> .\na:s a:p <https://a/{x}> .\n",
            ":2:9: Invalid IRI code point '{'",
        ),
        (
            "escape.ttl",
            '<https://a/s> <https://a/p> "bad \\q" .\n',
            ":1:34: Unexpected escape character '\\q'",
        ),
        (
            "uescape.ttl",
            '<https://a/s> <https://a/p> "\\uZZZZ" .\n',
            ":1:32: The escape sequence '\\uZZZZ' is not a valid hexadecimal string",
        ),
        (
            "literal-subject.ttl",
            '"lit" <https://a/p> <https://a/o> .\n',
            ':1:1: "lit" is not a valid subject or graph name',
        ),
        ("prefix.ttl", "x:s x:p x:o .\n", ":1:1: The prefix x: has not been declared"),
        ("unterminated.ttl", '<https://a/s> <https://a/p> "open .\n', ":1:29: Unexpected end of file"),
        ("relative.nt", "<https://a/s> <https://a/p> <rel> .\n", ":1:29: No scheme found in an absolute IRI"),
        ("bad.trig", "<https://a/g> { <https://a/s> <https://a/p> }\n", ":1:45:"),
        (
            "bad.jsonld",
            '{"@id": "https://a/s",\n "https://a/p": [1, }',
            ":2:21: Unexpected closing curly bracket",
        ),
        (
            "bad.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n</rdf:Description>',
            ":3:3: XML error: mismatched tag",
        ),
        ("junk.ttl", b"\xff\xfe\x00\x81 junk", ":1:1: Invalid UTF-8 character encoding"),
        ("nul.ttl", b"\x00\x01", ":1:1: '\\x00' is not allowed at the beginning of a prefix name"),
    ],
)
def test_bad_rdf_is_one_located_line(cli, tmp_path, name, content, expected):
    assert located(cli, tmp_path, name, content).startswith(expected)


def test_files_that_are_not_there_or_not_rdf(cli, tmp_path):
    result = cli("query", "-e", ASK, "--data", str(tmp_path / "missing.ttl"))
    assert result.output == f"Error: {tmp_path / 'missing.ttl'}: no such file\n"
    result = cli("query", "-e", ASK, "--data", str(tmp_path))
    assert result.exit_code == 1
    (tmp_path / "notes.txt").write_text("hello")
    result = cli("query", "-e", ASK, "--data", str(tmp_path / "notes.txt"))
    assert result.exit_code == 1
    assert "unknown RDF format for extension '.txt'" in result.output


def test_empty_files_are_empty_graphs(cli, tmp_path):
    for name in ("empty.ttl", "empty.nt", "empty.nq", "empty.trig"):
        (tmp_path / name).write_text("")
        result = cli("query", "-e", ASK, "--data", str(tmp_path / name))
        assert (result.exit_code, result.output) == (0, "false\n")


def test_deep_turtle_nesting_loads_and_deep_output_is_a_clear_error(cli, tmp_path):
    depth = 20000
    blank = tmp_path / "blank.ttl"
    blank.write_text("<https://a/s> <https://a/p> " + "[ <https://a/p> " * depth + "1" + " ]" * depth + " .")
    listed = tmp_path / "list.ttl"
    listed.write_text("<https://a/s> <https://a/p> " + "( " * depth + "1" + " )" * depth + " .")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert cli("query", "-e", count, "--data", str(blank), "-f", "csv").output.splitlines() == ["n", "20001"]
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    result = cli("query", "-e", everything, "--data", str(listed), "--format", "ttl")
    assert result.exit_code == 1
    assert result.output == "Error: the result is nested too deeply to write as Turtle; --format nt writes it\n"
    result = cli("query", "-e", everything, "--data", str(listed), "--format", "nt")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 2 * depth + 1


def test_deep_json_and_xml_nesting_are_refused(cli, tmp_path):
    depth = 70000
    message = located(cli, tmp_path, "deep.jsonld", '{"https://a/p": ' * depth + "1" + "}" * depth)
    assert message.startswith(":1:") and "Max stack size" in message
    xml = (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:a="https://a/"><rdf:Description rdf:about="https://a/s">'
        + "<a:p><rdf:Description>" * 600
        + "</rdf:Description></a:p>" * 600
        + "</rdf:Description></rdf:RDF>"
    )
    assert located(cli, tmp_path, "deep.rdf", xml).endswith("XML elements nested more than 1000 deep are refused")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE " + "{ SELECT * WHERE " * 2000 + "{ ?s ?p ?o }" + " }" * 2000,
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 5000 + "?o" + " ]" * 5000 + " }",
        "SELECT * WHERE { ?s ?p " + "( " * 5000 + "?o" + " )" * 5000 + " }",
    ],
    ids=["groups", "parentheses", "subqueries", "blank nodes", "collections"],
)
def test_deep_sparql_nesting_is_a_clear_error(cli, text):
    result = cli("query", "-e", text)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: <expression>: SPARQL error: the query is nested too deeply (the limits are {MAX_NESTING} "
        f"levels of brackets and {MAX_UNIONS} UNIONs)\n"
    )


def test_sparql_syntax_errors_are_located(cli, tmp_path):
    query = tmp_path / "bad.rq"
    query.write_text("# Bad\n# a broken query\nSELECT ?s WHERE {\n  ?s ?p \n}\n")
    result = cli("query", str(query))
    assert result.exit_code == 1
    assert result.output == f"Error: {query}:4:3: SPARQL syntax error: Expected SelectQuery, found '?'\n"
    result = cli("query", "-e", "SELECT ?x WHERE { ?x a nope:Thing }")
    assert result.output == "Error: <expression>: SPARQL error: Unknown namespace prefix : nope\n"


def test_updates_are_refused(cli):
    for update in ("DROP ALL", "INSERT DATA { <https://a/s> <https://a/p> 1 }", "CLEAR DEFAULT"):
        result = cli("query", "-e", update)
        assert result.exit_code == 1
        assert result.output == "Error: <expression>: SPARQL Update is refused: cspo-graph query is read-only\n"


def test_control_characters_in_messages_are_escaped(cli, tmp_path):
    message = located(cli, tmp_path, "bell.ttl", "\x07")
    assert "\x07" not in message and "\\x07" in message


OLD_CLAIMS = """\
PREFIX cspo: <https://w3id.org/cspo-graph/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <ttp://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?kind ?claim ?claimants ?sources
WHERE {
  {
    SELECT ?claimNode ?kind ?claim (GROUP_CONCAT(DISTINCT ?sourceLabel; separator="; ") AS ?sources)
    WHERE {
      ?claimNode a ?type ;
          rdfs:label ?claim ;
          prov:wasDerivedFrom ?source .
      ?type rdfs:subClassOf* cspo:Claim ;
          rdfs:label ?kind .
      ?source rdfs:label ?sourceLabel .
    }
    GROUP BY ?claimNode ?kind ?claim
  }
  OPTIONAL {
    SELECT ?claimNode (GROUP_CONCAT(DISTINCT ?claimantName; separator="; ") AS ?claimants)
    WHERE {
      ?claimNode cspo:claimant ?claimant .
      ?claimant rdfs:label ?claimantName .
    }
    GROUP BY ?claimNode
  }
}
ORDER BY STR(?kind) STR(?claim)
"""


def test_queries_rdflib_cannot_evaluate_are_one_line(cli, tmp_path):
    """Two rdflib bugs found by the fuzz test: each ends as one line naming the query, exit 1."""
    distinct = "SELECT (GROUP_CONCAT(DISTINCT ?x) AS ?y) WHERE { ?s a cspo:Nation OPTIONAL { ?s cspo:nope ?x } }"
    result = cli("query", "-e", distinct)
    assert result.exit_code == 1
    assert result.output == "Error: <expression>: rdflib could not evaluate the query: Variable x is not bound\n"
    claims = tmp_path / "claims.rq"  # the claims query of 0.1 with a misspelt prov: namespace, so nothing matches
    claims.write_text(OLD_CLAIMS)
    result = cli("query", str(claims))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {claims}: rdflib could not evaluate the query "
        "(TypeError: '<' not supported between instances of 'NoneType' and 'NoneType')\n"
    )


# ---- designed messages for what used to be "unexpected ..."


def run_cli(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """``cspo-graph ARGS...`` in a process of its own (for what standard output is)."""
    command = [sys.executable, "-m", "cspo_graph", *args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)


def test_a_symlink_loop_on_an_input_path(cli, tmp_path):
    loop = tmp_path / "loop.ttl"
    loop.symlink_to("loop.ttl")
    for args in (["query", "founders", "--data", str(loop)], ["load", str(loop), "--store", str(tmp_path / "st")]):
        result = cli(*args)
        assert (result.exit_code, result.output) == (1, f"Error: {loop}: a symlink loop\n"), args
    assert not (tmp_path / "st").exists()


@pytest.fixture
def read_only_store():
    """A store on a read-only mount (as root; else a store without write bits), in a folder of its own
    outside pytest's, which other test sessions clean up."""
    folder = Path(tempfile.mkdtemp(prefix="cspo-read-only-"))
    store, mounted = folder / "st", folder / "ro"
    assert run_cli("load", "builtin", "--store", str(store)).returncode == 0
    bound = False
    try:
        if os.geteuid() == 0:
            mounted.mkdir()
            subprocess.run(["mount", "--bind", str(store), str(mounted)], check=True)
            bound = True
            subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], check=True)
            yield mounted
        else:
            store.chmod(0o555)
            yield store
    finally:
        if bound:
            subprocess.run(["umount", "--lazy", str(mounted)], check=True)  # the query's workers may hold it
        store.chmod(0o755)
        shutil.rmtree(folder)


def test_a_read_only_store_answers_and_refuses_a_load_in_one_line(cli, read_only_store):
    store = read_only_store
    assert cli("query", "founders", "--store", str(store), "-f", "csv").output.startswith("nation,")
    result = cli("load", "builtin", "--store", str(store))
    assert result.exit_code == 1
    reason = r"its lock file is not writable \((Read-only file system|Permission denied)\)"
    assert re.fullmatch(rf"Error: {store}: cannot load into this store: {reason}\n", result.output), result.output


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{", "unreadable store manifest (not JSON)"),
        ("[1]", f"store layout None is not {LAYOUT}"),
        (f'{{"layout": {LAYOUT}}}', "corrupt store manifest (KeyError: 'generation')"),
        (f'{{"layout": {LAYOUT}, "generation": "x", "graphs": {{}}, "quads": 0, "union": true}}', "corrupt store"),
        (
            f'{{"layout": {LAYOUT}, "generation": 7, "graphs": {{}}, "quads": 0, "union": true}}',
            "generation 7 is missing",
        ),
    ],
)
def test_a_corrupt_store_manifest(cli, tmp_path, manifest, message):
    store = tmp_path / "st"
    assert cli("load", "builtin", "--store", str(store)).exit_code == 0
    (store / "cspo-graph-store.json").write_text(manifest)
    for args in (["query", "founders", "--store", str(store)], ["load", "builtin", "--store", str(store)]):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert len(result.output.splitlines()) == 1 and message in result.output, result.output
        again = f"remove the folder and load the files again (cspo-graph load FILE... --store {store})\n"
        assert result.output.endswith(again)


@pytest.mark.parametrize("command", [["query", "founders"], ["export"], ["queries"], ["graph", "-"]])
def test_standard_output_on_a_full_disk(command):
    with open("/dev/full", "w") as full:
        result = run_cli(*command, stdout=full)
    assert result.stderr == "Error: cannot write to standard output: No space left on device\n"
    assert result.returncode == 1


def test_standard_output_closed_by_its_reader_is_a_quiet_exit():
    command = [sys.executable, "-m", "cspo_graph", "query", "-e", "SELECT * { ?s ?p ?o }", "-f", "csv"]
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before anything is written
    process = subprocess.run(command, stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(writer)
    assert (process.returncode, process.stderr) == (1, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--host", "999.1.1.1"], "--host '999.1.1.1': give an IP address of this machine"),
        (["serve", "--host", "myhost.example"], "--host 'myhost.example': give an IP address of this machine"),
        (["query", "-e", "ASK {}", "--endpoint", "http://[::1"], "--endpoint 'http://[::1': not a URL"),
    ],
)
def test_addresses_that_are_not_one_are_usage_errors(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {message}") and len(result.output.splitlines()) == 1
