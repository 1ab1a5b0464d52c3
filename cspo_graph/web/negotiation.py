"""HTTP content negotiation: which format of :mod:`cspo_graph.rdf.formats` a request asks for.

A request's ``format`` values (names or media types) come first: the first that can
hold the result is answered in. When none can, a specific Accept header decides, and
with none (or ``*/*`` alone) the mismatch is a 400. Otherwise the Accept header decides.

The formats, their media types and their order of preference are the registry's;
reading the header (RFC 9110 media ranges, ``q`` weights, ``*`` wildcards, the most
specific range deciding) is python-mimeparse's. A format is offered under each of
its media types (``application/json`` stands for SPARQL JSON results or JSON-LD),
and is refused as a whole when the client refuses its own media type (``q=0``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mimeparse

from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.rdf.formats import (
    OUTPUT_FORMATS,
    Carries,
    Format,
    UnknownFormat,
    carrying,
    for_media_type,
    for_result,
    result_carries,
)


class NotAcceptable(CspoError):
    """No format the result can be written in matches the client's Accept header."""


def offers(kind: str) -> list[tuple[str, Format]]:
    """(media type, format) pairs a ``kind`` result can be answered in, in order of preference:
    each format's own media type, then the others it is understood under."""
    formats = carrying(result_carries(kind))
    return [(f.media_type, f) for f in formats] + [(media, f) for f in formats for media in f.media_types[1:]]


def _readable(accept: str) -> str:
    """The header without the media ranges mimeparse cannot read (they match nothing)."""

    def parses(item: str) -> bool:
        try:
            mimeparse.parse_media_range(item)
        except (mimeparse.MimeTypeParseException, ValueError):
            return False
        return True

    return ",".join(item for item in accept.split(",") if item.strip() and parses(item))


@functools.lru_cache(maxsize=512)
def choose_format(accept: str | None, kind: str, asked: tuple[str, ...] = ()) -> str:
    """The name of the format to answer a ``kind`` result in: the first of the ``format`` values
    ``asked`` that can hold it, else the best for the ``Accept`` header (none: the first offer).

    Remembered: clients send the same few headers again and again, and reading one costs more
    than a quick query."""
    errors: list[UsageError] = []
    for value in asked:
        try:
            return _asked(value, kind)
        except UsageError as exc:
            errors.append(exc)
    unknown = [exc for exc in errors if isinstance(exc, UnknownFormat)]
    if unknown or (errors and (not accept or accept.strip() in ("", "*/*"))):
        raise (unknown or errors)[0]
    return _negotiated(accept, kind)


@dataclass(frozen=True)
class Negotiated:
    """A request's choice of format, made once the result's kind is known (a
    :data:`cspo_graph.query.render.Chooser`, sent with the query to the worker that writes it)."""

    accept: str | None
    asked: tuple[str, ...] = ()

    def __call__(self, kind: str) -> str:
        return choose_format(self.accept, kind, self.asked)


def _asked(value: str, kind: str) -> str:
    """The format a ``format`` value names, if it can hold a ``kind`` result (else a :class:`UsageError`)."""
    if "/" not in value:
        return for_result(value, kind).name
    try:
        return for_media_type(value, result_carries(kind)).name
    except InputError:
        if any(value.split(";")[0].strip().lower() in f.media_types for f in carrying(Carries.RESULTS | Carries.RDF)):
            raise UsageError(f"format {value!r} cannot hold a {kind} result") from None
        raise UnknownFormat(f"unknown format {value!r}; known: {', '.join(OUTPUT_FORMATS)}") from None


def _negotiated(accept: str | None, kind: str) -> str:
    """The best format for an ``Accept`` header (none: the first offer)."""
    available = offers(kind)
    header = _readable(accept or "")
    if not accept or not accept.strip():
        return available[0][1].name
    while available and header:
        # mimeparse breaks ties in favour of the last candidate: give them least preferred first
        best = mimeparse.best_match([media for media, _ in reversed(available)], header)
        if not best:
            break
        fmt = next(fmt for media, fmt in available if media == best)
        if not _refused(fmt.media_type, header):
            return fmt.name
        available = [(media, other) for media, other in available if other is not fmt]
    offered = ", ".join(dict.fromkeys(media for media, _ in offers(kind)))
    raise NotAcceptable(
        f"none of the accepted media types ({accept}) fits a {kind} result; this endpoint offers: {offered}"
    )


def _refused(media_type: str, header: str) -> bool:
    """Whether a range of the header matches ``media_type`` most specifically with ``q=0``."""
    ranges = [mimeparse.parse_media_range(item) for item in header.split(",")]
    q, fitness = mimeparse.quality_and_fitness_parsed(media_type, ranges)
    return fitness >= 0 and q <= 0
