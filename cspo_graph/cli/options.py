"""Options shared by several commands, so that each is spelled and handled in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from cspo_graph.formats import OUTPUT_FORMATS

F = TypeVar("F", bound=Callable[..., object])


def data_option(command: F) -> F:
    """``--data FILE`` (repeatable): the RDF files to work on."""
    return click.option(
        "--data",
        "data",
        multiple=True,
        metavar="FILE",
        help="RDF file to use instead of the built-in data (repeatable; format from the extension). "
        "Name 'builtin' to keep the built-in ontology and data alongside.",
    )(command)


def format_option(command: F) -> F:
    """``--format``: the one output format switch every command that prints results shares."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(OUTPUT_FORMATS, case_sensitive=False),
        default="table",
        show_default=True,
        help="table for people; json, csv, tsv, xml: W3C SPARQL results; "
        "a graph result also takes ttl, nt, nq, trig, jsonld, n3 (json/xml: JSON-LD, RDF/XML).",
    )(command)


def output_option(command: F) -> F:
    """``--output FILE``: write there (atomically) instead of standard output."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to FILE instead of standard output (the file appears whole or not at all).",
    )(command)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output:
        from cspo_graph.atomic import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


def reason_option(command: F) -> F:
    """``--reason rdfs|owlrl``: materialize entailments over the ontology before answering."""
    return click.option(
        "--reason",
        type=click.Choice(["rdfs", "owlrl"], case_sensitive=False),
        help="Materialize RDFS or OWL 2 RL entailments first (e.g. cspo:Person is then a foaf:Person).",
    )(command)


def report_format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` for a command that prints a report rather than query rows."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices, case_sensitive=False),
        default=choices[0],
        show_default=True,
        help=f"Report format: {', '.join(choices)}.",
    )
