"""Documentation that cannot drift: every shell example runs, and the CLI reference is the commands' own --help."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import click
import pytest
from doc_examples import DOCUMENTS, REPO, copy_tracked, examples, matches, run, update

EXAMPLES = [example for document in DOCUMENTS for example in examples(document)]
RUN = [e for e in EXAMPLES if e.skip is None]


@pytest.fixture(scope="module")
def workdirs(tmp_path_factory):
    """Per document, a copy of the repository's tracked files for its examples to run in, in order."""
    folders = {}

    def workdir(document):
        if document not in folders:
            folders[document] = copy_tracked(tmp_path_factory.mktemp("clone"))
        return folders[document]

    return workdir


@pytest.mark.parametrize("example", RUN, ids=[e.name for e in RUN])
def test_every_shell_example_runs_as_shown(workdirs, example):
    ran = run(example, workdirs(example.document))
    if example.expected is None:
        assert ran.returncode == 0, f"{example.name}: {example.command}\n{ran.stdout}"
    else:
        assert matches(example.expected, ran.stdout), f"{example.name}: {example.command}\n--- printed:\n{ran.stdout}"


def test_every_skipped_example_says_why():
    for example in EXAMPLES:
        assert example.skip is None or len(example.skip) > 10, f"{example.name}: give the reason it is not run"


def test_the_cli_reference_is_the_commands_own_help():
    script = [sys.executable, "scripts/cli_reference.py", "--check"]
    checked = subprocess.run(script, cwd=REPO, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert checked.returncode == 0, checked.stderr.decode()


def test_the_readme_is_short_and_links_to_every_doc_and_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 10_000
    for document in sorted((REPO / "docs").glob("*.md")):
        assert f"docs/{document.name}" in readme, f"README.md does not link to docs/{document.name}"
    from cspo_graph.cli import main

    with click.Context(main) as context:
        for name in main.list_commands(context):
            assert f"(docs/cli.md#cspo-graph-{name})" in readme, f"README.md does not link to {name}'s reference"


AWAITED = {"docs/provenance.md": "issue 12", "docs/stores.md": "issue 14"}
"""Pages other branches write: a link to one may point nowhere until that branch is merged."""


def anchors(document):
    """The anchors GitHub gives the headings of ``document``."""
    headings = re.findall(r"^#+ (.+)$", document.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_link_between_the_pages_leads_somewhere():
    for document in DOCUMENTS:
        text = re.sub(r"^```.*?^```", "", document.read_text(encoding="utf-8"), flags=re.M | re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            name, _, anchor = target.partition("#")
            path = (document.parent / name).resolve() if name else document
            if str(path.relative_to(REPO)) in AWAITED and not path.exists():
                continue
            assert path.exists(), f"{document.relative_to(REPO)}: {target} leads nowhere"
            if anchor:
                assert anchor in anchors(path), f"{document.relative_to(REPO)}: no heading for {target}"


def test_the_elisions_match_only_what_they_stand_for():
    assert matches("a\n...\nz", "a\nb\nc\nz\n")
    assert matches("took [...] s", "took 1.5 s\n")
    assert not matches("took [...] s", "took 1.5 ms!\n")
    assert not matches("a\nz", "a\nb\nz\n")


def test_update_rewrites_only_the_outputs_that_drifted(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```console\n$ echo kept 12\nkept [...]\n$ echo new\nold\n```\n\n"
        "<!-- doc-test: skip a server would be needed here -->\n```console\n$ echo skipped\nstale\n```\n",
        encoding="utf-8",
    )
    assert update(page) == 1
    assert page.read_text(encoding="utf-8") == (
        "Text.\n\n```console\n$ echo kept 12\nkept [...]\n$ echo new\nnew\n```\n\n"
        "<!-- doc-test: skip a server would be needed here -->\n```console\n$ echo skipped\nstale\n```\n"
    )
