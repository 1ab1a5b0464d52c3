"""Write docs/cli.md, the CLI reference, from the commands' own ``--help``.

    python scripts/cli_reference.py           # rewrite docs/cli.md
    python scripts/cli_reference.py --check   # exit 1 when docs/cli.md is out of date

tests/test_docs.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cspo_graph.cli import main

TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def help_text(name: str | None) -> str:
    """The ``--help`` of the group (``None``) or of one command, as a terminal 100 columns wide shows it."""
    with click.Context(main, info_name="cspo-graph", terminal_width=100, max_content_width=100) as root:
        if name is None:
            return main.get_help(root)
        command = main.get_command(root, name)
        assert command is not None
        with click.Context(command, info_name=name, parent=root, terminal_width=100, max_content_width=100) as ctx:
            return command.get_help(ctx)


def reference() -> str:
    """The whole reference: the group's help, then each command's, with a table of contents."""
    with click.Context(main) as root:
        names = main.list_commands(root)
    lines = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `python scripts/cli_reference.py`; do not edit by hand.",
        "",
        *(f"- [`cspo-graph {name}`](#cspo-graph-{name})" for name in names),
        "",
        "## cspo-graph",
        "",
        "```text",
        help_text(None),
        "```",
    ]
    for name in names:
        lines += ["", f"## cspo-graph {name}", "", "```text", help_text(name), "```"]
    return "\n".join(lines) + "\n"


def main_script(argv: list[str]) -> int:
    text = reference()
    if argv == ["--check"]:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main_script(sys.argv[1:]))
