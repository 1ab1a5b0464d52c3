"""Every library query answers with the expected rows, sources cited."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from compare import SortKey, aggregated_columns, comparable, projected, sort_keys

from cspo_graph.query.library import query_library, resolve
from cspo_graph.query.render import compact
from cspo_graph.query.sparql import run_query

DOW = "U.S. Department of War press release"
DX = "The Dallas Express article"
BOTH = {DOW, DX}
MEETING = "CSpO meeting hosted by the French Space Command"
NATIONS = {
    "Australia", "Canada", "France", "Germany", "Italy", "Japan", "New Zealand", "Norway",
    "United Kingdom", "United States",
}  # fmt: skip


def cell(text: str) -> str | frozenset[str]:
    """A GROUP_CONCAT cell (order undefined) as a set; any other cell as is."""
    return frozenset(text.split("; ")) if "; " in text else text


@pytest.fixture(scope="module")
def answers(dataset):
    """Each library query's answer on the built-in data (rdflib), by name."""
    return {query.name: run_query(dataset, query.text) for query in query_library()}


def rows(dataset, query: str, **params) -> list[tuple]:
    result = run_query(dataset, resolve(query).text, params=params)
    return [tuple(cell(compact(value)) for value in row) for row in result.rows]


def s(*items: str) -> frozenset[str]:
    return frozenset(items)


def test_every_library_file_has_a_title_and_description_and_runs(answers):
    library = query_library()
    assert len(library) >= 13
    for query in library:
        assert query.title and query.description and not query.title.startswith("PREFIX"), query.name
        assert answers[query.name].rows, query.name


def test_founders_are_exactly_the_five(dataset):
    assert rows(dataset, "founders") == [
        ("Australia", "2018", DX),
        ("Canada", "2018", DX),
        ("New Zealand", "2018", DX),
        ("United Kingdom", "2018", DX),
        ("United States", "2018", DX),
    ]


def test_members_with_the_year_each_joined(dataset):
    both = frozenset(BOTH)
    assert rows(dataset, "members") == [
        ("Australia", "2018", "true", both, DX),
        ("Canada", "2018", "true", both, DX),
        ("New Zealand", "2018", "true", both, DX),
        ("United Kingdom", "2018", "true", both, DX),
        ("United States", "2018", "true", both, DX),
        ("France", "2020", "false", both, DX),
        ("Germany", "2020", "false", both, DX),
        ("Italy", "2023", "false", both, DX),
        ("Japan", "2023", "false", both, DX),
        ("Norway", "2023", "false", both, DX),
    ]


def test_who_led_the_us_delegation_and_in_which_posts(dataset):
    both = frozenset(BOTH)
    assert rows(dataset, "us-delegation") == [
        (MEETING, "Chance Saltzman", DOW, "Chief of Space Operations, U.S. Space Force", "holds the post", both),
        (MEETING, "Robert Brose", DOW, "Assistant Secretary of War for Space Policy", "acting", DOW),
        (MEETING, "Robert Brose", DOW, "Assistant Secretary of War for Space Policy", "performing the duties of", DX),
        (MEETING, "Robert Brose", DOW, "Deputy Assistant Secretary of War for Space and Missile Defense",
         "holds the post", both),
        (MEETING, "Stephen Whiting", DOW, "Commander, Multinational Force Operation Olympic Defender",
         "holds the post", both),
        (MEETING, "Stephen Whiting", DOW, "Commander, U.S. Space Command", "holds the post", both),
    ]  # fmt: skip


def test_who_said_what(dataset):
    both = frozenset(BOTH)
    saltzman = "Chief of Space Operations, U.S. Space Force"
    assert rows(dataset, "statements") == [
        (
            "Chance Saltzman",
            saltzman,
            "To be effective, we must collaborate on our architectures, integrate our training, exercises, "
            "and operations, and build a common understanding of the threats we face.",
            both,
        ),
        (
            "Chance Saltzman",
            saltzman,
            "We are building a coalition capable of addressing the challenges of a contested space environment",
            both,
        ),
        (
            "Robert Brose",
            s(
                "Deputy Assistant Secretary of War for Space and Missile Defense",
                "acting Assistant Secretary of War for Space Policy",
                "performing the duties of Assistant Secretary of War for Space Policy",
            ),
            "Just as our military defends our freedom, rights, and interests on earth, the military of the "
            "United States of America will protect and defend our freedom, rights, and interests in space",
            both,
        ),
        (
            "Stephen Whiting",
            s("Commander, U.S. Space Command", "Commander, Multinational Force Operation Olympic Defender"),
            "Our opponents are moving at jaw-dropping speed, and we must match that pace with integrated "
            "coalition capabilities that deter aggression and defend our interests",
            both,
        ),
    ]


