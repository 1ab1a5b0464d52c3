"""cspo-graph export: round trips, independent parsers, per-source graphs."""

from __future__ import annotations

import json
import shutil
import subprocess

import pyoxigraph
import pytest
import rdflib
from conftest import require
from rdflib.compare import isomorphic

from cspo_graph.provenance.sources import SOURCE_GRAPH_BASE
from cspo_graph.rdf.export import CONTEXT_FILE, export_dataset, jsonld_context, union_graph
from cspo_graph.rdf.formats import Carries, carrying
from cspo_graph.rdf.parsing import GRAPH_BASE

CSPO = rdflib.Namespace("https://w3id.org/cspo-graph/ns#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
FORMATS = {f.name: f for f in carrying(Carries.RDF)}
RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "rdfxml": "rdfxml", "nq": "nquads", "trig": "trig"}
DOW = SOURCE_GRAPH_BASE + "DoWPressRelease"
DALLAS = SOURCE_GRAPH_BASE + "DallasExpressArticle"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, dataset):
    """Every format, written by the CLI: format name -> path."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    folder = tmp_path_factory.mktemp("export")
    paths = {}
    for name, fmt in FORMATS.items():
        path = folder / f"cspo{fmt.extensions[0]}"
        result = CliRunner().invoke(main, ["export", "-o", str(path)])
        assert result.exit_code == 0, result.output
        paths[name] = path
    return paths


def named_graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.parametrize("name", list(FORMATS))
def test_round_trip_is_isomorphic_and_pyoxigraph_counts_the_same(name, exported, dataset):
    fmt = FORMATS[name]
    path = exported[name]
    if fmt.quads:
        expected = named_graphs(export_dataset(dataset))
        back = rdflib.Dataset()
        back.parse(path, format=fmt.rdflib)
        got = named_graphs(back)
        assert sorted(got) == sorted(expected)
        for graph_name, graph in expected.items():
            assert isomorphic(got[graph_name], graph), graph_name
        size = sum(len(g) for g in expected.values())
    else:
        expected_graph = union_graph(dataset)
        back = rdflib.Graph().parse(path, format=fmt.rdflib)
        assert isomorphic(back, expected_graph)
        size = len(expected_graph)
    assert size > 1000
    parsed = list(pyoxigraph.parse(path=path, format=fmt.oxigraph_format()))
    assert len(parsed) == size


@pytest.mark.parametrize("name", list(RAPPER_SYNTAX))
def test_rapper_validates(name, exported, dataset):
    require(shutil.which("rapper") is not None, "rapper (raptor2-utils) is not installed")
    run = subprocess.run(
        ["rapper", "-i", RAPPER_SYNTAX[name], "-c", str(exported[name])], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    size = sum(len(g) for g in export_dataset(dataset).graphs()) if FORMATS[name].quads else len(union_graph(dataset))
    assert f"Parsing returned {size} triples" in run.stderr


def test_quad_formats_hold_the_graphs_of_the_data_as_loaded(dataset):
    graphs = named_graphs(export_dataset(dataset))
    assert sorted(graphs) == sorted(
        GRAPH_BASE + n
        for n in ("ontology", "links", "curation", "sources", "source/DoWPressRelease", "source/DallasExpressArticle")
    )
    for name, graph in graphs.items():
        assert isomorphic(graph, dataset.graph(rdflib.URIRef(name))), name


def test_a_source_graph_holds_exactly_what_that_source_states(dataset):
    graphs = named_graphs(export_dataset(dataset))
    dow, dallas = graphs[DOW], graphs[DALLAS]
    # Only the press release names the acting capacity; only the article the "performing the duties" one.
    assert (CSPO.BroseAsActingAssistantSecretary, CSPO.capacity, CSPO.Acting) in dow
    assert (CSPO.BroseAsActingAssistantSecretary, None, None) not in dallas
    assert (CSPO.BrosePerformingDutiesOfAssistantSecretary, CSPO.capacity, CSPO.PerformingTheDuties) in dallas
    assert (CSPO.BrosePerformingDutiesOfAssistantSecretary, None, None) not in dow
    # Each wording is in the graph of its one source, with its text.
    assert (CSPO.ArticleOnBrose, CSPO.text, None) in dallas and (CSPO.ArticleOnBrose, None, None) not in dow
    assert (CSPO.PressReleaseOnBrose, CSPO.text, None) in dow
    # A fact both sources state is in both, each citing only its own source.
    for graph, source, other in (
        (dow, CSPO.DoWPressRelease, CSPO.DallasExpressArticle),
        (dallas, CSPO.DallasExpressArticle, CSPO.DoWPressRelease),
    ):
        assert (CSPO.CSpOMeeting, PROV.wasDerivedFrom, source) in graph
        assert (None, PROV.wasDerivedFrom, other) not in graph
    # Facts only the article gives (the membership years) are not in the press release's graph.
    assert (CSPO.FranceMembershipPeriod, CSPO.startYear, None) in dallas
    assert (CSPO.FranceMembershipPeriod, None, None) not in dow
    # Identifiers added for linking and the curators' labels are never presented as something a source states.
    for graph in (dow, dallas):
        assert (None, rdflib.OWL.sameAs, None) not in graph
        assert (None, CSPO.iso3166Alpha3, None) not in graph
        assert (CSPO.CSpOMeeting, rdflib.RDFS.label, None) not in graph


def test_graph_query_answers_what_a_source_says(exported):
    store = pyoxigraph.Store()
    store.load(path=exported["trig"], format=pyoxigraph.RdfFormat.TRIG)
    query = f"""SELECT ?quote WHERE {{ GRAPH <{DOW}> {{ ?statement <{CSPO.quote}> ?quote }} }}"""
    quotes = {solution["quote"].value for solution in store.query(query)}
    assert len(quotes) == 4 and any(q.startswith("Our opponents are moving") for q in quotes)


def test_links_are_marked_as_added_for_linking(dataset):
    links = dataset.graph(rdflib.URIRef(GRAPH_BASE + "links"))
    graph_node = rdflib.URIRef(GRAPH_BASE + "links")
    assert (
        "None of these statements comes from the source documents" in str(links.value(graph_node, rdflib.RDFS.comment))
        and (graph_node, PROV.wasDerivedFrom, None) not in links
        and (graph_node, rdflib.RDF.type, CSPO.CurationGraph) in links
    )
    codes = {str(s).rsplit("#", 1)[1]: str(o) for s, o in links.subject_objects(CSPO.iso3166Alpha3)}
    assert codes == {
        "Australia": "AUS",
        "Canada": "CAN",
        "France": "FRA",
        "Germany": "DEU",
        "Italy": "ITA",
        "Japan": "JPN",
        "NewZealand": "NZL",
        "Norway": "NOR",
        "UnitedKingdom": "GBR",
        "UnitedStates": "USA",
    }
    nations = set(dataset.subjects(rdflib.RDF.type, CSPO.Nation))
    same_as = dict(links.subject_objects(rdflib.OWL.sameAs))
    assert nations <= set(same_as) and all(
        str(o).startswith("http://www.wikidata.org/entity/Q") for o in same_as.values()
    )
    assert same_as[CSPO.UnitedStates] == rdflib.URIRef("http://www.wikidata.org/entity/Q30")


def test_jsonld_uses_the_shipped_context_inline(exported):
    document = json.loads(exported["jsonld"].read_text())
    assert CONTEXT_FILE.parent.name == "rdf" and CONTEXT_FILE.is_file()
    assert document["@context"] == jsonld_context()  # embedded, never a URL to fetch
    release = next(g for g in document["graph"] if g["id"] == DOW)
    brose = next(node for node in release["graph"] if node["id"] == "cspo:BroseAsActingAssistantSecretary")
    assert brose["holder"] == "cspo:RobertBrose" and brose["capacity"] == "cspo:Acting"
    curation = next(g for g in document["graph"] if g["id"] == GRAPH_BASE + "curation")
    brose = next(node for node in curation["graph"] if node["id"] == "cspo:BroseAsActingAssistantSecretary")
    assert brose["label"] == "Robert Brose, Acting Assistant Secretary of War for Space Policy"


def test_format_from_extension_and_clear_errors(cli, tmp_path):
    out = tmp_path / "cspo.nt"
    assert cli("export", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("<") and out.read_text().count("\n") == len(out.read_text().splitlines())
    bad = cli("export", "-o", str(tmp_path / "cspo.docx"))
    assert bad.exit_code == 2 and "unknown RDF format for extension '.docx'" in bad.output
    assert not (tmp_path / "cspo.docx").exists()
    stdout = cli("export", "--format", "ttl")
    assert stdout.exit_code == 0 and "cspo:Australia" in stdout.output
    missing = cli("export", "--data", str(tmp_path / "missing.ttl"))
    assert missing.exit_code == 1 and "missing.ttl: no such file" in missing.output
