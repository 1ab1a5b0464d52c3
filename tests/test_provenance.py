"""Statement-exact provenance: each graph of a source holds what that source states, and no more.

Each finding of the fact-check of issue 12 is a test here, on the graphs themselves and
through `cspo-graph query` with a GRAPH pattern on the default path and on `--store`.
"""

from __future__ import annotations

import json

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef

from cspo_graph import resources
from tests.graphs import ARTICLE, CSPO, CURATION, LINKS, ORG, PROV, RELEASE, SCHEMA, TIME

NATION_NAMES = [
    "Australia",
    "Canada",
    "France",
    "Germany",
    "Italy",
    "Japan",
    "NewZealand",
    "Norway",
    "UnitedKingdom",
    "UnitedStates",
]
NATIONS = [CSPO[name] for name in NATION_NAMES]
DELEGATIONS = [CSPO[f"{name}Delegation"] for name in NATION_NAMES]

EVERYTHING_IN = """SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"""


@pytest.fixture(scope="module")
def release(dataset):
    return dataset.graph(RELEASE)


@pytest.fixture(scope="module")
def article(dataset):
    return dataset.graph(ARTICLE)


@pytest.fixture(scope="module")
def curation(dataset):
    return dataset.graph(CURATION)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from cspo_graph.stores.local import load_files

    folder = tmp_path_factory.mktemp("store") / "builtin"
    load_files(["builtin"], folder)
    return str(folder)


def words(graph) -> str:
    return " ".join(str(term) for triple in graph for term in triple)


@pytest.mark.parametrize("where", ["memory", "store"])
def test_the_press_release_graph_by_graph_query_has_no_2018_cde_uk_or_toulouse(cli, store, where):
    options = ["--store", store] if where == "store" else []
    result = cli("query", "-e", EVERYTHING_IN.format(graph=RELEASE), "-f", "json", *options)
    assert result.exit_code == 0, result.output
    cells = [cell["value"] for row in json.loads(result.output)["results"]["bindings"] for cell in row.values()]
    assert len(cells) == 3 * 395
    for absent in ("2018", "CDE", "Toulouse", "outskirts", "December"):
        assert not [cell for cell in cells if absent in cell], absent
    assert "UK" not in cells and not any(cell.endswith("MembershipPeriod") for cell in cells)
    assert "Combined Space Operations (CSpO) Initiative" in cells


@pytest.mark.parametrize("where", ["memory", "store"])
def test_what_the_article_says_is_a_graph_query_on_every_path(cli, store, where):
    options = ["--store", store] if where == "store" else []
    text = f"SELECT ?year WHERE {{ GRAPH <{ARTICLE}> {{ cspo:CSpO schema:foundingDate ?year }} }}"
    result = cli("query", "-e", text, "-f", "csv", *options)
    assert result.output.splitlines() == ["year", "2018"]


def test_only_the_article_gives_the_founding_year_the_cde_the_uk_and_the_periods(release, article):
    assert (CSPO.CSpO, SCHEMA.foundingDate, None) in article
    assert (CSPO.CSpO, SCHEMA.foundingDate, None) not in release
    assert (CSPO.FrenchSpaceCommand, SKOS.altLabel, Literal("CDE", lang="en")) in article
    assert (CSPO.FrenchSpaceCommand, SKOS.altLabel, None) not in release
    assert (None, None, Literal("French Space Command (CDE) facility", lang="en")) not in release
    assert (CSPO.UnitedKingdom, SKOS.altLabel, Literal("UK", lang="en")) in article
    assert (CSPO.UnitedKingdom, SKOS.altLabel, None) not in release
    assert (None, ORG.memberDuring, None) not in release
    assert len(list(article.subject_objects(ORG.memberDuring))) == 10
    assert (None, RDF.type, TIME.ProperInterval) not in release


def test_the_press_release_names_no_city_and_the_article_says_on_the_outskirts(release, article, dataset):
    assert (None, CSPO.place, None) not in release
    assert not [o for o in release.objects() if "Toulouse" in str(o)]
    assert list(article.objects(CSPO.CSpOMeeting, CSPO.place)) == [CSPO.OutskirtsOfToulouse]
    assert (CSPO.OutskirtsOfToulouse, CSPO.outskirtsOf, CSPO.Toulouse) in article
    assert (CSPO.OutskirtsOfToulouse, RDFS.label, Literal("outskirts of Toulouse", lang="en")) in article
    label = str(dataset.value(CSPO.CSpOMeeting, RDFS.label))
    assert "Toulouse" not in label and (CSPO.CSpOMeeting, RDFS.label, None) not in release


def test_only_the_press_release_says_who_led_the_us_delegation(release, article):
    leaders = set(release.objects(CSPO.UnitedStatesDelegation, CSPO.ledBy))
    assert leaders == {CSPO.ChanceSaltzman, CSPO.StephenWhiting, CSPO.RobertBrose}
    assert (None, CSPO.ledBy, None) not in article


