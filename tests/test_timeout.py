"""--timeout really stops a runaway query: evaluation, iteration and writing of results alike.

The query runs in a worker process (:mod:`cspo_graph.runtime.workers`) that is killed
when the time is up, so no thread keeps burning CPU afterwards, no process is left
behind and no output file is written.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from processes import busy_descendants

from cspo_graph.errors import CspoError, QueryTimeout

LIMIT = "1.5"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ORDERED = "SELECT ?a ?b WHERE { ?a ?x ?y . ?b ?z ?w } ORDER BY ?a ?b"
LAZY_MILLION = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
CYCLE = "PREFIX : <https://example.org/> SELECT * WHERE { ?x (:p|^:p)* ?y . ?y (:p|^:p)* ?z }"


def child_processes() -> set[int]:
    """The pids of this process's live children (read from /proc, not from multiprocessing)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                children.add(int(entry.name))
    return children


@pytest.fixture
def ring(tmp_path: Path) -> Path:
    """A cycle of 300 nodes linked by :p."""
    path = tmp_path / "ring.ttl"
    lines = [f":n{i} :p :n{(i + 1) % 300} ." for i in range(300)]
    path.write_text("@prefix : <https://example.org/> .\n" + "\n".join(lines) + "\n")
    return path


def stopped_in_time(cli, *args: str) -> str:
    before = child_processes()
    started = time.monotonic()
    result = cli("query", *args, "--timeout", LIMIT)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"Error: <expression>: the query ran past its time limit of {LIMIT} s and was stopped"
    ]
    assert elapsed < float(LIMIT) + 8
    assert multiprocessing.active_children() == []
    assert child_processes() <= before
    return result.output


@pytest.mark.parametrize(
    "args",
    [
        ["-e", CARTESIAN],
        ["-e", ORDERED, "--format", "csv"],
        ["-e", LAZY_MILLION, "--format", "json"],
    ],
    ids=["cartesian product", "order by a million rows", "iterating and writing a million rows"],
)
def test_runaway_queries_are_stopped(cli, args):
    stopped_in_time(cli, *args)


def test_path_over_a_cycle_is_stopped(cli, ring):
    stopped_in_time(cli, "-e", CYCLE, "--data", str(ring))


def test_no_file_is_written_and_an_old_one_is_kept(cli, tmp_path):
    fresh = tmp_path / "fresh.csv"
    stopped_in_time(cli, "-e", ORDERED, "--format", "csv", "-o", str(fresh))
    assert not fresh.exists()
    old = tmp_path / "old.csv"
    old.write_text("previous results\n")
    stopped_in_time(cli, "-e", ORDERED, "--format", "csv", "-o", str(old))
    assert old.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]


def test_a_quick_query_is_answered_within_the_limit(cli, tmp_path):
    output = tmp_path / "founders.csv"
    result = cli("query", "founders", "--timeout", "20", "--format", "csv", "-o", str(output))
    assert result.exit_code == 0
    assert len(output.read_text().splitlines()) == 6
    assert cli("query", "founders", "--timeout", "0").exit_code == 0  # 0: no limit


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_bad_timeouts_are_usage_errors(cli, value):
    assert cli("query", "founders", "--timeout", value).exit_code == 2


def test_default_timeout_is_shown_in_help(cli):
    help_text = " ".join(cli("query", "--help").output.split())
    assert "--timeout SECONDS" in help_text
    assert "[default: 30; x>=0]" in help_text


def test_engine_contract(engine):
    """What the server relies on: Request(timeout=) stops the query, raises QueryTimeout, leaves nothing running."""
    from cspo_graph.query.engines import Request

    assert issubclass(QueryTimeout, CspoError)
    text = "SELECT ?n WHERE { ?n a cspo:Nation } ORDER BY ?n"
    assert engine.query(Request(text, timeout=20)).rows == engine.query(Request(text, timeout=None)).rows
    with pytest.raises(QueryTimeout, match="ran past its time limit of 1 s"):
        engine.query(Request(CARTESIAN, timeout=1))
    assert busy_descendants(os.getpid()) == []


def test_errors_in_the_worker_come_back_as_they_are(engine):
    from cspo_graph.query.engines import Request

    with pytest.raises(CspoError, match=r"<query>:1:\d+: SPARQL syntax error"):
        engine.query(Request("SELECT WHERE {", timeout=5))


@pytest.mark.parametrize("value", ["3e6", "1e300"])
def test_a_very_long_limit_is_a_limit_like_any_other(cli, value):
    """Issue 11.8: --timeout 3e6 overflowed the system's timers ("unexpected OverflowError")."""
    result = cli("query", "founders", "--timeout", value, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 6
