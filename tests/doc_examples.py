"""The shell examples of README.md and docs/*.md, read so that tests can run them.

A fenced block whose info string is ``console`` holds commands (lines starting with
``$ ``, a trailing ``\\`` continuing a command on the next line) each followed by the
output it prints (stdout and stderr together). In the expected output a line ``...``
stands for any number of lines and ``[...]`` within a line for any text, where a number
varies by machine. A ``bash``/``sh`` block is a script that must succeed (run with ``set -e``).

A block preceded by ``<!-- doc-test: skip REASON -->`` is not run (it starts a server,
needs a store that the suite starts elsewhere, ...); the reason is required.

Examples run in order, each document's in a fresh copy of the repository's tracked files
(what a clean clone has), so a document may use the files its earlier examples wrote.

    python tests/doc_examples.py --update README.md docs/querying.md

runs the examples of the named documents (all when none is named) and rewrites the shown
output of each console example that no longer matches, keeping those that still do (with
their elisions): review the diff, then put back any ``[...]`` a varying number needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(
    r"(?:<!-- doc-test: skip(?P<skip>[^>]*)-->\s*\n)?^```(?P<info>\w*)[^\n]*\n(?P<body>.*?)^```", re.M | re.S
)
SHELLS = ("console", "bash", "sh", "shell")
ENVIRONMENT = {"COLUMNS": "100", "NO_COLOR": "1"}


@dataclass(frozen=True)
class Example:
    """One command of a document and the output it is shown to print (``None``: not shown)."""

    document: Path
    line: int
    command: str
    expected: str | None
    skip: str | None

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(REPO)}:{self.line}"


def _console(lines: list[str], where: str) -> Iterator[tuple[int, int, str, list[str]]]:
    """Each command of a console block: its first line, its output's first line, the command, its output."""
    index = 0
    while index < len(lines):
        if not lines[index].startswith("$ "):
            raise ValueError(f"{where}+{index}: a console block line must start with '$ '")
        start = index
        command = lines[index][2:]
        while command.endswith("\\"):
            index += 1
            command = command[:-1] + " " + lines[index].strip()
        index += 1
        output_start = index
        while index < len(lines) and not lines[index].startswith("$ "):
            index += 1
        yield start, output_start, command, lines[output_start:index]


def examples(document: Path) -> list[Example]:
    """Every shell example of ``document``, in order."""
    text = document.read_text(encoding="utf-8")
    found: list[Example] = []
    for block in _FENCE.finditer(text):
        info = block["info"]
        if info not in SHELLS:
            continue
        skip = block["skip"].strip() if block["skip"] is not None else None
        first_line = text.count("\n", 0, block.start("body")) + 1
        lines = block["body"].splitlines()
        if info != "console":
            found.append(Example(document, first_line, "set -e\n" + "\n".join(lines), None, skip))
            continue
        for start, _, command, output in _console(lines, f"{document}:{first_line}"):
            found.append(Example(document, first_line + start, command, "\n".join(output), skip))
    return found


def matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` output fits ``expected`` with its ``...`` and ``[...]`` elisions."""
    pattern = []
    for line in expected.splitlines():
        if line == "...":
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(".*?".join(re.escape(part) for part in line.split("[...]")) + r"[ \t]*\n")
    return re.fullmatch("".join(pattern), actual if actual.endswith("\n") or not actual else actual + "\n") is not None


def copy_tracked(folder: Path) -> Path:
    """Copy the repository's tracked files (as a clean clone has them) into ``folder``."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        source = REPO / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


def run(example: Example, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``example`` in ``folder`` with bash, stdout and stderr together as a terminal shows them.

    ``cspo_graph`` is imported from ``folder`` (whatever copy the ``cspo-graph`` script was installed from).
    """
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        ["bash", "-c", example.command],
        cwd=folder,
        env={**os.environ, **ENVIRONMENT, "PYTHONPATH": path},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def update(document: Path) -> int:
    """Rewrite the output of each console example of ``document`` that no longer matches; how many."""
    text = document.read_text(encoding="utf-8")
    changed = 0
    with tempfile.TemporaryDirectory() as temporary:
        folder = copy_tracked(Path(temporary))
        pieces, end = [], 0
        for block in _FENCE.finditer(text):
            if block["info"] not in SHELLS or block["skip"] is not None:
                continue
            lines = block["body"].splitlines()
            if block["info"] != "console":
                ran = run(Example(document, 0, "set -e\n" + "\n".join(lines), None, None), folder)
                if ran.returncode:
                    print(f"{document}: a {block['info']} block fails:\n{ran.stdout}", file=sys.stderr)
                continue
            body = []
            for start, output_start, command, output in _console(lines, str(document)):
                body += lines[start:output_start]
                printed = run(Example(document, 0, command, None, None), folder).stdout
                if matches("\n".join(output), printed):
                    body += output
                else:
                    body += printed.rstrip("\n").split("\n") if printed.strip() else []
                    changed += 1
            pieces += [text[end : block.start("body")], "".join(line + "\n" for line in body)]
            end = block.end("body")
        pieces.append(text[end:])
    document.write_text("".join(pieces), encoding="utf-8")
    return changed


if __name__ == "__main__":
    if sys.argv[1:2] != ["--update"]:
        sys.exit(__doc__)
    for name in sys.argv[2:] or [str(d) for d in DOCUMENTS]:
        print(f"{name}: {update(Path(name).resolve())} outputs rewritten", file=sys.stderr)
