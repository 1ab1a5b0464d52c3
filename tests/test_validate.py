"""SHACL validation: the shipped data conforms, and each shape catches the defect it names.

Every case below breaks one copy of the shipped data with a SPARQL Update and
expects exactly the violations listed, as (focus node, shape) pairs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from cspo_graph import resources
from cspo_graph.rdf.parsing import load_graph
from cspo_graph.rdf.validate import validate

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SHAPES_NS = "https://w3id.org/cspo-graph/shapes#"
PROLOGUE = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in resources.PREFIXES.items())

# (shapes this case proves, SPARQL Update that breaks the data, expected {(focus, shape)})
CASES = [
    (
        ["englishLabel", "Nation"],
        "DELETE WHERE { cspo:Canada rdfs:label ?l }",
        {("cspo:Canada", "englishLabel")},
    ),
    (
        ["englishLabel"],
        'INSERT DATA { cspo:Canada rdfs:label "Kanada"@en }',
        {("cspo:Canada", "englishLabel")},
    ),
    (
        ["citesSources", "Organization"],
        "DELETE WHERE { cspo:USSpaceForce prov:wasDerivedFrom ?s }",
        {("cspo:USSpaceForce", "citesSources")},
    ),
    (
        ["citesSources", "Membership"],
        "DELETE WHERE { cspo:CanadaMembership prov:wasDerivedFrom ?s }",
        {("cspo:CanadaMembership", "citesSources")},
    ),
    (
        ["citesSources", "PostHolding"],
        "DELETE WHERE { cspo:HegsethAsSecretaryOfWar prov:wasDerivedFrom ?s }",
        {("cspo:HegsethAsSecretaryOfWar", "citesSources")},
    ),
    (
        ["citesSources", "Delegation"],
        "DELETE WHERE { cspo:JapanDelegation prov:wasDerivedFrom ?s }",
        {("cspo:JapanDelegation", "citesSources")},
    ),
    (
        ["citesSources", "Statement"],
        "DELETE WHERE { cspo:SaltzmanOnCollaboration prov:wasDerivedFrom ?s }",
        {("cspo:SaltzmanOnCollaboration", "citesSources")},
    ),
    (
        ["citesSources", "Claim"],
        "DELETE WHERE { cspo:CSpOPurpose prov:wasDerivedFrom ?s }",
        {("cspo:CSpOPurpose", "citesSources")},
    ),
    (
        ["citesSources"],
        "DELETE WHERE { cspo:Canada prov:wasDerivedFrom cspo:DoWPressRelease } ;"
        "INSERT DATA { cspo:Canada prov:wasDerivedFrom <https://example.org/somewhere> }",
        {("cspo:Canada", "citesSources")},
    ),
    (
        ["altLabel"],
        'DELETE DATA { cspo:UnitedKingdom skos:altLabel "UK"@en } ;'
        'INSERT DATA { cspo:UnitedKingdom skos:altLabel "UK" }',
        {("cspo:UnitedKingdom", "altLabel")},
    ),
    (
        ["describedAs"],
        'DELETE DATA { cspo:FrenchSpaceCommandHeadquarters cspo:describedAs "new"@en } ;'
        'INSERT DATA { cspo:FrenchSpaceCommandHeadquarters cspo:describedAs "new" }',
        {("cspo:FrenchSpaceCommandHeadquarters", "describedAs")},
    ),
    (
        ["citesSources", "Post"],
        "DELETE WHERE { cspo:SecretaryOfWar prov:wasDerivedFrom ?s }",
        {("cspo:SecretaryOfWar", "citesSources")},
    ),
    (
        ["citesSources", "DateDescription"],
        "DELETE WHERE { cspo:December5YearNotGiven prov:wasDerivedFrom ?s }",
        {("cspo:December5YearNotGiven", "citesSources")},
    ),
    (
        ["Organization-nation"],
        "INSERT DATA { cspo:USSpaceForce cspo:nation cspo:France }",
        {("cspo:USSpaceForce", "Organization-nation")},
    ),
    (
        ["Initiative", "Initiative-foundingDate"],
        'INSERT DATA { cspo:CSpO schema:foundingDate "2018" }',
        {("cspo:CSpO", "Initiative-foundingDate")},
    ),
    (
        ["Initiative-members"],
        'INSERT DATA { cspo:Other a cspo:Initiative ; rdfs:label "Other"@en ;'
        " prov:wasDerivedFrom cspo:DoWPressRelease }",
        {("cspo:Other", "Initiative-members")},
    ),
    (
        ["MilitarySpaceOrganization", "nationalOrganization-nation"],
        "DELETE WHERE { cspo:USSpaceCommand cspo:nation ?n }",
        {("cspo:USSpaceCommand", "nationalOrganization-nation")},
    ),
    (
        ["GovernmentDepartment", "nationalOrganization-nation"],
        "DELETE WHERE { cspo:USDepartmentOfWar cspo:nation ?n }",
        {("cspo:USDepartmentOfWar", "nationalOrganization-nation")},
    ),
    (
        ["MultinationalOperation", "MultinationalOperation-nation"],
        "INSERT DATA { cspo:OperationOlympicDefender cspo:nation cspo:UnitedStates }",
        {("cspo:OperationOlympicDefender", "MultinationalOperation-nation")},
    ),
    (
        ["NewsOrganization", "NewsOrganization-publishes"],
        'INSERT DATA { cspo:OtherNews a cspo:NewsOrganization ; rdfs:label "Other News"@en ;'
        " prov:wasDerivedFrom cspo:DallasExpressArticle }",
        {("cspo:OtherNews", "NewsOrganization-publishes")},
    ),
    (
        ["Person", "Person-name"],
        "DELETE WHERE { cspo:RobertBrose foaf:name ?n }",
        {("cspo:RobertBrose", "Person-name")},
    ),
    (
        ["Person-honorificPrefix"],
        'INSERT DATA { cspo:ChanceSaltzman schema:honorificPrefix "Gen."@en }',
        {("cspo:ChanceSaltzman", "Person-honorificPrefix")},
    ),
    (
        ["Post", "Post-postIn"],
        "DELETE WHERE { cspo:SecretaryOfWar org:postIn ?o }",
        {("cspo:SecretaryOfWar", "Post-postIn")},
    ),
    (
        ["PostHolding-holder"],
        "DELETE WHERE { cspo:HegsethAsSecretaryOfWar cspo:holder ?h }",
        {("cspo:HegsethAsSecretaryOfWar", "PostHolding-holder")},
    ),
    (
        ["PostHolding-post"],
        "INSERT DATA { cspo:HegsethAsSecretaryOfWar cspo:post cspo:ChiefOfSpaceOperations }",
        {("cspo:HegsethAsSecretaryOfWar", "PostHolding-post")},
    ),
    (
        ["PostHolding-capacity"],
        "DELETE WHERE { cspo:SaltzmanAsChiefOfSpaceOperations cspo:capacity ?c }",
        {("cspo:SaltzmanAsChiefOfSpaceOperations", "PostHolding-capacity")},
    ),
    (
        ["PostHolding-variantOf"],
        "INSERT DATA { cspo:BroseAsActingAssistantSecretary cspo:variantOf cspo:BroseOnDefendingInterestsInSpace }",
        {("cspo:BroseAsActingAssistantSecretary", "PostHolding-variantOf")},
    ),
    (
        ["Capacity", "Capacity-comment"],
        'INSERT DATA { cspo:Honorary a cspo:Capacity ; rdfs:label "honorary"@en }',
        {("cspo:Honorary", "Capacity-comment")},
    ),
    (
        ["Membership-member"],
        "DELETE WHERE { cspo:CanadaMembership org:member ?n }",
        {("cspo:CanadaMembership", "Membership-member")},
    ),
    (
        ["Membership-organization"],
        "INSERT DATA { cspo:CanadaMembership org:organization cspo:USSpaceForce }",
        {("cspo:CanadaMembership", "Membership-organization")},
    ),
    (
        ["Membership-memberDuring"],
        "DELETE WHERE { cspo:CanadaMembership org:memberDuring ?p }",
        {("cspo:CanadaMembership", "Membership-memberDuring")},
    ),
    (
        ["MembershipPeriod", "MembershipPeriod-startYear"],
        "DELETE WHERE { cspo:FranceMembershipPeriod cspo:startYear ?y } ;"
        'INSERT DATA { cspo:FranceMembershipPeriod cspo:startYear "2020" }',
        {("cspo:FranceMembershipPeriod", "MembershipPeriod-startYear")},
    ),
    (
        ["MembershipPeriod-founding"],
        "DELETE WHERE { cspo:ItalyMembershipPeriod cspo:founding ?f }",
        {("cspo:ItalyMembershipPeriod", "MembershipPeriod-founding")},
    ),
    (
        ["Meeting", "Meeting-about"],
        "DELETE WHERE { cspo:CSpOMeeting schema:about ?a }",
        {("cspo:CSpOMeeting", "Meeting-about")},
    ),
    (
        ["Meeting-hostFacility"],
        'INSERT DATA { cspo:Annex a cspo:Facility ; rdfs:label "Annex"@en ;'
        " prov:wasDerivedFrom cspo:DoWPressRelease . cspo:FrenchSpaceCommand org:hasSite cspo:Annex ."
        " cspo:CSpOMeeting cspo:hostFacility cspo:Annex }",
        {("cspo:CSpOMeeting", "Meeting-hostFacility")},
    ),
    (
        ["Meeting-place"],
        'INSERT DATA { cspo:Elsewhere a cspo:Place ; rdfs:label "Elsewhere"@en ;'
        " prov:wasDerivedFrom cspo:DoWPressRelease . cspo:CSpOMeeting cspo:place cspo:Elsewhere }",
        {("cspo:CSpOMeeting", "Meeting-place")},
    ),
    (
        ["Meeting-time"],
        'INSERT DATA { cspo:OtherDay a time:Instant ; rdfs:label "another day"@en ;'
        " prov:wasDerivedFrom cspo:DoWPressRelease ; time:inDateTime cspo:December5YearNotGiven ."
        " cspo:CSpOMeeting time:hasTime cspo:OtherDay }",
        {("cspo:CSpOMeeting", "Meeting-time")},
    ),
    (
        ["MeetingDay", "MeetingDay-description"],
        "DELETE WHERE { cspo:CSpOMeetingDay time:inDateTime ?d }",
        {("cspo:CSpOMeetingDay", "MeetingDay-description")},
    ),
    (
        ["DateDescription", "DateDescription-month"],
        "DELETE WHERE { cspo:December5YearNotGiven time:month ?m } ;"
        'INSERT DATA { cspo:December5YearNotGiven time:month "--12" }',
        {("cspo:December5YearNotGiven", "DateDescription-month")},
    ),
    (
        ["DateDescription-day"],
        "DELETE WHERE { cspo:December5YearNotGiven time:day ?d } ;"
        "INSERT DATA { cspo:December5YearNotGiven time:day 5 }",
        {("cspo:December5YearNotGiven", "DateDescription-day")},
    ),
    (
        ["DateDescription-year"],
        'INSERT DATA { cspo:December5YearNotGiven time:year "not given" }',
        {("cspo:December5YearNotGiven", "DateDescription-year")},
    ),
    (
        ["Facility", "Facility-siteOf"],
        "DELETE WHERE { cspo:FrenchSpaceCommand org:hasPrimarySite ?f } ;"
        "DELETE WHERE { cspo:FrenchSpaceCommand org:hasSite ?f }",
        {("cspo:FrenchSpaceCommandHeadquarters", "Facility-siteOf")},
    ),
    (
        ["Place", "Place-containedIn"],
        "DELETE WHERE { cspo:Toulouse schema:containedInPlace ?p } ;"
        'INSERT DATA { cspo:Toulouse schema:containedInPlace "France" }',
        {("cspo:Toulouse", "Place-containedIn")},
    ),
    (
        ["Place-outskirtsOf"],
        'INSERT DATA { cspo:Elsewhere a cspo:Place ; rdfs:label "Elsewhere"@en ;'
        " prov:wasDerivedFrom cspo:DallasExpressArticle . cspo:OutskirtsOfToulouse cspo:outskirtsOf cspo:Elsewhere }",
        {("cspo:OutskirtsOfToulouse", "Place-outskirtsOf")},
    ),
    (
        ["Delegation-represents"],
        "DELETE WHERE { cspo:CanadaDelegation cspo:represents ?n }",
        {("cspo:CanadaDelegation", "Delegation-represents")},
    ),
    (
        ["Delegation-attended"],
        "DELETE WHERE { cspo:CanadaDelegation cspo:attended ?m }",
        {("cspo:CanadaDelegation", "Delegation-attended")},
    ),
    (
        ["Delegation-ledBy"],
        'INSERT DATA { cspo:UnitedStatesDelegation cspo:ledBy "Chance Saltzman" }',
        {("cspo:UnitedStatesDelegation", "Delegation-ledBy")},
    ),
    (
        ["Statement-speaker"],
        "DELETE WHERE { cspo:WhitingOnOpponentsSpeed cspo:speaker ?s }",
        {("cspo:WhitingOnOpponentsSpeed", "Statement-speaker")},
    ),
    (
        ["Statement-quote"],
        "DELETE WHERE { cspo:WhitingOnOpponentsSpeed cspo:quote ?q } ;"
        'INSERT DATA { cspo:WhitingOnOpponentsSpeed cspo:quote "  "@en }',
        {("cspo:WhitingOnOpponentsSpeed", "Statement-quote")},
    ),
    (
        ["Statement-quote"],
        "DELETE WHERE { cspo:WhitingOnOpponentsSpeed cspo:quote ?q }",
        {("cspo:WhitingOnOpponentsSpeed", "Statement-quote")},
    ),
    (
        ["Statement-noMeeting"],
        "INSERT DATA { cspo:SaltzmanOnCollaboration cspo:atMeeting cspo:CSpOMeeting }",
        {("cspo:SaltzmanOnCollaboration", "Statement-noMeeting")},
    ),
    (
        ["atMostOneMeeting"],
        'INSERT DATA { cspo:TopicCoalitionSpacePower cspo:atMeeting "the Toulouse meeting" }',
        {("cspo:TopicCoalitionSpacePower", "atMostOneMeeting")},
    ),
    (
        ["Claim"],
        "DELETE WHERE { cspo:RiskOrbitalDebris cspo:claimant ?c }",
        {("cspo:RiskOrbitalDebris", "Claim")},
    ),
    (
        ["Claim"],
        "INSERT DATA { cspo:CSpOPurpose cspo:claimant cspo:UnitedStates }",
        {("cspo:CSpOPurpose", "Claim")},
    ),
    (
        ["AttributedClaim", "AttributedClaim-verb"],
        "DELETE WHERE { cspo:RiskOrbitalDebris cspo:verb ?v }",
        {("cspo:RiskOrbitalDebris", "AttributedClaim-verb")},
    ),
    (
        ["Claim-verb"],
        "DELETE WHERE { cspo:RiskOrbitalDebris cspo:verb ?v } ;"
        'INSERT DATA { cspo:RiskOrbitalDebris cspo:verb "outlined" }',
        {("cspo:RiskOrbitalDebris", "Claim-verb")},
    ),
    (
        ["Attribution", "Attribution-comment"],
        'INSERT DATA { cspo:Anonymous a cspo:Attribution ; rdfs:label "anonymous"@en }',
        {("cspo:Anonymous", "Attribution-comment")},
    ),
    (
        ["Claim-claimant"],
        'INSERT DATA { cspo:RiskOrbitalDebris cspo:claimant "The U.S." }',
        {("cspo:RiskOrbitalDebris", "Claim-claimant")},
    ),
    (
        ["TopicDiscussed", "reportedAtMeeting"],
        "DELETE WHERE { cspo:TopicCoalitionSpacePower cspo:atMeeting ?m }",
        {("cspo:TopicCoalitionSpacePower", "reportedAtMeeting")},
    ),
    (
        ["RiskOutlined", "reportedAtMeeting"],
        "DELETE WHERE { cspo:RiskOrbitalDebris cspo:atMeeting ?m }",
        {("cspo:RiskOrbitalDebris", "reportedAtMeeting")},
    ),
    (
        ["Commitment", "Commitment-claimant"],
        "DELETE WHERE { cspo:CommitmentToDeterrence cspo:claimant ?c }",
        {("cspo:CommitmentToDeterrence", "Commitment-claimant"), ("cspo:CommitmentToDeterrence", "Claim")},
    ),
    (
        ["HedgedClaim", "HedgedClaim-hedge"],
        "DELETE WHERE { cspo:HedgedClearMessage cspo:hedge ?h }",
        {("cspo:HedgedClearMessage", "HedgedClaim-hedge")},
    ),
    (
        ["HedgedClaim-singleSource"],
        "INSERT DATA { cspo:HedgedClearMessage prov:wasDerivedFrom cspo:DoWPressRelease }",
        {("cspo:HedgedClearMessage", "HedgedClaim-singleSource")},
    ),
    (
        ["SourceDocument", "SourceDocument-publisher"],
        "DELETE WHERE { cspo:DoWPressRelease dcterms:publisher ?p }",
        {("cspo:DoWPressRelease", "SourceDocument-publisher")},
    ),
    (
        ["SourceDocument-fileName"],
        "DELETE WHERE { cspo:DoWPressRelease cspo:fileName ?f } ;"
        'INSERT DATA { cspo:DoWPressRelease cspo:fileName "../../etc/passwd" }',
        {("cspo:DoWPressRelease", "SourceDocument-fileName")},
    ),
    (
        ["SourceDocument-title"],
        'INSERT DATA { cspo:DoWPressRelease dcterms:title "A second title"@en }',
        {("cspo:DoWPressRelease", "SourceDocument-title")},
    ),
    (
        ["PressRelease", "PressRelease-publisher"],
        "DELETE WHERE { cspo:DoWPressRelease dcterms:publisher ?p } ;"
        "INSERT DATA { cspo:DoWPressRelease dcterms:publisher cspo:TheDallasExpress }",
        {("cspo:DoWPressRelease", "PressRelease-publisher")},
    ),
    (
        ["NewsArticle", "NewsArticle-publisher"],
        "DELETE WHERE { cspo:DallasExpressArticle dcterms:publisher ?p } ;"
        "INSERT DATA { cspo:DallasExpressArticle dcterms:publisher cspo:USDepartmentOfWar }",
        {
            ("cspo:DallasExpressArticle", "NewsArticle-publisher"),
            ("cspo:TheDallasExpress", "NewsOrganization-publishes"),
        },
    ),
    (
        ["Wording", "Wording-text"],
        "DELETE WHERE { cspo:ArticleOnMembers2020 cspo:text ?t }",
        {("cspo:ArticleOnMembers2020", "Wording-text")},
    ),
    (
        ["Wording-wordingOf"],
        "DELETE WHERE { cspo:ArticleOnMembers2020 cspo:wordingOf ?f }",
        {("cspo:ArticleOnMembers2020", "Wording-wordingOf")},
    ),
    (
        ["Wording-source"],
        "INSERT DATA { cspo:ArticleOnMembers2020 prov:wasDerivedFrom cspo:DoWPressRelease }",
        {("cspo:ArticleOnMembers2020", "Wording-source")},
    ),
    (
        ["SourceGraph", "SourceGraph-source"],
        "DELETE WHERE { <https://w3id.org/cspo-graph/graph/source/DoWPressRelease> prov:wasDerivedFrom ?d }",
        {("<https://w3id.org/cspo-graph/graph/source/DoWPressRelease>", "SourceGraph-source")},
    ),
    (
        ["CurationGraph"],
        "DELETE WHERE { <https://w3id.org/cspo-graph/graph/curation> rdfs:label ?l }",
        {("<https://w3id.org/cspo-graph/graph/curation>", "englishLabel")},
    ),
    (
        ["Judgement", "Judgement-reason"],
        "DELETE WHERE { cspo:FacilityIdentityJudgement cspo:reason ?r }",
        {("cspo:FacilityIdentityJudgement", "Judgement-reason")},
    ),
    (
        ["Judgement-on"],
        "DELETE WHERE { cspo:MeetingYearJudgement cspo:judgementOn ?r }",
        {("cspo:MeetingYearJudgement", "Judgement-on")},
    ),
    (
        ["Judgement-property"],
        'INSERT DATA { cspo:CoinedLabelsJudgement cspo:judgedProperty "label" }',
        {("cspo:CoinedLabelsJudgement", "Judgement-property")},
    ),
    (
        ["OneKind"],
        "DELETE WHERE { cspo:HegsethAsSecretaryOfWar cspo:holder ?h } ;"
        "INSERT DATA { cspo:HegsethAsSecretaryOfWar cspo:holder cspo:USSpaceForce }",
        {("cspo:USSpaceForce", "OneKind"), ("cspo:USSpaceForce", "Person-name")},
    ),
]


@pytest.fixture(scope="module")
def shipped_data() -> rdflib.Graph:
    """The union of the shipped data's named graphs."""
    return load_graph([resources.DATA])


