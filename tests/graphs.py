"""The namespaces and named graphs of the shipped data, as the provenance tests name them."""

from __future__ import annotations

from rdflib import Namespace, URIRef

from cspo_graph import resources
from cspo_graph.provenance.sources import SOURCE_GRAPH_BASE

CSPO = Namespace(resources.NAMESPACE)
PROV = Namespace(resources.PREFIXES["prov"])
ORG = Namespace(resources.PREFIXES["org"])
SCHEMA = Namespace(resources.PREFIXES["schema"])
TIME = Namespace(resources.PREFIXES["time"])
DCTERMS = Namespace(resources.PREFIXES["dcterms"])
RELEASE = URIRef(SOURCE_GRAPH_BASE + "DoWPressRelease")
ARTICLE = URIRef(SOURCE_GRAPH_BASE + "DallasExpressArticle")
CURATION = URIRef("https://w3id.org/cspo-graph/graph/curation")
SOURCES_GRAPH = URIRef("https://w3id.org/cspo-graph/graph/sources")
LINKS = URIRef("https://w3id.org/cspo-graph/graph/links")