def test_every_post_of_every_person_with_each_wording_and_source(dataset):
    found = rows(dataset, "posts")
    assert len(found) == 12
    assert ("Robert Brose", "Assistant Secretary of War for Space Policy", "U.S. Department of War", "acting",
            "Robert Brose, Deputy Assistant Secretary of War for Space and Missile Defense currently serving "
            "as Acting Assistant Secretary of War for Space Policy", DOW) in found  # fmt: skip
    assert ("Chance Saltzman", "Chief of Space Operations, U.S. Space Force", "U.S. Space Force",
            "holds the post", "said U.S. Gen. Chance Saltzman, Chief of Space Operations, U.S. Space Force",
            DX) in found  # fmt: skip
    people = {row[0] for row in found}
    assert people == {"Chance Saltzman", "Stephen Whiting", "Robert Brose", "Pete Hegseth"}


def test_posts_of_one_person_by_parameter(dataset):
    from cspo_graph.query.params import parse_value

    found = rows(dataset, "posts", name=parse_value('"Pete Hegseth"@en'))
    assert {row[1:4] for row in found} == {("Secretary of War", "U.S. Department of War", "holds the post")}
    assert {row[5] for row in found} == {DOW}


def test_the_meeting(dataset):
    assert rows(dataset, "meeting") == [
        (
            MEETING,
            "French Space Command Headquarters",
            "French Space Command",
            "outskirts of Toulouse, France",
            DX,
            "December 5 (year not given)",
            DX,
            frozenset(NATIONS),
            frozenset(BOTH),
        )
    ]


def test_who_represents_whom(dataset):
    found = rows(dataset, "delegations")
    assert [row[1] for row in found] == sorted(NATIONS)
    assert {row[2] for row in found} == {frozenset(BOTH)}
    leaders = {row[1]: (row[3], row[4]) for row in found}
    assert leaders.pop("United States") == (s("Chance Saltzman", "Stephen Whiting", "Robert Brose"), DOW)
    assert set(leaders.values()) == {("", "")}


def test_facts_per_source(dataset):
    found = rows(dataset, "facts-by-source")
    per_source: dict[str, dict[str, int]] = {}
    for document, _publisher, kind, _fact in found:
        per_source.setdefault(document, {}).setdefault(kind, 0)
        per_source[document][kind] += 1
    assert per_source[DOW] == {
        "Commitment": 2, "Delegation": 10, "Meeting": 1, "Membership": 10, "Post holding": 6,
        "Reported claim": 3, "Risk outlined": 3, "Statement": 4, "Topic discussed": 3,
    }  # fmt: skip
    assert per_source[DX] == {
        "Commitment": 1, "Delegation": 10, "Hedged claim": 4, "Meeting": 1, "Membership": 10,
        "Post holding": 5, "Reported claim": 2, "Risk outlined": 2, "Statement": 4, "Topic discussed": 6,
    }  # fmt: skip
    assert (DOW, "U.S. Department of War", "Post holding", "Pete Hegseth, Secretary of War") in found
    assert (DX, "The Dallas Express", "Hedged claim",
            "The nine other nations are the United States' closest 'interstellar allies'") in found  # fmt: skip


def test_facts_the_sources_word_differently(dataset):
    found = rows(dataset, "worded-differently")
    assert all(row[1] == DX and row[3] == DOW for row in found)
    by_fact = {row[0]: (row[2], row[4]) for row in found}
    brose = s(
        "Robert Brose, Deputy Assistant Secretary of War for Space and Missile Defense",
        "Robert Brose, performing the duties of Assistant Secretary of War for Space Policy",
    )
    assert by_fact[brose] == (
        "said Robert Brose, Deputy Assistant Secretary of War for Space and Missile Defense, currently "
        "performing the duties of Assistant Secretary of War for Space Policy, via press release.",
        "Robert Brose, Deputy Assistant Secretary of War for Space and Missile Defense currently serving as "
        "Acting Assistant Secretary of War for Space Policy",
    )
    assert by_fact["Chance Saltzman, Chief of Space Operations"] == (
        "said U.S. Gen. Chance Saltzman, Chief of Space Operations, U.S. Space Force",
        "Gen. Chance Saltzman, Chief of Space Operations for the U.S. Space Force",
    )
    # each source's attribution of a quote, with its own verb
    assert by_fact["Stephen Whiting on the speed of opponents"] == (
        "added Gen. Stephen Whiting, Commander, U.S. Space Command and Commander, Multinational Force Operation "
        "Olympic Defender",
        "said Whiting",
    )
    assert len(found) == 11


