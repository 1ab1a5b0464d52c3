"""Every library query answers with the expected rows, sources cited."""

from __future__ import annotations

import pytest

from cspo_graph.query.library import query_library, resolve
from cspo_graph.query.render import compact
from cspo_graph.query.sparql import run_query

DOW = "U.S. Department of War press release"
DX = "The Dallas Express article"
BOTH = {DOW, DX}
MEETING = "CSpO meeting at the French Space Command Headquarters near Toulouse"
NATIONS = {
    "Australia", "Canada", "France", "Germany", "Italy", "Japan", "New Zealand", "Norway",
    "United Kingdom", "United States",
}  # fmt: skip


def cell(text: str) -> str | frozenset[str]:
    """A GROUP_CONCAT cell (order undefined) as a set; any other cell as is."""
    return frozenset(text.split("; ")) if "; " in text else text


def rows(dataset, query: str, **params) -> list[tuple]:
    result = run_query(dataset, resolve(query).text, params=params)
    return [tuple(cell(compact(value)) for value in row) for row in result.rows]


def s(*items: str) -> frozenset[str]:
    return frozenset(items)


def test_every_library_file_has_a_title_and_description_and_runs(dataset):
    library = query_library()
    assert len(library) >= 12
    for query in library:
        assert query.title and query.description and not query.title.startswith("PREFIX"), query.name
        assert run_query(dataset, query.text).rows, query.name


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
        (MEETING, "Chance Saltzman", "Chief of Space Operations, U.S. Space Force", "holds the post", both),
        (MEETING, "Robert Brose", "Assistant Secretary of War for Space Policy", "acting", DOW),
        (
            MEETING,
            "Robert Brose",
            "Assistant Secretary of War for Space Policy",
            "performing the duties of",
            DX,
        ),
        (
            MEETING,
            "Robert Brose",
            "Deputy Assistant Secretary of War for Space and Missile Defense",
            "holds the post",
            both,
        ),
        (
            MEETING,
            "Stephen Whiting",
            "Commander, Multinational Force Operation Olympic Defender",
            "holds the post",
            both,
        ),
        (MEETING, "Stephen Whiting", "Commander, U.S. Space Command", "holds the post", both),
    ]


def test_who_said_what(dataset):
    both = frozenset(BOTH)
    saltzman = "Chief of Space Operations, U.S. Space Force"
    assert rows(dataset, "statements") == [
        (
            "Chance Saltzman",
            saltzman,
            "To be effective, we must collaborate on our architectures, integrate our training, exercises, "
            "and operations, and build a common understanding of the threats we face.",
            MEETING,
            both,
        ),
        (
            "Chance Saltzman",
            saltzman,
            "We are building a coalition capable of addressing the challenges of a contested space environment",
            MEETING,
            both,
        ),
        (
            "Robert Brose",
            s(
                "Deputy Assistant Secretary of War for Space and Missile Defense",
                "Assistant Secretary of War for Space Policy",
            ),
            "Just as our military defends our freedom, rights, and interests on earth, the military of the "
            "United States of America will protect and defend our freedom, rights, and interests in space",
            MEETING,
            both,
        ),
        (
            "Stephen Whiting",
            s("Commander, U.S. Space Command", "Commander, Multinational Force Operation Olympic Defender"),
            "Our opponents are moving at jaw-dropping speed, and we must match that pace with integrated "
            "coalition capabilities that deter aggression and defend our interests",
            MEETING,
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
            "holds the post", "U.S. Gen. Chance Saltzman, Chief of Space Operations, U.S. Space Force",
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
            "Toulouse, France",
            "December 5 (year not given)",
            frozenset(NATIONS),
            frozenset(BOTH),
        )
    ]


def test_who_represents_whom(dataset):
    found = rows(dataset, "delegations")
    assert [row[1] for row in found] == sorted(NATIONS)
    leaders = {row[1]: row[2] for row in found}
    assert leaders.pop("United States") == s("Chance Saltzman", "Stephen Whiting", "Robert Brose")
    assert set(leaders.values()) == {""}
    assert {row[3] for row in found} == {frozenset(BOTH)}


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
        "Commitment": 1, "Delegation": 10, "Hedged claim": 3, "Meeting": 1, "Membership": 10,
        "Post holding": 5, "Reported claim": 1, "Risk outlined": 2, "Statement": 4, "Topic discussed": 6,
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
        "U.S. Gen. Chance Saltzman, Chief of Space Operations, U.S. Space Force",
        "Gen. Chance Saltzman, Chief of Space Operations for the U.S. Space Force",
    )
    assert "Orbital debris" in by_fact
    assert len(found) == 10


def test_hedged_claims(dataset):
    found = rows(dataset, "hedged-claims")
    assert [(row[0], row[1], row[3], row[4]) for row in found] == [
        ("The group discussed the impact of 'weapons of mass destruction' floating around the galaxy",
         "reportedly", "The Dallas Express", DX),
        ("The meeting sent a clear message that space is increasingly seen as a new domain requiring strong "
         "partnerships across the globe", "sent a clear message that", "The Dallas Express", DX),
        ("The nine other nations are the United States' closest 'interstellar allies'",
         "“interstellar allies”", "The Dallas Express", DX),
    ]  # fmt: skip
    assert found[0][2] == (
        "The group reportedly discussed the impact of “weapons of mass destruction” floating around the galaxy."
    )


def test_reported_claims(dataset):
    found = rows(dataset, "claims")
    assert len(found) == 20  # the weapons-of-mass-destruction claim is both a topic and hedged
    assert ("Risk outlined", "Orbital debris", "", frozenset(BOTH)) in found
    assert ("Commitment", "Reaffirmed teamwork and commitment to foreign deterrence in space operations",
            frozenset(NATIONS), DX) in found  # fmt: skip
    assert ("Reported claim", "The U.S. delegation reflected on guidance from Secretary Hegseth about "
            "restoring a warfighting ethos", "U.S. delegation", DOW) in found  # fmt: skip


def test_inferred_resources_are_listed(dataset):
    assert [row[0] for row in rows(dataset, "inferred")] == [DX, "U.S. Department of War", DOW]


@pytest.mark.parametrize("name", [q.name for q in query_library()])
def test_library_queries_declare_their_prefixes(name):
    """Library queries must run on any SPARQL engine, so they cannot rely on our built-in prefixes."""
    import pyoxigraph

    pyoxigraph.Store().query(resolve(name).text)
