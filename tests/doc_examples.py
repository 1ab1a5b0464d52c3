"""The shell examples of README.md and docs/*.md, read so that tests can run them.

A fenced block whose info string is ``console`` holds commands (lines starting with
``$ ``, a trailing ``\\`` continuing a command on the next line) each followed by the
output it prints (stdout and stderr together). In the expected output a line ``...``
stands for any number of lines and ``[...]`` within a line for any text, where a number
varies by machine. A ``bash``/``sh`` block is commands only: each must succeed.

A block preceded by ``<!-- doc-test: skip REASON -->`` is not run (it starts a server,
needs a store that the suite starts elsewhere, ...); the reason is required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(
    r"(?:<!-- doc-test: skip(?P<skip>[^>]*)-->\s*\n)?^```(?P<info>\w*)[^\n]*\n(?P<body>.*?)^```", re.M | re.S
)
SHELLS = ("console", "bash", "sh", "shell")


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
            commands = " ".join(lines).replace("\\ ", " ")
            found.append(Example(document, first_line, commands, None, skip))
            continue
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                raise ValueError(f"{document}:{first_line + index}: a console block line must start with '$ '")
            start = index
            command = lines[index][2:]
            while command.endswith("\\"):
                index += 1
                command = command[:-1] + " " + lines[index].strip()
            index += 1
            output = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
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
