"""``cspo-graph export``."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit, format_choice, output_option
from cspo_graph.rdf.formats import Carries, carrying, names


@click.command()
@format_choice(
    names(Carries.RDF),
    None,
    ", ".join(f.name for f in carrying(Carries.RDF) if not f.quads)
    + ": every triple once; "
    + ", ".join(f.name for f in carrying(Carries.DATASET))
    + ": named graphs (ontology, data, links, one per source document). Default: from -o's extension, else ttl.",
)
@data_option
@output_option
def export(fmt: str | None, data: tuple[str, ...], output: str | None) -> None:
    """Write the graph in a standard RDF format, for triple stores and other tools.

    N-Quads, TriG and JSON-LD keep the named graphs: the ontology, the data, the
    identifiers added for linking, and one graph per source document holding what
    that source states (see the README). JSON-LD uses the compact @context shipped
    with cspo-graph, embedded in the file.

    \b
    Examples:
      cspo-graph export -o cspo.ttl
      cspo-graph export --format nq -o cspo.nq
      cspo-graph export --format jsonld | head
    """
    from cspo_graph.errors import InputError, UsageError
    from cspo_graph.rdf.export import serialize
    from cspo_graph.rdf.formats import FORMATS, for_path, named
    from cspo_graph.rdf.parsing import load

    if fmt:
        rdf_format = named(fmt, Carries.RDF)
    elif output:
        try:
            rdf_format = for_path(output, Carries.RDF)
        except InputError as exc:
            raise UsageError(f"{exc}; name one with --format") from None
    else:
        rdf_format = FORMATS["ttl"]
    emit(serialize(load(data), rdf_format), output)
