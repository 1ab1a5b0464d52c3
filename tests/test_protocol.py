"""The SPARQL Protocol client's pure parts: canonical terms, URL checks, what can be paged."""

from __future__ import annotations

import pytest

from cspo_graph.errors import UsageError
from cspo_graph.query.results import XSD
from cspo_graph.stores.http import check_url
from cspo_graph.stores.protocol import canonical_lexical, check_pageable, term_from_json


@pytest.mark.parametrize(
    ("value", "datatype", "canonical"),
    [
        ("1", "boolean", "true"),
        ("0", "boolean", "false"),
        ("true", "boolean", "true"),
        ("+07", "integer", "7"),
        ("-0", "integer", "0"),
        ("0042", "nonNegativeInteger", "42"),
        ("x", "integer", "x"),
        ("2.50", "decimal", "2.50"),
        ("1", "string", "1"),
    ],
)
def test_canonical_lexical_forms(value, datatype, canonical):
    assert canonical_lexical(value, XSD + datatype) == canonical


def test_virtuoso_typed_literal_boolean_becomes_true():
    term = term_from_json({"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"})
    assert (term.value, term.datatype) == ("true", XSD + "boolean")


@pytest.mark.parametrize(
    "url", ["http://alice:s3cret@host/sparql", "https://alice@host/", "alice:s3cret@host/sparql", "HTTP://a:b@h:1/"]
)
def test_userinfo_is_refused_and_never_repeated(url):
    with pytest.raises(UsageError) as caught:
        check_url(url)
    assert "s3cret" not in str(caught.value) and "alice" not in str(caught.value)


@pytest.mark.parametrize("url", ["http://host/sparql?x=a@b", "https://host:8890/sparql", "http://127.0.0.1:7878/query"])
def test_plain_urls_pass(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * { ?s ?p ?o }", "needs a SELECT query with ORDER BY"),
        ("ASK { ?s ?p ?o }", "needs a SELECT query with ORDER BY"),
        ("SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 5", "its own LIMIT"),
        ("SELECT * { ?s ?p ?o } ORDER BY ?s VALUES ?s { <urn:a> }", "its own LIMIT"),
    ],
)
def test_only_ordered_selects_are_paged(text, message):
    with pytest.raises(UsageError, match=message):
        check_pageable(text)
    check_pageable("SELECT * { ?s ?p ?o } ORDER BY ?s ?p ?o")