def test_the_facility_is_the_headquarters_only_by_the_curators_judgement(release, article, dataset):
    hq = CSPO.FrenchSpaceCommandHeadquarters
    assert (hq, RDFS.label, Literal("French Space Command Headquarters", lang="en")) in release
    assert (CSPO.FrenchSpaceCommand, ORG.hasPrimarySite, hq) in release
    assert (hq, RDFS.label, None) not in article
    assert (CSPO.FrenchSpaceCommand, ORG.hasPrimarySite, None) not in article
    assert (CSPO.FrenchSpaceCommand, ORG.hasSite, hq) in article
    judgements = set(dataset.subjects(CSPO.judgementOn, hq))
    reasons = [str(dataset.value(j, CSPO.reason)) for j in judgements]
    assert any("never calls the facility a headquarters" in reason for reason in reasons)


def test_the_facility_is_new_in_one_and_recently_established_in_the_other(release, article):
    hq = CSPO.FrenchSpaceCommandHeadquarters
    assert set(release.objects(hq, CSPO.describedAs)) == {Literal("new", lang="en")}
    assert set(article.objects(hq, CSPO.describedAs)) == {Literal("recently established", lang="en")}


def test_coalition_space_power_is_encouraged_by_the_us_in_one_and_discussed_by_all_in_the_other(release, article):
    assert set(release.objects(CSPO.TopicCoalitionSpacePower, CSPO.claimant)) == {CSPO.UnitedStatesDelegation}
    assert set(release.objects(CSPO.TopicCoalitionSpacePower, CSPO.verb)) == {Literal("encouraged", lang="en")}
    assert (CSPO.TopicCoalitionSpacePower, None, None) not in article
    assert set(article.objects(CSPO.TopicSustainableSpacePower, CSPO.claimant)) == set(DELEGATIONS)
    assert set(article.objects(CSPO.TopicSustainableSpacePower, CSPO.verb)) == {Literal("discussed", lang="en")}
    assert (CSPO.TopicSustainableSpacePower, None, None) not in release


@pytest.mark.parametrize(
    ("in_release", "in_article"),
    [
        (CSPO.TopicUpdatingPolicies, CSPO.TopicUpdatedFederalPolicies),
        (CSPO.TopicOperationalCooperation, CSPO.TopicSpaceOpCooperation),
    ],
)
def test_policies_and_cooperation_keep_who_did_what(release, article, dataset, in_release, in_article):
    assert set(release.objects(in_release, CSPO.claimant)) == {CSPO.UnitedStatesDelegation}
    assert set(release.objects(in_release, CSPO.verb)) == {Literal("encouraged", lang="en")}
    assert set(article.objects(in_article, CSPO.claimant)) == set(DELEGATIONS)
    assert set(article.objects(in_article, CSPO.verb)) == {Literal("discussed", lang="en")}
    assert (in_release, None, None) not in article and (in_article, None, None) not in release
    (wording,) = article.subjects(CSPO.wordingOf, in_article)
    assert "updated federal policies" in str(article.value(wording, CSPO.text))


def test_orbital_debris_keeps_the_claimant_and_verb_of_the_press_release(release, article):
    assert set(release.objects(CSPO.RiskOrbitalDebris, CSPO.claimant)) == {CSPO.UnitedStates}
    assert set(release.objects(CSPO.RiskOrbitalDebris, CSPO.verb)) == {Literal("outlined", lang="en")}
    assert (CSPO.RiskOrbitalDebris, None, None) not in article
    assert set(article.objects(CSPO.ObstacleOrbitalDebris, CSPO.claimant)) == set(NATIONS)
    assert set(article.objects(CSPO.ObstacleOrbitalDebris, CSPO.verb)) == {Literal("focused on", lang="en")}


def test_every_claim_has_a_claimant_and_verb_or_is_marked_unattributed(dataset):
    from tests.test_data import instances

    claims = instances(dataset, CSPO.Claim)
    assert len(claims) == 25
    for claim in claims:
        claimants = set(dataset.objects(claim, CSPO.claimant))
        unattributed = (claim, CSPO.attribution, CSPO.Unattributed) in dataset
        assert bool(claimants) != unattributed, claim
        if claimants:
            assert dataset.value(claim, CSPO.verb) is not None, claim


def test_what_was_missing_is_now_said(release, article):
    (purpose,) = article.subjects(CSPO.verb, Literal("gathered", lang="en"))
    assert set(article.objects(purpose, CSPO.claimant)) == set(DELEGATIONS)
    (wording,) = article.subjects(CSPO.wordingOf, purpose)
    assert "to strengthen their collective capabilities in space" in str(article.value(wording, CSPO.text))
    assert (CSPO.CSpO, SKOS.altLabel, Literal("CSpO alliance", lang="en")) in release
    assert (CSPO.UnitedStatesDelegation, SKOS.altLabel, Literal("U.S. military officials", lang="en")) in release
    loose = set(article.subjects(CSPO.hedge, Literal("other countries like", lang="en")))
    assert len(loose) == 1
    about = set(article.objects(next(iter(loose)), SCHEMA.about))
    assert about == {CSPO[f"{n}MembershipPeriod"] for n in ("Italy", "Japan", "Norway")}


