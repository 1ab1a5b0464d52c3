"""The views of the shipped data: their nodes, edges and attributes, the measures, the exports."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from conftest import engine_over

from cspo_graph.cli.graph import VIEW_NAMES
from cspo_graph.errors import InputError, UsageError
from cspo_graph.rdf.formats import FORMATS
from cspo_graph.views import analytics, catalog, formats

CSPO = "https://w3id.org/cspo-graph/ns#"
MEETING = "CSpO meeting at the French Space Command Headquarters near Toulouse"
DOW = "United States joins allies at French headquarters for Combined Space Operations talks (U.S. Department of War)"
DALLAS = "The Dallas Express article (The Dallas Express)"


@pytest.fixture(scope="module")
def built(dataset, engine):
    """Every shipped view of the built-in data, built once."""
    return {name: catalog.build(engine, name) for name in catalog.VIEWS}


def labelled_edges(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(graph.nodes[a]["label"], data["label"], graph.nodes[b]["label"]) for a, b, data in graph.edges(data=True)}


def nodes_of(graph: nx.MultiDiGraph, family: str) -> set[str]:
    return {data["label"] for _, data in graph.nodes(data=True) if data["family"] == family}


def test_the_cli_offers_exactly_the_shipped_views():
    assert tuple(catalog.VIEWS) == VIEW_NAMES
    assert catalog.DEFAULT_VIEW in catalog.VIEWS


def test_representation_links_people_to_posts_organizations_nations_and_delegations(built):
    graph = built["representation"]
    delegations = {
        ("Australian delegation", "Australia"),
        ("Canadian delegation", "Canada"),
        ("French delegation", "France"),
        ("German delegation", "Germany"),
        ("Italian delegation", "Italy"),
        ("Japanese delegation", "Japan"),
        ("New Zealand delegation", "New Zealand"),
        ("Norwegian delegation", "Norway"),
        ("UK delegation", "United Kingdom"),
        ("U.S. delegation", "United States"),
    }
    assert labelled_edges(graph) == {
        ("Chance Saltzman", "holds the post", "Chief of Space Operations, U.S. Space Force"),
        ("Stephen Whiting", "holds the post", "Commander, U.S. Space Command"),
        ("Stephen Whiting", "holds the post", "Commander, Multinational Force Operation Olympic Defender"),
        ("Robert Brose", "holds the post", "Deputy Assistant Secretary of War for Space and Missile Defense"),
        ("Robert Brose", "acting", "Assistant Secretary of War for Space Policy"),
        ("Robert Brose", "performing the duties of", "Assistant Secretary of War for Space Policy"),
        ("Pete Hegseth", "holds the post", "Secretary of War"),
        ("Chief of Space Operations, U.S. Space Force", "post in", "U.S. Space Force"),
        ("Commander, U.S. Space Command", "post in", "U.S. Space Command"),
        (
            "Commander, Multinational Force Operation Olympic Defender",
            "post in",
            "Multinational Force Operation Olympic Defender",
        ),
        (
            "Deputy Assistant Secretary of War for Space and Missile Defense",
            "post in",
            "U.S. Department of War",
        ),
        ("Assistant Secretary of War for Space Policy", "post in", "U.S. Department of War"),
        ("Secretary of War", "post in", "U.S. Department of War"),
        ("U.S. Space Force", "nation", "United States"),
        ("U.S. Space Command", "nation", "United States"),
        ("U.S. Department of War", "nation", "United States"),
        ("U.S. delegation", "led by", "Chance Saltzman"),
        ("U.S. delegation", "led by", "Stephen Whiting"),
        ("U.S. delegation", "led by", "Robert Brose"),
        *((delegation, "represents", nation) for delegation, nation in delegations),
        *((delegation, "attended", MEETING) for delegation, _ in delegations),
    }
    assert graph.number_of_edges() == 39  # Brose's two holdings of one post are two edges
    saltzman, space_force, usa = (CSPO + name for name in ("ChanceSaltzman", "USSpaceForce", "UnitedStates"))
    path = nx.shortest_path(graph, saltzman, usa)
    assert path == [saltzman, CSPO + "ChiefOfSpaceOperations", space_force, usa]
    assert nodes_of(graph, "Person") == {"Chance Saltzman", "Stephen Whiting", "Robert Brose", "Pete Hegseth"}
    assert not nodes_of(graph, "Post holding")


def test_statements_link_speakers_meetings_and_sources(built):
    graph = built["statements"]
    statements = {
        "Chance Saltzman on building a coalition": "Chance Saltzman",
        "Chance Saltzman on what it takes to be effective": "Chance Saltzman",
        "Robert Brose on defending interests in space": "Robert Brose",
        "Stephen Whiting on the speed of opponents": "Stephen Whiting",
    }
    sources = ("The Dallas Express article", "U.S. Department of War press release")
    assert labelled_edges(graph) == {
        *((statement, "speaker", speaker) for statement, speaker in statements.items()),
        *((statement, "at meeting", MEETING) for statement in statements),
        *((statement, "source", source) for statement in statements for source in sources),
        ("The Dallas Express article", "publisher", "The Dallas Express"),
        ("U.S. Department of War press release", "publisher", "U.S. Department of War"),
    }
    quote = dict(graph.nodes[CSPO + "SaltzmanOnCollaboration"]["details"])["quote"]
    assert quote == (
        "To be effective, we must collaborate on our architectures, integrate our training, "
        "exercises, and operations, and build a common understanding of the threats we face."
    )
    assert graph.nodes[CSPO + "SaltzmanOnCollaboration"]["sources"] == [DALLAS, DOW]


def test_membership_edges_carry_the_year_joined_and_founding(built):
    graph = built["membership"]
    joined = {
        graph.nodes[nation]["label"]: (data["start_year"], data["founding"], data["label"])
        for nation, initiative, data in graph.edges(data=True)
        if graph.nodes[initiative]["label"] == "Combined Space Operations (CSpO) Initiative"
    }
    founders = {"Australia", "Canada", "New Zealand", "United Kingdom", "United States"}
    assert joined == {
        **{n: (2018, True, "member since 2018 (founding)") for n in founders},
        **{n: (2020, False, "member since 2020") for n in ("France", "Germany")},
        **{n: (2023, False, "member since 2023") for n in ("Italy", "Japan", "Norway")},
    }
    assert graph.number_of_nodes() == 11
    france = next(data for _, _, data in graph.edges(data=True) if data["via"] == CSPO + "FranceMembership")
    assert france["sources"] == [DALLAS, DOW]
    assert [
        "as worded in The Dallas Express article",
        "has since expanded, adding France and Germany in 2020",
    ] in (france["details"])


def test_all_has_every_person_post_organization_nation_and_statement(built, dataset):
    graph = built["all"]
    in_data = {
        str(row[0]): str(row[1])
        for row in dataset.query(
            """SELECT ?thing ?class WHERE {
                 VALUES ?class { cspo:Person cspo:Post cspo:Organization cspo:Nation cspo:Statement
                                 cspo:Delegation cspo:Meeting cspo:Claim }
                 ?thing a/rdfs:subClassOf* ?class }""",
            initNs={"cspo": CSPO, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        )
    }
    assert len(in_data) == 61
    assert set(in_data) <= set(graph.nodes)
    assert {n for n, d in graph.nodes(data=True) if d["family"] in ("Post holding", "Membership")} == set()
    collapsed = {d["via"] for _, _, d in graph.edges(data=True) if "via" in d}
    assert len(collapsed) == 17  # 7 post holdings and 10 memberships, each one labelled edge
    assert graph.nodes[CSPO + "CSpOMeeting"]["family"] == "Meeting"
    assert graph.nodes[CSPO + "USSpaceForce"]["kind"] == "Military space organization"
    assert ["date", "December 5 (year not given)"] in graph.nodes[CSPO + "CSpOMeeting"]["details"]
    assert ("Robert Brose", "acting", "Assistant Secretary of War for Space Policy") in labelled_edges(graph)
    assert graph.graph["sources"] == [DALLAS, DOW]
    assert graph.graph["title"] and graph.graph["description"]


def test_identifiers_added_for_linking_are_marked_as_such(built):
    details = built["all"].nodes[CSPO + "UnitedStates"]["details"]
    assert ["same as (added for linking)", "wd:Q30"] in details
    assert ["ISO 3166-1 alpha-3 code (added for linking)", "USA"] in details
    assert ["also called", "U.S."] in details


def test_person_tooltip_details_name_the_posts_held(built):
    details = built["statements"].nodes[CSPO + "RobertBrose"]["details"]
    posts = {value for name, value in details if name == "posts"}
    assert posts == {
        "Deputy Assistant Secretary of War for Space and Missile Defense",
        "Assistant Secretary of War for Space Policy",
    }


def test_views_come_out_in_one_order(dataset, built, engine):
    again = catalog.build(engine, "all")
    assert list(again.edges(keys=True)) == list(built["all"].edges(keys=True))


def test_custom_view_from_a_construct_query(dataset, tmp_path, engine):
    query = tmp_path / "spoke.rq"
    query.write_text(
        "# Who spoke where\n# Speakers linked to the meetings they spoke at.\n"
        "CONSTRUCT { ?person cspo:spokeAt ?meeting }\n"
        "WHERE { ?s cspo:speaker ?person ; cspo:atMeeting ?meeting }\n"
    )
    graph = catalog.build(engine, catalog.view_from_file(query))
    assert graph.graph["title"] == "Who spoke where"
    assert labelled_edges(graph) == {
        (person, "spoke at", MEETING) for person in ("Chance Saltzman", "Stephen Whiting", "Robert Brose")
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "needs a CONSTRUCT query, not a SELECT query"),
        ("CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }", "links no two resources"),
        ("CONSTRUCT { ?s ?p }", "SPARQL syntax error"),
    ],
)
def test_a_custom_view_that_cannot_be_drawn_is_refused(dataset, tmp_path, text, message, engine):
    query = tmp_path / "bad.rq"
    query.write_text(text)
    with pytest.raises(InputError, match=message) as error:
        catalog.build(engine, catalog.view_from_file(query))
    assert str(error.value).startswith(str(query))


def test_unknown_view_is_a_usage_error(dataset, engine):
    with pytest.raises(UsageError, match="unknown view 'nope'"):
        catalog.build(engine, "nope")


def test_data_without_the_ontology_still_gets_families(tmp_path):

    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix cspo: <https://w3id.org/cspo-graph/ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'cspo:Force a cspo:MilitarySpaceOrganization ; rdfs:label "A force" ; cspo:nation cspo:Land .\n'
        'cspo:Land a cspo:Nation ; rdfs:label "A land" .\n'
    )
    graph = catalog.build(engine_over([data]), "all")
    assert {d["label"]: (d["family"], d["kind"]) for _, d in graph.nodes(data=True)} == {
        "A force": ("Organization", "Military space organization"),
        "A land": ("Nation", "Nation"),
    }


def test_centrality_and_components(built):
    ranked = analytics.centrality(built["membership"])
    assert (ranked[0].label, ranked[0].degree, ranked[0].betweenness) == (
        "Combined Space Operations (CSpO) Initiative",
        10,
        1.0,
    )
    assert {(c.degree, c.betweenness, c.component, c.component_size) for c in ranked[1:]} == {(1, 0.0, 1, 11)}
    top = analytics.centrality(built["all"])[0]
    assert (top.label, top.kind) == (MEETING, "Meeting")
    components = analytics.components(built["all"])
    assert [len(c) for c in components] == [63, 2]
    assert set(components[1]) == {CSPO + "DallasExpressArticle", CSPO + "TheDallasExpress"}


def test_centrality_result_is_a_table_of_literals(built):
    result = analytics.centrality_result(analytics.centrality(built["representation"]), limit=3)
    assert tuple(result.variables) == analytics.COLUMNS
    assert [row[1].value for row in result.rows] == [MEETING, "U.S. delegation", "United States"]
    assert all(term.kind == "literal" for row in result.rows for term in row[:-1])


@pytest.mark.parametrize(
    ("fmt", "read"),
    [
        ("graphml", lambda path: nx.read_graphml(path)),
        ("gexf", lambda path: nx.read_gexf(path)),
        ("node-link", lambda path: nx.node_link_graph(json.loads(path.read_text()), edges="links")),
    ],
)
def test_exports_parse_back_with_networkx(built, tmp_path, fmt, read):
    graph = built["all"]
    path = tmp_path / f"all.{fmt}"
    path.write_text(formats.write(graph, FORMATS[fmt]), encoding="utf-8")
    back = read(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    assert back.is_directed() and back.is_multigraph()
    saltzman = back.nodes[CSPO + "ChanceSaltzman"]
    assert saltzman["label"] == "Chance Saltzman"
    assert saltzman["family"] == "Person"
    assert "Chief of Space Operations, U.S. Space Force" in str(saltzman["details"])
    membership = next(d for _, _, d in back.edges(data=True) if d.get("via") == CSPO + "ItalyMembership")
    assert (int(membership["start_year"]), membership["founding"]) == (2023, False)


def test_format_is_taken_from_the_extension():
    assert formats.format_for(None, "x/cspo.GEXF").name == "gexf"
    assert formats.format_for(None, "cspo.txt").name == "html"
    assert formats.format_for(None, None).name == "html"
    assert formats.format_for(None, "cspo.json").name == "node-link"
    assert formats.format_for("node-link", "cspo.html").name == "node-link"
