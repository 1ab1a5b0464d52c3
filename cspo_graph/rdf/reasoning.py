"""Inference on demand: materializing RDFS or OWL 2 RL entailments with owlrl.

The ontology aligns CSpO classes and properties with FOAF, W3C ORG, PROV-O and
schema.org; once the entailments are materialized, a query in those vocabularies
(``?x a foaf:Person``) finds CSpO data. The inferred triples go into a named graph
of their own, :data:`INFERRED_GRAPH`, so they can be told apart from stated ones.
``owl:imports`` is never followed: only the loaded files are reasoned over.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.errors import UsageError
from cspo_graph.rdf.parsing import GRAPH_BASE

if TYPE_CHECKING:
    import rdflib

INFERRED_GRAPH = GRAPH_BASE + "inferred"
"""The named graph that holds the materialized entailments."""

PROFILES = {
    "rdfs": "RDFS_Semantics",
    "owlrl": "OWLRL_Semantics",
}
"""``--reason`` value -> the owlrl closure class that implements it."""


def _literal_key(literal: rdflib.Literal) -> tuple[Any, ...]:
    """Literals with equal keys denote the same value: same language and text, or same datatype and value."""
    if literal.language:
        return ("lang", literal.language.lower(), str(literal))
    try:
        hash(literal.value)
    except TypeError:
        return ("lexical", literal.datatype, str(literal))
    if literal.value is None:
        return ("lexical", literal.datatype, str(literal))
    return ("value", literal.datatype, literal.value)


@cache
def _rdfs_semantics() -> type:
    """owlrl's RDFS closure with its literal rule fixed.

    owlrl copies every triple of a literal to each literal it deems the same value,
    comparing Python values only: ``"Chance Saltzman"@en`` and ``"Chance Saltzman"``
    count as one, so a person's English label became its ``foaf:name`` too. It also
    compares every pair of literals (quadratic). Here literals are grouped by
    language and datatype as well as value, in one pass.
    """
    import owlrl

    class StrictLiteralsRDFS(owlrl.RDFS_Semantics):
        def one_time_rules(self) -> None:
            groups: dict[tuple[Any, ...], list[rdflib.Literal]] = defaultdict(list)
            for literal in self._literals():
                groups[_literal_key(literal)].append(literal)
            for same in groups.values():
                for original in same:
                    for other in same:
                        if other is not original:
                            for s, p, _ in self.graph.triples((None, None, original)):
                                self.destination.add((s, p, other))

    return StrictLiteralsRDFS


def _semantics(profile: str) -> type:
    import owlrl

    if profile not in PROFILES:
        raise UsageError(f"unknown reasoning profile {profile!r} (known: {', '.join(PROFILES)})")
    return _rdfs_semantics() if profile == "rdfs" else getattr(owlrl, PROFILES[profile])


def entailments(graph: rdflib.Graph, profile: str) -> list[tuple[rdflib.term.Node, ...]]:
    """The triples that ``profile`` (``rdfs`` or ``owlrl``) entails from ``graph`` and it does not hold.

    Axiomatic and datatype triples are left out (they add thousands of statements
    about the vocabularies themselves and nothing about CSpO), and so are triples
    about literals, which are not RDF.
    """
    import owlrl
    import rdflib

    semantics = _semantics(profile)
    closure = rdflib.Graph()
    closure += graph
    # improved_datatypes=False: owlrl's own literal converters reject valid xsd:gMonth and
    # xsd:gDay values, log a traceback for each and stay installed in rdflib afterwards.
    owlrl.DeductiveClosure(semantics, improved_datatypes=False).expand(closure)
    return [triple for triple in closure - graph if not isinstance(triple[0], rdflib.Literal)]


def materialize(dataset: rdflib.Dataset, profile: str) -> int:
    """Add the entailments of ``profile`` over all of ``dataset`` to its graph :data:`INFERRED_GRAPH`.

    Returns how many triples were added.
    """
    import rdflib

    stated = rdflib.Graph()
    stated += dataset.triples((None, None, None))
    inferred = dataset.graph(rdflib.URIRef(INFERRED_GRAPH))
    new = entailments(stated, profile)
    dataset.addN((s, p, o, inferred) for s, p, o in new)
    return len(new)


def merge_same_as(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with each ``owl:sameAs`` group of resources written as one of them.

    Under OWL 2 RL, ``cspo:UnitedStates owl:sameAs wd:Q30`` copies every statement about
    one to the other, so a delegation seems to represent two nations. Counting (as
    SHACL's sh:maxCount does) needs each individual once: each group is named by its
    member in the cspo namespace (else the first IRI in order), and the sameAs links
    themselves are left out.
    """
    import rdflib

    parent: dict[rdflib.term.Node, rdflib.term.Node] = {}

    def root(node: rdflib.term.Node) -> rdflib.term.Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    def rank(node: rdflib.term.Node) -> tuple[bool, str]:
        return (not str(node).startswith(resources.NAMESPACE), str(node))

    for a, b in graph.subject_objects(rdflib.OWL.sameAs):
        first, second = sorted((root(a), root(b)), key=rank)
        if first != second:
            parent[second] = first
    merged = rdflib.Graph()
    merged.namespace_manager = graph.namespace_manager
    merged.addN((root(s), p, root(o), merged) for s, p, o in graph if p != rdflib.OWL.sameAs)
    return merged
