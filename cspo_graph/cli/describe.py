"""``cspo-graph describe NAME``: what the data knows about one entity, and who says so."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, emit
from cspo_graph.rdf.formats import Carries, named, names


@click.command()
@click.argument("name")
@data_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", *names(Carries.RDF)], case_sensitive=False),
    default="text",
    show_default=True,
    help="text: for people; an RDF format: the entity's triples (trig, nq and jsonld keep "
    "the named graph, so the source, of every triple).",
)
def describe(name: str, data: tuple[str, ...], fmt: str) -> None:
    """Describe one entity: its names and classes, every statement about it and pointing at
    it (posts, delegations, statements made, memberships...), each with the sources that
    state it and each source's wording.

    NAME is a local name of the cspo namespace (RobertBrose), a prefixed name
    (cspo:France) or a full IRI. `cspo-graph serve` shows the same at /entity/NAME.

    \b
    Example:
      cspo-graph describe RobertBrose
      cspo-graph describe cspo:France --format ttl
    """
    from cspo_graph.rdf.parsing import load
    from cspo_graph.views.entity import Describer, as_text, entity_rdf

    dataset = load(data)
    describer = Describer(dataset)
    entity_id = describer.resolve(name)
    if fmt.lower() == "text":
        emit(as_text(describer.describe(entity_id)), None)
        return
    emit(entity_rdf(dataset, entity_id, named(fmt)), None)
