"""``cspo-graph validate``."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit, output_option, reason_option, report_format_option


@click.command()
@data_option
@reason_option
@report_format_option("text", "json", "ttl")
@output_option
@click.pass_context
def validate(ctx: click.Context, data: tuple[str, ...], reason: str | None, fmt: str, output: str | None) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl).

    Each violation is printed as the focus node, its label, the property path
    and what is wrong; --format ttl prints the W3C validation report. RDFS
    inference over the ontology is on (--reason owlrl for OWL 2 RL).
    Exit code 0 when the data conforms, 1 when it does not.

    \b
    Example:
      cspo-graph validate
      cspo-graph validate --data my-additions.ttl --data builtin
      cspo-graph validate --format ttl -o report.ttl
    """
    from cspo_graph.rdf.validate import RENDERERS
    from cspo_graph.rdf.validate import validate as run_validation

    report = run_validation(data, reason=(reason or "rdfs").lower())
    emit(RENDERERS[fmt.lower()](report), output)
    if not report.conforms:
        ctx.exit(1)
