"""The curated data: sourced, verbatim, and nothing the sources do not say."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, RDFS, BNode, Namespace, URIRef

from cspo_graph import resources

CSPO = Namespace(resources.NAMESPACE)
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SOURCES = {CSPO.DoWPressRelease, CSPO.DallasExpressArticle}
N_ARY = [CSPO.Membership, CSPO.PostHolding, CSPO.Delegation, CSPO.Statement, CSPO.Meeting, CSPO.Wording]


def instances(dataset, cls):
    return set(dataset.subjects(RDF.type, cls)) | {
        s for sub in dataset.transitive_subjects(RDFS.subClassOf, cls) for s in dataset.subjects(RDF.type, sub)
    }


def normalized(text: str) -> str:
    return " ".join(re.sub("[“”]", '"', text).split())


@pytest.mark.parametrize("cls", [*N_ARY, CSPO.Claim], ids=lambda c: c.split("#")[1])
def test_every_fact_cites_a_source_document(dataset, cls):
    facts = instances(dataset, cls)
    assert facts
    for fact in facts:
        cited = set(dataset.objects(fact, PROV.wasDerivedFrom))
        assert cited and cited <= SOURCES, fact


def test_every_wording_has_one_source_and_is_verbatim_in_it(dataset):
    texts = {s: normalized((resources.SOURCES / str(f)).read_text()) for s, f in dataset.subject_objects(CSPO.fileName)}
    assert set(texts) == SOURCES
    wordings = instances(dataset, CSPO.Wording)
    assert len(wordings) > 20
    for wording in wordings:
        (source,) = dataset.objects(wording, PROV.wasDerivedFrom)
        assert normalized(str(dataset.value(wording, CSPO.text))) in texts[source], wording


def test_every_quote_is_verbatim_in_every_source_it_cites(dataset):
    files = dict(dataset.subject_objects(CSPO.fileName))
    quotes = list(dataset.subject_objects(CSPO.quote))
    assert len(quotes) == 4
    for statement, quote in quotes:
        for source in dataset.objects(statement, PROV.wasDerivedFrom):
            assert normalized(str(quote)) in normalized((resources.SOURCES / str(files[source])).read_text())


def test_named_things_have_readable_iris_not_blank_nodes(dataset):
    for cls in [CSPO.Nation, CSPO.Person, CSPO.Organization, CSPO.Post, *N_ARY, CSPO.Claim]:
        for node in instances(dataset, cls):
            assert isinstance(node, URIRef) and str(node).startswith(resources.NAMESPACE), node
    assert not any(isinstance(term, BNode) for triple in dataset for term in triple[:3])


def test_the_meeting_date_has_no_year(dataset):
    (description,) = dataset.subjects(RDF.type, TIME.DateTimeDescription)
    assert str(dataset.value(description, TIME.month)) == "--12"
    assert str(dataset.value(description, TIME.day)) == "---05"
    assert dataset.value(description, TIME.year) is None
    assert not any(re.search(r"\b(19|20)\d\d\b", str(o)) for o in dataset.objects(None, TIME.inXSDDate))


def test_no_source_has_a_url_or_date_and_only_the_press_release_a_title(dataset):
    dcterms = Namespace("http://purl.org/dc/terms/")
    titled = set(dataset.subjects(dcterms.title, None)) & instances(dataset, CSPO.SourceDocument)
    assert titled == {CSPO.DoWPressRelease}
    for source in SOURCES:
        assert dataset.value(source, dcterms.date) is None
        assert dataset.value(source, dcterms.issued) is None
        assert not [o for o in dataset.objects(source, None) if str(o).startswith("http") and "w3id" not in o]


def test_the_acting_and_performing_the_duties_wordings_are_both_kept(dataset):
    holdings = {
        dataset.value(h, CSPO.capacity): set(dataset.objects(h, PROV.wasDerivedFrom))
        for h in dataset.subjects(CSPO.post, CSPO.AssistantSecretaryOfWarForSpacePolicy)
    }
    assert holdings == {
        CSPO.Acting: {CSPO.DoWPressRelease},
        CSPO.PerformingTheDuties: {CSPO.DallasExpressArticle},
    }


def test_hedged_claims_come_from_the_news_article_only(dataset):
    hedged = set(dataset.subjects(RDF.type, CSPO.HedgedClaim))
    assert len(hedged) == 4
    for claim in hedged:
        assert set(dataset.objects(claim, PROV.wasDerivedFrom)) == {CSPO.DallasExpressArticle}
        assert dataset.value(claim, CSPO.hedge) is not None


def test_every_cspo_term_the_data_uses_is_defined(dataset):
    defined = {s for s in dataset.subjects(RDF.type, None)}
    used = {t for triple in dataset for t in triple[:3] if isinstance(t, URIRef) and t.startswith(resources.NAMESPACE)}
    assert used - defined == set()


def test_the_sources_are_shipped_with_the_project_and_described():
    files = sorted(path.name for path in resources.SOURCES.glob("*.txt"))
    assert files == ["000_a2b84200eeeb1a55.txt", "001_1d660f31a676bbaa.txt"]
    manifest = (resources.SOURCES / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert name in manifest
    for said in ("press release", "news article", "no URL", "publication date", "The Dallas Express", "sha256"):
        assert said in manifest


def test_nothing_refers_to_a_folder_outside_the_repository():
    root = resources.SOURCES.parent
    outside = ("/".join(("shared", "seeds")), "/".join(("..", "shared")))
    for folder in ("cspo_graph", "tests", "scripts", "docs"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".md", ".sh", ".txt", ".toml", ".js", ".html", ".j2"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                assert not any(name in text for name in outside), path
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert not any(name in readme for name in outside)
