"""The ontology is complete: a header, and every term labelled, explained, defined and aligned."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from cspo_graph import resources

CSPO = Namespace(resources.NAMESPACE)
ONTOLOGY = URIRef(resources.NAMESPACE.rstrip("#"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ONTOLOGY)


def terms(ontology: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in ontology.subjects(RDF.type, kind) if str(s).startswith(resources.NAMESPACE))


def test_header_has_title_description_version_license_creator(ontology):
    for predicate in (DCTERMS.title, DCTERMS.description, OWL.versionInfo, DCTERMS.license, DCTERMS.creator):
        assert ontology.value(ONTOLOGY, predicate) is not None, predicate


def test_the_core_classes_exist(ontology):
    for name in [
        "Nation", "Initiative", "MilitarySpaceOrganization", "GovernmentDepartment",
        "MultinationalOperation", "Person", "Post", "PostHolding", "Membership", "Meeting",
        "Delegation", "Statement", "Claim", "HedgedClaim", "SourceDocument", "PressRelease", "NewsArticle",
    ]:  # fmt: skip
        assert (CSPO[name], RDF.type, OWL.Class) in ontology, name


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_has_label_comment_and_is_defined_by(ontology, kind):
    found = terms(ontology, kind)
    assert found
    for term in found:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology, term


def test_every_class_is_aligned_to_a_shared_vocabulary(ontology):
    for term in terms(ontology, OWL.Class):
        parents = set(ontology.transitive_objects(term, RDFS.subClassOf)) - {term}
        assert any(not str(p).startswith(resources.NAMESPACE) for p in parents), term


def test_every_property_is_aligned_or_points_to_its_counterpart(ontology):
    for term in terms(ontology, OWL.ObjectProperty) + terms(ontology, OWL.DatatypeProperty):
        links = {o for p in (RDFS.subPropertyOf, OWL.inverseOf, RDFS.seeAlso) for o in ontology.objects(term, p)}
        assert links, term
