"""`cspo-graph describe NAME` and the entity description it prints (the serve page shows the same)."""

from __future__ import annotations

import rdflib

from cspo_graph.views.entity import Describer, entity_href

NS = "https://w3id.org/cspo-graph/ns#"
PRESS_RELEASE = "United States joins allies at French headquarters for Combined Space Operations talks"
ARTICLE = "The Dallas Express article (The Dallas Express)"


def test_brose_has_two_capacities_each_with_the_source_that_states_it(dataset):
    description = Describer(dataset).describe("RobertBrose")
    assert description.label == "Robert Brose"
    assert description.classes == ["Person"]
    posts = {item.id: item for heading, items in description.groups if heading == "Posts" for item in items}
    acting = posts[NS + "BroseAsActingAssistantSecretary"]
    duties = posts[NS + "BrosePerformingDutiesOfAssistantSecretary"]
    assert [source.name.split(" (")[0] for source in acting.sources] == [PRESS_RELEASE]
    assert "currently serving as Acting Assistant Secretary of War for Space Policy" in acting.sources[0].wordings[0]
    assert [source.name for source in duties.sources] == [ARTICLE]
    assert "currently performing the duties of" in duties.sources[0].wordings[0]
    capacity = {line.property: line.value for line in acting.statements}
    assert capacity["capacity"] == "acting"
    headings = [heading for heading, _ in description.groups]
    assert headings == ["Posts", "Delegations it leads", "Statements made"]


def test_a_curated_link_names_the_curators_and_their_reason(dataset):
    acting = Describer(dataset).describe("BroseAsActingAssistantSecretary")
    variant = next(line for line in acting.about if line.property == "variant of")
    assert variant.sources[0].name == "The curators' judgement"
    assert "capacities differ" in variant.sources[0].reason


def test_describe_prints_the_statements_and_their_sources(cli):
    result = cli("describe", "RobertBrose")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("Robert Brose\n  https://w3id.org/cspo-graph/ns#RobertBrose\n  a Person\n")
    assert "Robert Brose, Acting Assistant Secretary of War for Space Policy (Post holding)" in text
    assert "Robert Brose, performing the duties of Assistant Secretary of War for Space Policy (Post holding)" in text
    assert f"source: {ARTICLE}" in text
    assert "Just as our military defends our freedom" in text


def test_describe_gives_the_entity_as_rdf(cli):
    result = cli("describe", "cspo:RobertBrose", "--format", "trig")
    assert result.exit_code == 0
    data = rdflib.Dataset().parse(data=result.output, format="trig")
    triple = (rdflib.URIRef(NS + "BrosePerformingDutiesOfAssistantSecretary"), rdflib.URIRef(NS + "holder"),
              rdflib.URIRef(NS + "RobertBrose"))  # fmt: skip
    assert {str(g.identifier) for g in data.graphs(triple)} >= {
        "https://w3id.org/cspo-graph/graph/source/DallasExpressArticle"
    }


def test_an_unknown_name_is_one_line_and_exit_2(cli):
    from click.testing import CliRunner

    from cspo_graph.cli import main

    result = CliRunner().invoke(main, ["describe", "Nobody"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: no entity 'Nobody' in the data (give a local name such as RobertBrose, or an IRI)"
    ]


def test_entity_pages_have_short_paths_in_the_namespace():
    assert entity_href(NS + "RobertBrose") == "/entity/RobertBrose"
    assert (
        entity_href("http://www.wikidata.org/entity/Q30") == "/entity?iri=http%3A%2F%2Fwww.wikidata.org%2Fentity%2FQ30"
    )
