"""``cspo-graph export``."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit, output_option

RDF_FORMAT_NAMES = ("ttl", "nt", "nq", "trig", "jsonld", "xml")


@click.command()
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(RDF_FORMAT_NAMES, case_sensitive=False),
    help="ttl, nt or xml (RDF/XML): every triple once; nq, trig or jsonld: named graphs "
    "(ontology, data, links, one per source document). Default: from -o's extension, else ttl.",
)
@data_option
@output_option
def export(fmt: str | None, data: tuple[str, ...], output: str | None) -> None:
    """Write the graph in a standard RDF format, for triple stores and other tools.

    N-Quads, TriG and JSON-LD keep the named graphs: the ontology, the data, the
    identifiers added for linking, and one graph per source document holding what
    that source states (see docs/export.md). JSON-LD uses the compact @context shipped
    with cspo-graph, embedded in the file.

    \b
    Examples:
      cspo-graph export -o cspo.ttl
      cspo-graph export --format nq -o cspo.nq
      cspo-graph export --format jsonld | head
    """
    from cspo_graph.errors import InputError, UsageError
    from cspo_graph.rdf.export import serialize
    from cspo_graph.rdf.parsing import format_for_path, format_named, load

    if fmt:
        rdf_format = format_named(fmt)
    elif output:
        try:
            rdf_format = format_for_path(output)
        except InputError as exc:
            raise UsageError(f"{exc}; name one with --format") from None
    else:
        rdf_format = format_named("ttl")
    emit(serialize(load(data), rdf_format), output)
