"""Files are written atomically: an error half-way leaves the old file as it was, and no temp file."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cspo_graph.errors import InputError
from cspo_graph.runtime.atomic import write_atomic

LIMIT = 4096  # bytes a file may grow to in the limited process


def limited_file_size() -> None:
    """In the child: writing past LIMIT bytes fails with EFBIG half-way through the file."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def run_limited(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_graph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        preexec_fn=limited_file_size,
        timeout=120,
    )


def test_a_write_that_fails_half_way_keeps_the_old_file(tmp_path):
    out = tmp_path / "all.csv"
    out.write_text("the old results\n")
    everything = "SELECT * WHERE { ?s ?p ?o }"
    result = run_limited("query", "-e", everything, "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"Error: {out}: cannot write: File too large\n"
    assert out.read_text() == "the old results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["all.csv"]


def test_a_small_write_in_the_same_limits_succeeds(tmp_path):
    out = tmp_path / "founders.csv"
    result = run_limited("query", "founders", "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("nation,year,sources")


def test_a_failed_rename_removes_the_temp_file(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("kept")
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(target, "new")
    assert (target / "inside").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_readers_see_the_whole_new_file(tmp_path):
    target = tmp_path / "t.txt"
    write_atomic(target, "first")
    write_atomic(target, b"second")
    assert target.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_an_output_folder_that_does_not_exist_is_one_line(cli, tmp_path):
    target = tmp_path / "missing-dir" / "report.ttl"
    result = cli("validate", "--format", "ttl", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == f"Error: {target}: cannot write: No such file or directory\n"
