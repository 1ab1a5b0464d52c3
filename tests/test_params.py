"""--param values: typed, validated, and never able to change the query they are bound into."""

from __future__ import annotations

import pytest
import rdflib

from cspo_graph.errors import UsageError
from cspo_graph.query.params import parse_param, parse_params, parse_value

XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
CSPO = rdflib.Namespace("https://w3id.org/cspo-graph/ns#")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("<https://example.org/x>", rdflib.URIRef("https://example.org/x")),
        ("cspo:RobertBrose", CSPO.RobertBrose),
        ('"Robert Brose"@en', rdflib.Literal("Robert Brose", lang="en")),
        ('"2018"^^xsd:gYear', rdflib.Literal("2018", datatype=XSD.gYear)),
        ('"--12"^^xsd:gMonth', rdflib.Literal("--12", datatype=XSD.gMonth)),
        (
            '"x"^^<https://example.org/t>',
            rdflib.Literal("x", datatype=rdflib.URIRef("https://example.org/t")),
        ),
        ("42", rdflib.Literal("42", datatype=XSD.integer)),
        ("-4.5", rdflib.Literal("-4.5", datatype=XSD.decimal)),
        ("1e3", rdflib.Literal("1e3", datatype=XSD.double)),
        ("true", rdflib.Literal("true", datatype=XSD.boolean)),
        ("12:30", rdflib.Literal("12:30")),
        ("", rdflib.Literal("")),
        ('"quoted" text', rdflib.Literal('"quoted" text')),
    ],
)
def test_typed_values(text, term):
    assert parse_value(text) == term


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<relative>", "not a valid absolute IRI"),
        ("<https://example.org/a\x00b>", "not a valid absolute IRI"),
        ("<https://example.org/a b>", "write an IRI in angle brackets"),
        ("<https://example.org/{x}>", "write an IRI in angle brackets"),
        ("https://example.org/x", "write an IRI in angle brackets"),
        ("nope:Thing", "known prefix"),
        ('"abc"^^xsd:integer', "'abc' is not a valid xsd:integer"),
        ('"2018-13"^^xsd:gYearMonth', "is not a valid xsd:gYearMonth"),
        ('"18"^^xsd:gYear', "is not a valid xsd:gYear"),
        ('"maybe"^^xsd:boolean', "is not a valid xsd:boolean"),
        ('"2018-02-30"^^xsd:date', "is not a valid xsd:date"),
        ('"x"^^nope:t', "known prefix"),
    ],
)
def test_invalid_values_are_usage_errors(text, message):
    with pytest.raises(UsageError, match=message):
        parse_value(text, f"v={text}")


@pytest.mark.parametrize("spec", ["=x", "no-equals", "1x=2", "a b=1", "x;y=1"])
def test_bad_names(spec):
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_param(spec)


def test_a_variable_bound_twice_is_refused():
    assert parse_params(["?a=1", "$b=2"]).keys() == {"a", "b"}
    with pytest.raises(UsageError, match=r"\?a is bound twice"):
        parse_params(["a=1", "a=2"])


INJECTIONS = [
    '"x" } UNION { ?s ?p ?o',
    'x" } UNION { ?holding ?p ?o } #',
    "cspo:RobertBrose } UNION { ?s ?p ?o",
    "?s",
    "$person",
    ") FILTER(true",
    "1 ; DROP ALL",
    '"" . ?person ?p ?o',
    '"\\" } UNION { ?s ?p ?o } #"@en',
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_value_that_tries_to_break_out_is_just_a_value(cli, value):
    """Bound to ?person, any of these matches no one: the query is not changed by it."""
    result = cli("query", "posts", "--param", f"person={value}", "--format", "csv")
    if result.exit_code == 2:  # refused as a malformed value: also fine
        assert result.output.startswith("Usage:") or result.output.startswith("Error: --param")
        return
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["name,post,organization,capacity,wording,source"]


def test_a_bound_value_narrows_the_query(cli):
    everyone = cli("query", "posts", "--format", "csv").output.splitlines()
    brose = cli("query", "posts", "--param", "person=cspo:RobertBrose", "--format", "csv").output.splitlines()
    assert len(everyone) > len(brose) > 1
    assert all(row.startswith("Robert Brose,") for row in brose[1:])


def test_unknown_variable_and_usage_exit_codes(cli):
    result = cli("query", "posts", "--param", "nobody=1")
    assert result.exit_code == 2
    assert "the query has no variable ?nobody" in result.output
    assert cli("query", "posts", "--param", "person=nope:X").exit_code == 2