def test_statements_are_not_said_to_be_spoken_at_the_meeting(dataset, article):
    from tests.test_data import instances

    statements = instances(dataset, CSPO.Statement)
    assert len(statements) == 4
    assert not [s for s in statements if (s, CSPO.atMeeting, None) in dataset]
    via = set(article.subjects(SCHEMA.about, CSPO.BroseOnDefendingInterestsInSpace))
    (wording,) = article.subjects(CSPO.wordingOf, next(iter(via)))
    assert "via press release" in str(article.value(wording, CSPO.text))


def test_statements_keep_each_sources_verb(release, article):
    def verbs(graph, statement):
        return {str(v) for w in graph.subjects(CSPO.wordingOf, statement) for v in graph.objects(w, CSPO.verb)}

    assert verbs(release, CSPO.WhitingOnOpponentsSpeed) == {"said"}
    assert verbs(article, CSPO.WhitingOnOpponentsSpeed) == {"added"}
    assert verbs(release, CSPO.SaltzmanOnBuildingACoalition) == {"stated"}
    assert verbs(article, CSPO.SaltzmanOnBuildingACoalition) == {"said"}


def test_brose_has_two_capacities_each_with_its_own_source(release, article, curation):
    assert (CSPO.BroseAsActingAssistantSecretary, CSPO.capacity, CSPO.Acting) in release
    assert (CSPO.BroseAsActingAssistantSecretary, None, None) not in article
    assert (CSPO.BrosePerformingDutiesOfAssistantSecretary, CSPO.capacity, CSPO.PerformingTheDuties) in article
    assert (CSPO.BrosePerformingDutiesOfAssistantSecretary, None, None) not in release
    variant = (CSPO.BroseAsActingAssistantSecretary, CSPO.variantOf, CSPO.BrosePerformingDutiesOfAssistantSecretary)
    assert variant in curation and variant not in release and variant not in article


def test_the_document_types_are_judged_with_a_reason(release, curation, dataset):
    assert (CSPO.DoWPressRelease, RDF.type, CSPO.PressRelease) in curation
    assert (CSPO.DoWPressRelease, RDF.type, CSPO.PressRelease) not in release
    (judgement,) = (
        j
        for j in dataset.subjects(CSPO.judgementOn, CSPO.DoWPressRelease)
        if (j, CSPO.judgedProperty, RDF.type) in dataset
    )
    assert "Official Website" in str(dataset.value(judgement, CSPO.reason))


def test_the_caveat_of_the_department_of_defense_link_is_rdf(dataset):
    links = dataset.graph(LINKS)
    assert (CSPO.USDepartmentOfWar, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q11209")) in links
    reasons = [
        str(links.value(j, CSPO.reason))
        for j in links.subjects(CSPO.judgementOn, CSPO.USDepartmentOfWar)
        if (j, CSPO.judgedProperty, OWL.sameAs) in links
    ]
    assert len(reasons) == 1 and "Department of Defense" in reasons[0]
    assert "Q11209" not in (resources.LINKS.read_text(encoding="utf-8").split("cspo:USDepartmentOfWar owl:sameAs")[0])


def test_a_triple_both_texts_state_is_in_both_graphs(release, article):
    for triple in [
        (CSPO.Australia, RDFS.label, Literal("Australia", lang="en")),
        (CSPO.AustraliaMembership, ORG.organization, CSPO.CSpO),
        (CSPO.SaltzmanAsChiefOfSpaceOperations, CSPO.holder, CSPO.ChanceSaltzman),
        (CSPO.WhitingOnOpponentsSpeed, CSPO.speaker, CSPO.StephenWhiting),
        (CSPO.CSpOMeeting, CSPO.hostFacility, CSPO.FrenchSpaceCommandHeadquarters),
    ]:
        assert triple in release and triple in article, triple


def test_each_source_graph_cites_its_own_source_only(release, article):
    for graph, source, other in (
        (release, CSPO.DoWPressRelease, CSPO.DallasExpressArticle),
        (article, CSPO.DallasExpressArticle, CSPO.DoWPressRelease),
    ):
        assert (None, PROV.wasDerivedFrom, other) not in graph
        for subject in set(graph.subjects()) - {source}:
            assert (subject, PROV.wasDerivedFrom, source) in graph, subject


def test_the_graphs_are_described_in_rdf(dataset):
    from cspo_graph.provenance.sources import curation_graphs, source_graphs

    assert source_graphs(dataset) == {RELEASE: CSPO.DoWPressRelease, ARTICLE: CSPO.DallasExpressArticle}
    assert curation_graphs(dataset) == {CURATION, LINKS}
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {
        "https://w3id.org/cspo-graph/graph/" + n
        for n in ("ontology", "links", "curation", "sources", "source/DoWPressRelease", "source/DallasExpressArticle")
    }
