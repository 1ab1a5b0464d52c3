"""check-grounding: the shipped data is grounded in the shipped texts; a planted leak of each kind is caught."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import FOAF, RDFS, SKOS, XSD, Literal, URIRef

from cspo_graph.provenance.grounding import check_grounding, stands_in, textual_form
from tests.graphs import ARTICLE, CSPO, CURATION, DCTERMS, PROV, RELEASE, SCHEMA, SOURCES_GRAPH, TIME

WHITING = (
    "Our opponents are moving at jaw-dropping speed, and we must match that pace with integrated coalition "
    "capabilities that deter aggression and defend our interests"
)


def test_the_shipped_data_is_grounded(cli):
    result = cli("check-grounding")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "grounded: all 160 literals of 2 source graphs stand in their texts; "
        "all 110 triples of 2 curation graphs carry a judgement\n"
    )


def test_the_json_report(cli):
    body = json.loads(cli("check-grounding", "--format", "json").output)
    assert body == {
        "grounded": True,
        "checked": {"literals": 160, "source_graphs": 2, "curated_triples": 110, "curation_graphs": 2},
        "findings": [],
    }


@pytest.fixture(scope="module")
def shipped_trig(dataset) -> str:
    """The built-in graphs (ontology, sources, curation, links) as one TriG text."""
    from cspo_graph.rdf.export import export_dataset

    return export_dataset(dataset).serialize(format="trig")


def add(graph, *triples):
    return lambda ds: [ds.graph(graph).add(t) for t in triples]


def remove(graph, *triples):
    return lambda ds: [ds.graph(graph).remove(t) for t in triples]


def replace(graph, old, new):
    return lambda ds: (ds.graph(graph).remove(old), ds.graph(graph).add(new))


LEAKS = {
    "a year in the wrong source graph": (
        add(RELEASE, (CSPO.CSpO, SCHEMA.foundingDate, Literal("2018", datatype=XSD.gYear))),
        'cspo:CSpO schema:foundingDate "2018"^^xsd:gYear: not in the text',
    ),
    "an alternative name": (
        add(RELEASE, (CSPO.FrenchSpaceCommand, SKOS.altLabel, Literal("CDE", lang="en"))),
        'cspo:FrenchSpaceCommand skos:altLabel "CDE"@en: not in the text',
    ),
    "a place name": (
        add(
            RELEASE,
            (CSPO.Toulouse, RDFS.label, Literal("Toulouse", lang="en")),
            (CSPO.Toulouse, PROV.wasDerivedFrom, CSPO.DoWPressRelease),
        ),
        'cspo:Toulouse rdfs:label "Toulouse"@en: not in the text',
    ),
    "a changed quote": (
        replace(
            ARTICLE,
            (CSPO.WhitingOnOpponentsSpeed, CSPO.quote, Literal(WHITING, lang="en")),
            (CSPO.WhitingOnOpponentsSpeed, CSPO.quote, Literal(WHITING.replace("jaw-dropping", "record"), lang="en")),
        ),
        'closest: "Our opponents are moving at jaw-dropping speed,',
    ),
    "an unmarked label of the curators": (
        add(CURATION, (CSPO.NewThing, RDFS.label, Literal("A thing the curators named", lang="en"))),
        'cspo:NewThing rdfs:label "A thing the curators named"@en: no judgement covers it (cspo:judgementOn '
        "cspo:NewThing, cspo:judgedProperty rdfs:label)",
    ),
    "a curators' label in a source graph": (
        add(RELEASE, (CSPO.AustraliaDelegation, RDFS.label, Literal("Australian delegation", lang="en"))),
        'cspo:AustraliaDelegation rdfs:label "Australian delegation"@en: not in the text',
    ),
    "a date": (
        replace(
            ARTICLE,
            (CSPO.December5YearNotGiven, TIME.day, Literal("---05", datatype=XSD.gDay)),
            (CSPO.December5YearNotGiven, TIME.day, Literal("---06", datatype=XSD.gDay)),
        ),
        'cspo:December5YearNotGiven time:day "---06"^^xsd:gDay: not in the text',
        2,  # the month and the day: "December 6" is not in the text
    ),
    "a title": (
        add(ARTICLE, (CSPO.DallasExpressArticle, DCTERMS.title, Literal("Allies meet near Toulouse", lang="en"))),
        'cspo:DallasExpressArticle dcterms:title "Allies meet near Toulouse"@en: not in the text',
    ),
    "a name": (
        add(
            ARTICLE,
            (CSPO.PeteHegseth, FOAF.name, Literal("Pete Hegseth")),
            (CSPO.PeteHegseth, PROV.wasDerivedFrom, CSPO.DallasExpressArticle),
        ),
        'cspo:PeteHegseth foaf:name "Pete Hegseth": not in the text',
    ),
    "a hedge": (
        add(ARTICLE, (CSPO.HedgedClearMessage, CSPO.hedge, Literal("allegedly", lang="en"))),
        'cspo:HedgedClearMessage cspo:hedge "allegedly"@en: not in the text',
    ),
    "a verb": (
        add(RELEASE, (CSPO.RiskOrbitalDebris, CSPO.verb, Literal("warned about", lang="en"))),
        'cspo:RiskOrbitalDebris cspo:verb "warned about"@en: not in the text',
    ),
    "a citation of the other source": (
        add(RELEASE, (CSPO.CSpO, PROV.wasDerivedFrom, CSPO.DallasExpressArticle)),
        "cspo:CSpO prov:wasDerivedFrom cspo:DallasExpressArticle: cites another source in the graph of "
        "cspo:DoWPressRelease",
    ),
    "a missing citation": (
        remove(ARTICLE, (CSPO.Toulouse, PROV.wasDerivedFrom, CSPO.DallasExpressArticle)),
        "cspo:Toulouse prov:wasDerivedFrom cspo:DallasExpressArticle: missing: a resource this graph describes "
        "cites its source here",
    ),
    "a judgement that no longer covers its triple": (
        remove(CURATION, (CSPO.PressReleaseJudgement, CSPO.judgedProperty, rdflib.RDF.type)),
        "cspo:DoWPressRelease rdf:type cspo:PressRelease: no judgement covers it",
    ),
    "a fact in the graph of the sources": (
        add(SOURCES_GRAPH, (CSPO.CSpO, SCHEMA.foundingDate, Literal("2018", datatype=XSD.gYear))),
        'cspo:CSpO schema:foundingDate "2018"^^xsd:gYear: the sources graph describes only source documents and graphs',
    ),
    "a graph nothing attributes": (
        add(URIRef("https://example.org/elsewhere"), (CSPO.CSpO, SCHEMA.foundingDate, Literal("2017"))),
        "neither a source graph nor a curation graph: nothing attributes its 1 triples",
    ),
}


@pytest.mark.parametrize("kind", list(LEAKS))
def test_a_planted_leak_is_caught(cli, shipped_trig, tmp_path, kind):
    plant, expected, *count = LEAKS[kind]
    copy = rdflib.Dataset()
    copy.parse(data=shipped_trig, format="trig")
    plant(copy)
    path = tmp_path / "leaky.trig"
    copy.serialize(path, format="trig")
    result = cli("check-grounding", "--data", str(path))
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert result.output.splitlines()[-1].startswith(f"{count[0] if count else 1} problems:"), result.output


def test_a_missing_text_is_reported_once_per_graph(cli, tmp_path):
    result = cli("check-grounding", "--sources", str(tmp_path))
    assert result.exit_code == 1
    assert f"  no file '000_a2b84200eeeb1a55.txt' in {tmp_path}: its literals are not checked" in result.output
    assert result.output.splitlines()[-1].startswith("2 problems:")


def test_dates_are_looked_up_as_the_text_writes_them():
    graph = rdflib.Graph()
    day = CSPO.Day
    graph.add((day, TIME.month, Literal("--12", datatype=XSD.gMonth)))
    graph.add((day, TIME.day, Literal("---05", datatype=XSD.gDay)))
    assert textual_form(graph, day, Literal("---05", datatype=XSD.gDay)) == "December 5"
    assert textual_form(graph, day, Literal("2018", datatype=XSD.gYear)) == "2018"
    assert textual_form(graph, day, Literal(True)) is None


def test_a_phrase_stands_in_the_text_only_as_whole_words():
    assert stands_in("U.S.", "the U.S. delegation")
    assert stands_in("\u201cinterstellar allies\u201d", 'closest "interstellar allies" recently')
    assert not stands_in("UK", "UKRAINE")
    assert not stands_in("new", "renewed")


def test_the_api_reads_the_shipped_texts_by_default():
    report = check_grounding()
    assert report.grounded and report.source_graphs == 2 and report.literals == 160