def test_hedged_claims(dataset):
    found = rows(dataset, "hedged-claims")
    assert [(row[0], row[1], row[3], row[4]) for row in found] == [
        ("Italy, Japan and Norway joined in 2023, named as examples of the countries that joined then",
         "other countries like", "The Dallas Express", DX),
        ("The group discussed the impact of 'weapons of mass destruction' floating around the galaxy",
         "reportedly", "The Dallas Express", DX),
        ("The meeting sent a clear message that space is increasingly seen as a new domain requiring strong "
         "partnerships across the globe", "sent a clear message that", "The Dallas Express", DX),
        ("The nine other nations are the United States' closest 'interstellar allies'",
         "“interstellar allies”", "The Dallas Express", DX),
    ]  # fmt: skip
    assert found[1][2] == (
        "The group reportedly discussed the impact of “weapons of mass destruction” floating around the galaxy."
    )


def test_reported_claims_keep_claimant_verb_and_source(dataset):
    found = rows(dataset, "claims")
    assert len(found) == 26  # the weapons-of-mass-destruction claim is both a topic and hedged
    delegations = frozenset(
        f"{n} delegation"
        for n in (
            "Australian",
            "Canadian",
            "French",
            "German",
            "Italian",
            "Japanese",
            "New Zealand",
            "Norwegian",
            "UK",
            "U.S.",
        )
    )
    assert ("Risk outlined", "Concerns about orbital debris", "United States", "outlined", DOW) in found
    assert ("Risk outlined", "Orbital debris as a logistical obstacle", frozenset(NATIONS), "focused on", DX) in found
    assert ("Topic discussed", "Practical steps to enhance coalition space power amid rising threats",
            "U.S. delegation", "encouraged", DOW) in found  # fmt: skip
    assert ("Topic discussed", "Initiatives to prioritize sustainable space power", delegations, "discussed",
            DX) in found  # fmt: skip
    assert ("Commitment", "Reaffirmed teamwork and commitment to foreign deterrence in space operations",
            frozenset(NATIONS), "reaffirmed", DX) in found  # fmt: skip
    assert ("Reported claim", "The CSpO brings its ten members together to coordinate space operations and strategy",
            "unattributed", "brings together", DOW) in found  # fmt: skip
    assert all(row[2] for row in found), "every claim has a claimant or is marked unattributed"
    assert all(row[4] in (DOW, DX) for row in found), "every claim is one source's"


def test_the_judgements_of_the_curators_are_listed_with_their_reasons(dataset):
    result = run_query(dataset, resolve("judgements").text)
    found = {compact(row[0]): [compact(cell) for cell in row] for row in result.rows}
    assert found["Labels the curators coined"][1:3] == ["70", "label"]
    assert "page header" in found["The press release is a press release of the U.S. Department of War"][3]
    assert (
        "never calls the facility a headquarters" in found["The facility is the French Space Command Headquarters"][3]
    )
    assert len(found) == 18 and all(row[3] for row in found.values())


def test_what_each_source_says_about_the_cspo(dataset):
    from cspo_graph.query.params import parse_value

    found = rows(dataset, "what-each-source-says", about=parse_value("cspo:CSpO"))
    said = {(row[1], row[2], row[3]) for row in found}
    assert (DX, "foundingDate", "2018") in said and (DOW, "foundingDate", "2018") not in said
    assert (DOW, "altLabel", "CSpO alliance") in said and (DX, "altLabel", "CSpO alliance") not in said
    assert (DOW, "label", "Combined Space Operations (CSpO) Initiative") in said
    assert (DX, "label", "Combined Space Operations (CSpO) Initiative") in said


NAMES = [q.name for q in query_library()]


@pytest.mark.parametrize("name", NAMES)
def test_every_order_by_keys_every_column(name):
    """A library query's ORDER BY keys each of its columns, so two rows that tie are the same row
    and every engine gives the rows in one order. A column is keyed as ``STR(?v)`` (engines do
    not order language-tagged literals alike), ``COALESCE(STR(?v), "")`` where it may be unbound
    (rdflib 7.6 fails on STR() of an unbound variable in ORDER BY), or as itself where the
    query's own SELECT aggregates it (Virtuoso refuses STR() of an aggregate, SP031: a
    GROUP_CONCAT over STR() is a plain string, a COUNT a number, both ordered alike everywhere)."""
    text = resolve(name).text
    keys = sort_keys(text)
    assert keys is not None, f"{name} has no ORDER BY"
    assert None not in keys, f'{name}: an ORDER BY condition is not ?v, STR(?v) nor COALESCE(STR(?v), "")'
    assert set(projected(text)) <= {key.variable for key in keys if key}, f"{name}: ORDER BY leaves a column out"
    aggregated = aggregated_columns(text)
    for key in keys:
        assert key and (key.variable in aggregated) == (key.form == "itself"), f"{name}: {key}"


