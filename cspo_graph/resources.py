"""Where the shipped ontology, data, query library and source texts live.

In a wheel they are packaged inside ``cspo_graph/_shipped/``; in a source checkout
(including an editable install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SHIPPED = _PACKAGE / "_shipped"
_ROOT = _SHIPPED if _SHIPPED.is_dir() else _PACKAGE.parent

ONTOLOGY = _ROOT / "ontology" / "cspo.ttl"
SHAPES = _ROOT / "ontology" / "shapes.ttl"
DATA = _ROOT / "data" / "triples.trig"
LINKS = _ROOT / "data" / "links.ttl"
QUERIES = _ROOT / "queries"
SOURCES = _ROOT / "sources"
"""The source texts, each named by its source document's ``cspo:fileName``."""

JSONLD_CONTEXTS = {"https://w3id.org/cspo-graph/context.jsonld": _PACKAGE / "rdf" / "context.jsonld"}
"""JSON-LD context IRI -> the copy the package ships; no other context is ever loaded."""

NAMESPACE = "https://w3id.org/cspo-graph/ns#"

PREFIXES = {
    "cspo": NAMESPACE,
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
