"""The entity pages: ``/entity/NAME`` (a local name of the cspo namespace) and ``/entity?iri=IRI``.

The same URL answers a browser with the page (:mod:`cspo_graph.views.entity`: names,
classes, every statement about and pointing at the entity, grouped, each with the sources
that state it and their wording) and an RDF client, by its Accept header or ``?format=``,
with the entity's triples in their named graphs: Turtle (the triples; each fact node
names its source with prov:wasDerivedFrom), TriG, N-Quads or JSON-LD (with the graphs,
so with the provenance of every triple).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from cspo_graph.errors import UsageError
from cspo_graph.rdf import formats
from cspo_graph.rdf.formats import Carries, Format

if TYPE_CHECKING:
    import jinja2
    from starlette.requests import Request

    from cspo_graph.views.entity import Describer
    from cspo_graph.web.app import Endpoint


def chosen_format(request: Request) -> Format | None:
    """The RDF format asked for (``?format=`` or the Accept header), or None for the HTML page."""
    import mimeparse

    named = request.query_params.get("format")
    if named:
        try:
            return formats.named(named, Carries.RDF)
        except UsageError as exc:
            raise HTTPException(400, str(exc)) from None
    offered = {media: fmt for fmt in formats.carrying(Carries.RDF) for media in fmt.media_types}
    try:  # mimeparse breaks ties in favour of the last candidate: the page comes last
        best = mimeparse.best_match([*reversed(offered), "text/html"], request.headers.get("accept") or "text/html")
    except (mimeparse.MimeTypeParseException, ValueError):
        best = ""
    return offered.get(best)


@cache
def _template() -> jinja2.Template:
    import jinja2

    from cspo_graph.views.entity import entity_href

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cspo_graph.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["entity_href"] = entity_href
    return environment.get_template("entity.html.j2")


def routes(endpoint: Endpoint) -> list[Route]:
    """``/entity/{name}`` and ``/entity?iri=``, answered from the endpoint's data in memory."""
    describers: list[Describer] = []

    def describer() -> Describer:
        from cspo_graph.views.entity import Describer

        if not describers:
            describers.append(Describer(endpoint.in_memory().dataset))
        return describers[0]

    async def entity(request: Request) -> Response:
        name = request.path_params.get("name") or request.query_params.get("iri")
        if not name:
            raise HTTPException(400, "name an entity: /entity/NAME or /entity?iri=IRI")
        fmt = chosen_format(request)
        known = describer()

        def work() -> str:
            from cspo_graph.views.entity import entity_rdf

            entity_id = known.resolve(name)
            if fmt is None:
                return _template().render(d=known.describe(entity_id))
            return entity_rdf(known.data, entity_id, fmt)

        try:
            body = await endpoint.bounded(work, f"entity {name}")
        except UsageError as exc:
            raise HTTPException(404, str(exc)) from None
        headers = {"vary": "Accept"}
        if fmt is None:
            return HTMLResponse(body, headers=headers)
        return Response(body, media_type=fmt.media_type, headers=headers)

    return [Route("/entity/{name}", entity), Route("/entity", entity)]
