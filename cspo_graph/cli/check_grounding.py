"""``cspo-graph check-grounding``."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit, output_option, report_format_option, sources_option


@click.command("check-grounding")
@sources_option
@data_option
@report_format_option("text", "json")
@output_option
@click.pass_context
def check_grounding(
    ctx: click.Context, sources: str | None, data: tuple[str, ...], fmt: str, output: str | None
) -> None:
    """Check that the data says what its sources say, graph by graph, and no more.

    In the graph of each source document (a cspo:SourceGraph), every literal
    (names, alternative names, titles, years, dates, quotes, wordings, hedges,
    verbs) must stand in that source's text, ignoring only quote-mark style and
    whitespace, and every resource there must cite that source and no other. In
    the curators' graphs (cspo:CurationGraph), every triple, the labels they
    coined included, must be covered by a cspo:Judgement that gives its reason.
    A graph that is neither is a failure. Each failure is printed with the
    closest passage of the text. Exit code 0 when all is grounded, 1 otherwise.

    \b
    Example:
      cspo-graph check-grounding
      cspo-graph check-grounding --data edited.trig --data data/links.ttl --format json
    """
    from cspo_graph.provenance.grounding import RENDERERS
    from cspo_graph.provenance.grounding import check_grounding as run_check

    report = run_check(sources, data)
    emit(RENDERERS[fmt.lower()](report), output)
    if not report.grounded:
        ctx.exit(1)
