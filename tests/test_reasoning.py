"""--reason: queries in FOAF, W3C ORG and PROV-O find CSpO data through the ontology's alignments."""

from __future__ import annotations

import pytest
import rdflib

from cspo_graph.rdf.parsing import load, load_graph
from cspo_graph.rdf.reasoning import INFERRED_GRAPH, entailments, materialize, merge_same_as

PEOPLE = {"Chance Saltzman", "Stephen Whiting", "Robert Brose", "Pete Hegseth"}


def labels(cli, query: str, *options: str) -> set[str]:
    result = cli("query", "-e", query, "--format", "csv", *options)
    assert result.exit_code == 0, result.output
    return set(result.output.splitlines()[1:])


@pytest.mark.parametrize("profile", ["rdfs", "owlrl"])
def test_foaf_people(cli, profile):
    query = "SELECT ?name WHERE { ?p a foaf:Person ; rdfs:label ?name }"
    assert labels(cli, query) == set()
    assert labels(cli, query, "--reason", profile) == PEOPLE


@pytest.mark.parametrize("profile", ["rdfs", "owlrl"])
def test_org_organizations(cli, profile):
    query = "SELECT ?name WHERE { ?o a org:Organization ; rdfs:label ?name }"
    assert labels(cli, query) == set()
    found = labels(cli, query, "--reason", profile)
    # nations, CSpO organizations and delegations are all org:Organization
    assert {"U.S. Space Force", "Combined Space Operations (CSpO) Initiative", "The Dallas Express"} <= found
    assert {"France", "Japan", "U.S. delegation"} <= found
    assert not found & PEOPLE
    assert len(found) == 27


@pytest.mark.parametrize("profile", ["rdfs", "owlrl"])
def test_prov_entities_include_the_sources(cli, profile):
    sources = "SELECT ?name WHERE { ?s a prov:Entity ; a foaf:Document ; rdfs:label ?name }"
    assert labels(cli, sources, "--reason", profile) == {
        "U.S. Department of War press release",
        "The Dallas Express article",
    }
    count = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a prov:Entity }"
    # 84 sourced facts and wordings, 2 sources, their 2 graphs, 2 curation graphs (one of them the links) and
    # 18 judgements of the curators
    assert labels(cli, count, "--reason", profile) == {"108"}


def test_subproperties_are_materialized(cli):
    query = "SELECT ?who WHERE { ?s schema:text ?t ; prov:wasAttributedTo ?p . ?p rdfs:label ?who }"
    assert labels(cli, query, "--reason", "rdfs") == {
        "Chance Saltzman",
        "Stephen Whiting",
        "Robert Brose",
    }


def test_inferred_triples_live_in_their_own_graph():
    dataset = load()
    added = materialize(dataset, "rdfs")
    inferred = dataset.graph(rdflib.URIRef(INFERRED_GRAPH))
    assert added == len(inferred) > 500
    person = rdflib.URIRef("https://w3id.org/cspo-graph/ns#RobertBrose")
    assert (person, rdflib.RDF.type, rdflib.FOAF.Person) in inferred


def test_no_literal_is_mistaken_for_another():
    """owlrl alone copies a person's "Name"@en label to a plain "Name" foaf:name and back."""
    data = load_graph()
    new = entailments(data, "rdfs")
    literal_predicates = {str(p) for _, p, o in new if isinstance(o, rdflib.Literal)}
    assert str(rdflib.RDFS.label) not in literal_predicates
    assert str(rdflib.FOAF.name) not in literal_predicates
    assert not any(isinstance(s, rdflib.Literal) for s, _, _ in new)


def test_an_unknown_profile_is_a_usage_error(cli):
    assert cli("query", "founders", "--reason", "magic").exit_code == 2


def test_same_as_groups_are_merged_under_the_cspo_name():
    graph = rdflib.Graph()
    us, wd, other = (
        rdflib.URIRef(iri) for iri in ("https://w3id.org/cspo-graph/ns#US", "http://wd/Q30", "http://x/us")
    )
    delegation = rdflib.URIRef("https://w3id.org/cspo-graph/ns#Delegation")
    represents = rdflib.URIRef("https://w3id.org/cspo-graph/ns#represents")
    graph.add((wd, rdflib.OWL.sameAs, us))
    graph.add((other, rdflib.OWL.sameAs, wd))
    for node in (us, wd, other):
        graph.add((delegation, represents, node))
    merged = merge_same_as(graph)
    assert set(merged) == {(delegation, represents, us)}
