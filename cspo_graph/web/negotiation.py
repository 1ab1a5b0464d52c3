"""HTTP content negotiation: which output format of :mod:`cspo_graph.query.render` an Accept header asks for.

The formats and their media types are decided in :mod:`cspo_graph.query.render`; this
module only reads an ``Accept`` header (RFC 9110: media ranges with ``q`` weights
and ``*`` wildcards) and picks the best of the formats a result can be written in.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspo_graph.errors import CspoError
from cspo_graph.query.render import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES

_ALIASES = {
    "SELECT": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    "CONSTRUCT": {"application/json": "jsonld", "application/xml": "xml", "text/xml": "xml"},
}
"""Generic media types that clients send, and the format each stands for."""


class NotAcceptable(CspoError):
    """No format the result can be written in matches the client's Accept header."""


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, best first (by weight, then by specificity)."""
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return sorted(ranges, key=lambda r: (-r.q, -r.specificity))


def offers(kind: str) -> dict[str, str]:
    """Media type -> format name, for a result of ``kind``, in order of preference."""
    group = "CONSTRUCT" if kind == "CONSTRUCT" else "SELECT"
    table = GRAPH_MEDIA_TYPES if group == "CONSTRUCT" else RESULT_MEDIA_TYPES
    return {media: fmt for fmt, media in table.items()} | _ALIASES[group]


def choose_format(accept: str | None, kind: str) -> str:
    """The format to answer a ``kind`` result in, for an ``Accept`` header (none: the first offer)."""
    available = offers(kind)
    if not accept or not accept.strip():
        return next(iter(available.values()))
    for media_range in parse_accept(accept):
        if media_range.q <= 0:
            continue
        for media_type, fmt in available.items():
            if media_range.matches(media_type) and not _refused(accept, media_type):
                return fmt
    raise NotAcceptable(
        f"none of the accepted media types ({accept}) fits a {kind} result; "
        f"this endpoint offers: {', '.join(available)}"
    )


def _refused(accept: str, media_type: str) -> bool:
    """Whether the header names ``media_type`` exactly with ``q=0``."""
    return any(r.q <= 0 and r.specificity == 2 and r.matches(media_type) for r in parse_accept(accept))