def sort_value(term, key: SortKey) -> tuple:
    """What an engine sorts ``term`` by under ``key``, as SPARQL defines it for the three forms."""
    if key.form != "itself":
        assert term is not None or key.form == "COALESCE", f"?{key.variable} is unbound: key it with COALESCE"
        return (1, "" if term is None else term.value)
    if term is None:
        return (0, "")
    assert term.kind == "literal" and not term.lang, f"?{key.variable}: {term} is ordered differently by engines"
    if term.datatype == "http://www.w3.org/2001/XMLSchema#integer":
        return (1, Decimal(term.value))
    return (2, term.value)


def in_order(first: tuple, second: tuple, keys: list[SortKey]) -> bool:
    for one, other, key in zip(first, second, keys, strict=True):
        if one != other:
            return (one < other) != key.descending
    return True


@pytest.mark.parametrize("name", NAMES)
def test_no_two_rows_tie_on_the_built_in_data(name, answers):
    """On the built-in data, the keys in the rows as rdflib gives them: in order, and no two different rows
    share their keys (two terms that differ only in a language tag or datatype would)."""
    text = resolve(name).text
    keys = [key for key in sort_keys(text) or [] if key]
    result = answers[name]
    position = {variable: index for index, variable in enumerate(result.variables)}
    rows = [(tuple(sort_value(row[position[k.variable]], k) for k in keys), row) for row in result.rows]
    assert all(in_order(a[0], b[0], keys) for a, b in pairwise(rows)), f"{name}: rdflib's order is not the keys'"
    tied: dict[tuple, set] = {}
    for values, row in rows:
        tied.setdefault(values, set()).add(row)
    assert all(len(same) == 1 for same in tied.values()), f"{name}: different rows share their keys"


def test_what_each_source_says_names_each_curation_graph_by_its_label(dataset):
    """Every triple of a curators' graph, judged or not, under that graph's label; the reason with the
    judged ones only (an inner OPTIONAL that used ?about and ?p gave the unjudged ones the graph's IRI)."""
    found = rows(dataset, "what-each-source-says")
    by_source: dict[str, set[bool]] = {}
    for row in found:
        by_source.setdefault(row[1], set()).add(bool(row[4]))
    assert by_source["What the curators judged"] == by_source["Identifiers added for linking"] == {True, False}
    assert not {source for source in by_source if source.endswith(("/graph/curation", "/graph/links"))}
    assert all(not row[4] for row in found if row[1] in BOTH)


@pytest.mark.parametrize("name", NAMES)
def test_library_queries_declare_their_prefixes(name):
    """Library queries must run on any SPARQL engine, so they cannot rely on our built-in prefixes."""
    import pyoxigraph

    pyoxigraph.Store().query(resolve(name).text)


@pytest.fixture(scope="module")
def union_with_duplicates():
    """The built-in files in an in-memory Oxigraph whose union default graph repeats shared triples."""
    import pyoxigraph

    from cspo_graph.rdf.parsing import expand, graph_name, parse_quads

    store = pyoxigraph.Store()
    for path in expand(None):
        for quad in parse_quads(path):
            default = isinstance(quad.graph_name, pyoxigraph.DefaultGraph)
            graph = pyoxigraph.NamedNode(graph_name(path)) if default else quad.graph_name
            store.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, graph))

    def count(text: str) -> int:
        return int(next(iter(store.query(text, use_default_graph_as_union=True)))["n"].value)

    repeated = count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    distinct = count("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert repeated > distinct + 100, "the source graphs share triples: Oxigraph's union repeats them"
    return store


@pytest.mark.parametrize("name", NAMES)
def test_library_queries_give_the_same_rows_when_the_default_graph_repeats_triples(
    name, answers, union_with_duplicates
):
    from cspo_graph.query.results import result_from_oxigraph

    text = resolve(name).text
    answer = result_from_oxigraph(union_with_duplicates.query(text, use_default_graph_as_union=True))
    assert comparable(answer, text) == comparable(answers[name], text)