def broken_copy(data: rdflib.Graph, update: str, folder: Path) -> Path:
    graph = rdflib.Graph()
    graph += data
    graph.update(f"{PROLOGUE}\n{update}")
    path = folder / "broken.nt"
    path.write_text(graph.serialize(format="nt"), encoding="utf-8")
    return path


def test_shipped_data_conforms():
    report = validate()
    assert report.conforms, report.violations
    assert report.violations == []


def test_shipped_data_conforms_under_owl_rl():
    assert validate(reason="owlrl").conforms


@pytest.mark.parametrize(("covers", "update", "expected"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_each_shape_catches_its_defect(shipped_data, tmp_path, covers, update, expected):
    report = validate([broken_copy(shipped_data, update, tmp_path)])
    assert not report.conforms
    found = {(v.focus, v.shape.removeprefix("shape:")) for v in report.violations}
    assert found == expected
    assert all(v.message and v.severity == "sh:Violation" for v in report.violations)


def test_every_shape_has_a_case_and_a_message():
    shapes = rdflib.Graph().parse(resources.SHAPES)
    named = {
        str(s).removeprefix(SHAPES_NS)
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(rdflib.RDF.type, kind)
    }
    covered = {name for covers, _, _ in CASES for name in covers}
    assert named == covered
    for node in named - {"Nation", "Organization", "Person", "Post", "Membership", "PostHolding"}:
        iri = rdflib.URIRef(SHAPES_NS + node)
        with_message = shapes.value(iri, SH.message) or all(
            shapes.value(prop, SH.message) for prop in shapes.objects(iri, SH.property)
        )
        assert with_message, node


def test_every_ontology_class_has_a_shape():
    ontology = rdflib.Graph().parse(resources.ONTOLOGY)
    shapes = rdflib.Graph().parse(resources.SHAPES)
    classes = set(ontology.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    targeted = set(shapes.objects(None, SH.targetClass))
    assert classes and classes <= targeted


def test_cli_conforms(cli):
    result = cli("validate")
    assert result.exit_code == 0
    assert result.output == "conforms: the data satisfies every shape\n"


def test_cli_prints_label_path_and_message(cli, shipped_data, tmp_path):
    update = "DELETE WHERE { cspo:WhitingOnOpponentsSpeed cspo:speaker ?s }"
    broken = broken_copy(shipped_data, update, tmp_path)
    result = cli("validate", "--data", str(broken))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'cspo:WhitingOnOpponentsSpeed "Stephen Whiting on the speed of opponents": cspo:speaker: '
        "a statement has exactly one speaker (cspo:speaker, a cspo:Person)",
        "does not conform: 1 violation",
    ]


def test_cli_json_and_w3c_report(cli, shipped_data, tmp_path):
    update = 'DELETE WHERE { cspo:CSpO schema:foundingDate ?d } ;INSERT DATA { cspo:CSpO schema:foundingDate "2018" }'
    broken = broken_copy(shipped_data, update, tmp_path)
    result = cli("validate", "--data", str(broken), "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["conforms"] is False
    assert body["violations"] == [
        {
            "focus": "cspo:CSpO",
            "label": "Combined Space Operations (CSpO) Initiative",
            "path": "schema:foundingDate",
            "message": "an initiative has at most one founding year "
            '(schema:foundingDate, an xsd:gYear such as "2018"^^xsd:gYear)',
            "shape": "shape:Initiative-foundingDate",
            "severity": "sh:Violation",
            "value": '"2018"',
        }
    ]
    report_file = tmp_path / "report.ttl"
    result = cli("validate", "--data", str(broken), "--format", "ttl", "-o", str(report_file))
    assert result.exit_code == 1
    report = rdflib.Graph().parse(report_file)
    assert list(report.objects(None, SH.conforms)) == [rdflib.Literal(False)]
    assert len(list(report.subjects(rdflib.RDF.type, SH.ValidationResult))) == 1


def test_cli_inverse_path_is_shown_in_sparql_syntax(cli, shipped_data, tmp_path):
    update = (
        "DELETE WHERE { cspo:FrenchSpaceCommand org:hasPrimarySite ?f } ;"
        "DELETE WHERE { cspo:FrenchSpaceCommand org:hasSite ?f }"
    )
    broken = broken_copy(shipped_data, update, tmp_path)
    result = cli("validate", "--data", str(broken))
    assert "cspo:FrenchSpaceCommandHeadquarters" in result.output
    assert "(^org:hasPrimarySite|^org:hasSite):" in result.output


def test_cli_usage_errors(cli):
    assert cli("validate", "--format", "xml").exit_code == 2
    assert cli("validate", "--reason", "magic").exit_code == 2
