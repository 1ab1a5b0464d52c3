"""The synthetic graph generator: reproducible, in the project's vocabulary, any size."""

from __future__ import annotations

import io

import pyoxigraph
import pytest

from bench.generate import CSPO, Profile, Writer, generate
from tests.synthetic import synthetic_text


def triples(text: str, fmt: pyoxigraph.RdfFormat) -> set[str]:
    return {str(quad.triple) for quad in pyoxigraph.parse(text.encode(), fmt)}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_graph():
    first = synthetic_text(2500, seed=7)
    assert synthetic_text(2500, seed=7) == first
    assert synthetic_text(2500, seed=8) != first


@pytest.mark.parametrize("size", [3000, 12000])
def test_it_makes_at_least_the_triples_asked_for_in_turtle_or_n_triples(size):
    buffer = io.StringIO()
    count = generate(size, buffer, seed=3)
    turtle = triples(buffer.getvalue(), pyoxigraph.RdfFormat.TURTLE)
    ntriples = triples(synthetic_text(size, seed=3, turtle=False), pyoxigraph.RdfFormat.N_TRIPLES)
    assert turtle == ntriples
    assert size <= count == len(turtle) < size + 1000  # it stops after the meeting that reaches the size


def test_the_shape_is_measured_on_the_curated_data():
    profile = Profile.measure()
    assert profile.delegations == 10 and profile.statements == 4
    assert sum(profile.claims.values()) == 26
    assert 0 < profile.both_sources_share < 1 and profile.facts_per_wording > 1


def test_a_term_outside_the_vocabulary_is_refused():
    writer = Writer(io.StringIO(), turtle=True, vocabulary={f"<{CSPO}Nation>"})
    writer.node("<http://x/a>", [(f"<{CSPO}Nation>", '"ok"')])
    with pytest.raises(ValueError, match="not defined by the ontology"):
        writer.node("<http://x/a>", [(f"<{CSPO}Natoin>", '"typo"')])
