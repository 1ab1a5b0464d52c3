"""Shared fixtures: the built-in dataset, a CLI runner, and the seed texts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cspo_graph.cli import main

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def dataset():
    """The built-in ontology and data, loaded once."""
    from cspo_graph.rdfio import load

    return load()


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run ``cspo-graph ARGS...`` in-process and return click's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, except in CI, where a missing part is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)
