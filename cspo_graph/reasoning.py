"""Inference on demand: materializing RDFS or OWL 2 RL entailments with owlrl.

The ontology aligns CSpO classes and properties with FOAF, W3C ORG, PROV-O and
schema.org; once the entailments are materialized, a query in those vocabularies
(``?x a foaf:Person``) finds CSpO data. The inferred triples go into a named graph
of their own, :data:`INFERRED_GRAPH`, so they can be told apart from stated ones.
``owl:imports`` is never followed: only the loaded files are reasoned over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cspo_graph.errors import UsageError
from cspo_graph.rdfio import GRAPH_BASE

if TYPE_CHECKING:
    import rdflib

INFERRED_GRAPH = GRAPH_BASE + "inferred"
"""The named graph that holds the materialized entailments."""

PROFILES = {
    "rdfs": "RDFS_Semantics",
    "owlrl": "OWLRL_Semantics",
}
"""``--reason`` value -> the owlrl closure class that implements it."""


def materialize(dataset: rdflib.Dataset, profile: str) -> int:
    """Add the entailments of ``profile`` (``rdfs`` or ``owlrl``) to ``dataset``; return how many.

    The closure is computed over the union of the dataset's graphs, without
    axiomatic or datatype triples (they add thousands of statements about the
    vocabularies themselves and nothing about CSpO).
    """
    import owlrl
    import rdflib

    if profile not in PROFILES:
        raise UsageError(f"unknown reasoning profile {profile!r} (known: {', '.join(PROFILES)})")
    stated = rdflib.Graph()
    stated += dataset.triples((None, None, None))
    closure = rdflib.Graph()
    closure += stated
    # improved_datatypes=False: owlrl's own literal converters reject valid xsd:gMonth and
    # xsd:gDay values (logging a traceback for each); rdflib's accept them.
    owlrl.DeductiveClosure(getattr(owlrl, PROFILES[profile]), improved_datatypes=False).expand(closure)
    inferred = dataset.graph(rdflib.URIRef(INFERRED_GRAPH))
    # Triples about literals (RDFS rule rdfs1 and the like) are not RDF and are left out.
    new = [(s, p, o, inferred) for s, p, o in closure - stated if not isinstance(s, rdflib.Literal)]
    dataset.addN(new)
    return len(new)
