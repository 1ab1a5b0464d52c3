"""Synthetic graphs for the tests, made by the benchmark's generator (bench/generate.py)."""

from __future__ import annotations

import io

from bench.generate import generate


def synthetic_text(triples: int, seed: int = 1, turtle: bool = True) -> str:
    """A generated graph of at least ``triples`` triples, as text."""
    buffer = io.StringIO()
    generate(triples, buffer, seed=seed, turtle=turtle)
    return buffer.getvalue()
