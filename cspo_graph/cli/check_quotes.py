"""``cspo-graph check-quotes``."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit, output_option, report_format_option, sources_option


@click.command("check-quotes")
@sources_option
@data_option
@report_format_option("text", "json")
@output_option
@click.pass_context
def check_quotes(ctx: click.Context, sources: str | None, data: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Check that every quote and wording stands verbatim in the sources it cites.

    Statements' quotes (cspo:quote), wordings' texts (cspo:text) and hedges
    (cspo:hedge) are looked up in the text of each source document they cite,
    ignoring only quote-mark style and whitespace. A text that is not found is
    reported with the closest passage of the source. Exit code 0 when all
    stand verbatim, 1 otherwise. 'check-grounding' checks more: every literal of
    each source's graph, and that the curators' triples carry a judgement.

    \b
    Example:
      cspo-graph check-quotes
      cspo-graph check-quotes --sources texts/ --data my-data.ttl --format json
    """
    from cspo_graph.provenance.quotes import RENDERERS
    from cspo_graph.provenance.quotes import check_quotes as run_check

    findings = run_check(sources, data)
    emit(RENDERERS[fmt.lower()](findings), output)
    if not all(f.found for f in findings):
        ctx.exit(1)
