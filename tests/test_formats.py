"""The one format registry: each name means one thing, and every command's --format is what it accepts."""

from __future__ import annotations

import click
import pyoxigraph
import pytest

from cspo_graph.cli import main
from cspo_graph.rdf.formats import FORMATS, OUTPUT_FORMATS, Carries, UnknownFormat, for_path, named, names

SELECT = "SELECT ?n WHERE { ?n a cspo:Nation } LIMIT 2"
CONSTRUCT = "CONSTRUCT { ?n a cspo:Nation } WHERE { ?n a cspo:Nation } LIMIT 2"


def format_choices(command: str) -> list[str]:
    cmd = main.get_command(click.Context(main), command)
    option = next(p for p in cmd.params if p.name == "fmt")
    return list(option.type.choices)


def test_every_name_and_alias_names_one_format():
    spellings = [s for f in FORMATS.values() for s in (f.name, *f.aliases)]
    assert len(spellings) == len(set(spellings))
    assert named("json").title == "SPARQL JSON results" and named("json-ld").name == "jsonld"
    assert named("rdf+xml").name == "rdfxml" and named("turtle").name == "ttl"
    with pytest.raises(UnknownFormat, match="unknown format 'pdf'"):
        named("pdf")


def test_an_extension_is_read_among_the_formats_that_hold_what_is_asked():
    assert for_path("x.json").name == "jsonld"
    assert for_path("x.json", Carries.VIEW).name == "node-link"
    assert for_path("x.xml").name == "rdfxml"
    assert for_path("x.n3").name == "n3"


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_query_takes_each_format_for_exactly_the_results_it_can_hold(cli, fmt):
    assert format_choices("query") == OUTPUT_FORMATS
    select, construct = cli("query", "-e", SELECT, "-f", fmt), cli("query", "-e", CONSTRUCT, "-f", fmt)
    holds_rows, holds_graphs = Carries.RESULTS in FORMATS[fmt].carries, fmt == "table" or fmt in names(Carries.RDF)
    assert (select.exit_code, construct.exit_code) == (0 if holds_rows else 2, 0 if holds_graphs else 2)
    for refused in [r for r, held in ((select, holds_rows), (construct, holds_graphs)) if not held]:
        assert len(refused.output.splitlines()) == 1 and "results; a" in refused.output


def test_commands_that_print_rows_offer_only_row_formats(cli):
    rows = names(Carries.RESULTS)
    for command in ("queries", "analyze"):
        assert format_choices(command) == rows
        for fmt in rows:
            assert cli(command, "-f", fmt).exit_code == 0, (command, fmt)
        assert cli(command, "-f", "ttl").exit_code == 2
        assert "ttl" not in cli(command, "--help").output


@pytest.mark.parametrize("fmt", names(Carries.RDF))
def test_export_writes_each_rdf_format_that_pyoxigraph_reads_back(cli, fmt):
    assert format_choices("export") == names(Carries.RDF)
    result = cli("export", "-f", fmt)
    assert result.exit_code == 0
    assert len(list(pyoxigraph.parse(result.stdout.encode(), FORMATS[fmt].oxigraph_format()))) > 1000


def test_json_is_never_json_ld_nor_node_link(cli):
    refused = cli("query", "-e", CONSTRUCT, "-f", "json")
    assert refused.exit_code == 2 and "format 'json' is for SELECT/ASK results" in refused.output
    assert cli("export", "-f", "json").exit_code == 2
    assert cli("graph", "-", "-f", "json").exit_code == 2


def test_a_notation3_file_loads(cli, tmp_path):
    data = tmp_path / "more.n3"
    data.write_text("@prefix cspo: <https://w3id.org/cspo-graph/ns#> .\ncspo:Atlantis a cspo:Nation .\n")
    result = cli("query", "-e", "SELECT ?n WHERE { ?n a cspo:Nation }", "--data", str(data), "-f", "csv")
    assert result.output.splitlines() == ["n", "https://w3id.org/cspo-graph/ns#Atlantis"]
