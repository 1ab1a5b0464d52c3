"""Lexical facts about SPARQL texts: each errs on the side of the full check."""

from __future__ import annotations

import pytest

from cspo_graph.query.sparqltext import (
    group_concat_variables,
    has_dataset_clause,
    may_call_service,
    may_vary,
    mentioned_variables,
)

TRICKY = """PREFIX x: <http://e/?notvar#c> # a comment with ?com and SERVICE
SELECT ?a $b (GROUP_CONCAT(CONCAT(?a, ")"); separator="(") AS ?joined)
WHERE { ?a x:p "?str FROM" . ?a x:q '''?long
text''' FILTER(?a < ?b) }"""


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * { SERVI\\u0043E <http://x/> { ?s ?p ?o } }",
        "SELECT * { \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 <http://x/> { ?s ?p ?o } }",
    ],
)
def test_every_spelling_of_service_is_caught(text):
    assert may_call_service(text)


def test_a_text_without_the_word_needs_no_check():
    assert not may_call_service("SELECT * { ?s ?p ?o }")


def test_variables_outside_comments_strings_and_iris():
    assert mentioned_variables(TRICKY) == {"a", "b", "joined"}


def test_group_concat_targets():
    assert group_concat_variables(TRICKY) == {"joined"}
    assert group_concat_variables("SELECT (group_concat(?x) as $y) (COUNT(?z) AS ?n) {}") == {"y"}


def test_dataset_clauses():
    assert has_dataset_clause("SELECT * FROM <http://x/g> { ?s ?p ?o }")
    assert has_dataset_clause("select * from named <http://x/g> { ?s ?p ?o }")
    assert not has_dataset_clause(TRICKY)
    assert not has_dataset_clause("PREFIX from: <http://x/> SELECT ?from { ?from from:p _:from }")


@pytest.mark.parametrize("call", ["NOW()", "rand ()", "UUID()", "STRUUID()", "BNODE()", "bnode(?x)"])
def test_volatile_functions(call):
    assert may_vary(f"SELECT ({call} AS ?v) {{}}")


def test_stable_functions():
    assert not may_vary("SELECT (STRLEN(?snow) AS ?n) { ?s ?p ?snow }")
