"""What a shell user meets besides the answers: completion, "did you mean", and saying what was written."""

from __future__ import annotations

import os
import subprocess

import pytest

from cspo_graph.query.library import query_library


def complete(*words: str) -> list[str]:
    """What bash completion offers after ``cspo-graph WORDS...`` (the last word being completed)."""
    environment = {
        **os.environ,
        "_CSPO_GRAPH_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(["cspo-graph", *words]),
        "COMP_CWORD": str(len(words)),
    }
    answer = subprocess.run(["cspo-graph"], env=environment, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in answer.stdout.splitlines()]


def test_commands_complete():
    assert complete("qu") == ["queries", "query"]


def test_library_query_names_complete():
    assert complete("query", "") == [q.name for q in query_library()]
    assert complete("query", "fo") == ["founders"]


def test_options_complete():
    assert "--format" in complete("query", "--f")


def test_a_mistyped_command_gets_a_suggestion(cli):
    result = cli("qurey", "founders")
    assert result.exit_code == 2
    assert "No such command 'qurey'. Did you mean 'query'?" in result.output


def test_an_unknown_command_far_from_any_gets_no_guess(cli):
    result = cli("xyzzy")
    assert result.exit_code == 2
    assert "Did you mean" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("export", "-o", "{out}.ttl"),
        ("query", "founders", "-o", "{out}.txt"),
        ("graph", "{out}.html"),
        ("validate", "-o", "{out}.txt"),
    ],
)
def test_every_command_that_writes_a_file_says_so_unless_quiet(tmp_path, args):
    out = str(tmp_path / "result")
    command = ["cspo-graph", *(a.format(out=out) for a in args)]
    said = subprocess.run(command, capture_output=True, text=True, check=True)
    written = next(a.format(out=out) for a in args if "{out}" in a)
    assert said.stderr == f"wrote {written}\n" and said.stdout == ""
    os.unlink(written)
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, check=True)
    assert quiet.stderr == "" and os.path.getsize(written) > 0
