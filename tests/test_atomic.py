"""Files are written atomically: an error half-way leaves the old file as it was, and no temp file."""

from __future__ import annotations

import os
import resource
import signal
import stat
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


# ---- special files: symlinks, devices, modes


def test_a_symlink_is_written_through_to_its_target_in_the_targets_folder(cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "founders.csv").write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(elsewhere / "founders.csv")
    result = cli("query", "founders", "--format", "csv", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.readlink() == elsewhere / "founders.csv"
    assert (elsewhere / "founders.csv").read_text().startswith("nation,year,sources")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "link.csv"]
    assert [p.name for p in elsewhere.iterdir()] == ["founders.csv"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.ttl"
    link.symlink_to("made.ttl")
    write_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "made.ttl").read_text() == "new"


def test_a_symlink_loop_and_a_folder_are_refused_in_one_line(cli, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    result = cli("query", "founders", "-o", str(loop))
    assert (result.exit_code, result.output) == (1, f"Error: {loop}: cannot write: a symlink loop\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(InputError, match="cannot write: it is a folder"):
        write_atomic(folder, "x")


def test_a_symlink_into_a_folder_that_is_not_there_names_both(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "gone" / "out.txt")
    with pytest.raises(InputError, match=rf"link \(-> {tmp_path}/gone/out.txt\): cannot write: No such file"):
        write_atomic(link, "x")
    assert [p.name for p in tmp_path.iterdir()] == ["link"]


def test_devices_are_written_directly(tmp_path):
    write_atomic("/dev/null", "nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with pytest.raises(InputError, match=r"^/dev/full: cannot write: No space left on device$"):
        write_atomic("/dev/full", "x" * 10000)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    write_atomic(link, "nothing")
    assert link.is_symlink()


@pytest.mark.parametrize("stdout", ["pipe", "file"])
def test_dev_stdout_writes_to_standard_output(tmp_path, stdout):
    out = tmp_path / "out.csv"
    out.write_text("kept\n")
    with out.open("a") as handle:  # as the shell's >> opens it
        result = subprocess.run(
            [sys.executable, "-m", "cspo_graph", "query", "founders", "-f", "csv", "-o", "/dev/stdout"],
            stdout=subprocess.PIPE if stdout == "pipe" else handle,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    text = result.stdout if stdout == "pipe" else out.read_text()
    assert text.startswith("nation,year,sources" if stdout == "pipe" else "kept\nnation,year,sources")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_file_keeps_its_mode_and_a_new_one_gets_the_umasks(tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("old")
    secret.chmod(0o600)
    write_atomic(secret, "new")
    assert (secret.read_text(), stat.S_IMODE(secret.stat().st_mode)) == ("new", 0o600)
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "fresh.ttl", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.ttl").stat().st_mode) == 0o644
