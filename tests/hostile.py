"""Test data whose texts try to break out of the HTML page: each payload, if it ever ran,
would set ``window.__pwned`` (or make a request, for ``src=x``)."""

from __future__ import annotations

from pathlib import Path

PERSON = "<img src=x onerror=\"window.__pwned='label'\">"
STATEMENT = "</script><script>window.__pwned='script'</script>"
QUOTE = "<b onmouseover=\"window.__pwned='quote'\">hover</b>\u2028</script><!--"
SOURCE_TITLE = "<img src=y onerror=\"window.__pwned='title'\">"
VIEW_TITLE = "<script>window.__pwned='view'</script> & co"
PERSON_IRI = "https://w3id.org/cspo-graph/ns#Intruder"
STATEMENT_IRI = "https://w3id.org/cspo-graph/ns#IntruderStatement"


def _turtle(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\u2028", "\\u2028") + '"'


TURTLE = f"""@prefix cspo: <https://w3id.org/cspo-graph/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

cspo:Intruder a cspo:Person ; rdfs:label {_turtle(PERSON)} ; prov:wasDerivedFrom cspo:HostileSource .
cspo:IntruderHolding a cspo:PostHolding ; cspo:holder cspo:Intruder ; cspo:post cspo:SecretaryOfWar ;
    cspo:capacity cspo:Acting ; prov:wasDerivedFrom cspo:HostileSource .
cspo:IntruderStatement a cspo:Statement ; rdfs:label {_turtle(STATEMENT)} ;
    cspo:speaker cspo:Intruder ; cspo:quote {_turtle(QUOTE)} ; cspo:atMeeting cspo:CSpOMeeting ;
    prov:wasDerivedFrom cspo:HostileSource .
cspo:HostileSource a cspo:NewsArticle ; rdfs:label "Hostile source" ; dcterms:title {_turtle(SOURCE_TITLE)} .
"""


def write(folder: Path) -> Path:
    """Write the hostile Turtle file into ``folder``."""
    path = folder / "hostile.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    return path


def write_view(folder: Path) -> Path:
    """A custom view query whose title is hostile too."""
    path = folder / "hostile.rq"
    path.write_text(
        f"# {VIEW_TITLE}\n# {PERSON}\nCONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . "
        "?s a cspo:Statement . FILTER(isIRI(?o)) FILTER(?p != rdf:type) }\n",
        encoding="utf-8",
    )
    return path
