"""The membership timeline: when each nation joined the CSpO, as the sources say, drawn as SVG.

One bar per member nation, from the year a source gives for its joining to the right edge
of the chart (the sources give no end), marked when the nation is a founding member, and
labelled with the source that states the year and that source's wording. The years come
from the source graphs (docs/provenance.md), read by one SPARQL query through the engine,
the same path every query takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from cspo_graph.errors import InputError
from cspo_graph.views.tooltips import Lookup

if TYPE_CHECKING:
    from cspo_graph.query.engines.memory import RdflibEngine

QUERY = """
SELECT ?nation ?member ?period ?year ?founding ?graph WHERE {
  ?membership a cspo:Membership ; org:member ?nation ; org:memberDuring ?period .
  GRAPH ?graph { ?period cspo:startYear ?year }
  OPTIONAL { ?period cspo:founding ?founding }
  ?nation rdfs:label ?member .
  FILTER(LANG(?member) IN ("en", ""))
}"""


@dataclass(frozen=True)
class Bar:
    """One nation's membership: the year it joined, whether it founded the initiative, who says so."""

    nation: str
    nation_id: str
    year: int
    founding: bool
    sources: tuple[str, ...]
    wordings: tuple[str, ...]


def membership_bars(engine: RdflibEngine, timeout: float | None = None) -> list[Bar]:
    """The bars of the timeline, by year and then by nation."""
    from cspo_graph.query.engines import Request

    lookup = Lookup(engine.dataset)
    found: dict[tuple[str, int], dict] = {}
    for row in engine.query(Request(QUERY, "<timeline>", timeout=timeout)).rows:
        nation, member, period, year, founding, graph = (term.value if term else "" for term in row)
        if not year[:4].isdigit():
            continue
        bar = found.setdefault(
            (nation, int(year[:4])), {"member": member, "founding": False, "sources": set(), "w": set()}
        )
        bar["founding"] |= founding == "true"
        document = lookup.graph_sources.get(graph)
        if document:
            bar["sources"].add(lookup.source_text(document))
            bar["w"].update(
                text for name, text in lookup.details(period) if name == f"as worded in {lookup.label(document)}"
            )
    if not found:
        raise InputError("the data has no membership with a start year: there is no timeline to draw", "<timeline>")
    bars = [
        Bar(b["member"], nation, year, b["founding"], tuple(sorted(b["sources"])), tuple(sorted(b["w"])))
        for (nation, year), b in found.items()
    ]
    return sorted(bars, key=lambda bar: (bar.year, bar.nation))


ROW, TOP, LEFT, WIDTH, CITE = 30, 64, 150, 420, 300
"""Layout in pixels: row height, space above the rows, label column, bar area, citation column."""


def render_svg(bars: list[Bar], title: str = "Who joined the CSpO, and when") -> str:
    """The timeline as a standalone SVG document (no script, no external reference)."""
    first, last = min(b.year for b in bars), max(b.year for b in bars) + 1
    span = max(last - first, 1)

    def x(year: int) -> float:
        return LEFT + WIDTH * (year - first) / span

    height = TOP + ROW * len(bars) + 56
    width = LEFT + WIDTH + CITE
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{escape(title)}</title>',
        "<style>text{font:13px system-ui,sans-serif;fill:#1d1d1f}.muted{fill:#4b5563}"
        ".cite{font-size:12px;fill:#374151}.bar{fill:#3f6a98}.founding{fill:#1f4e7a}</style>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="26" style="font-size:17px;font-weight:650">{escape(title)}</text>',
    ]
    for year in range(first, last):  # the right edge is where the chart ends, not a year a source gives
        parts.append(f'<line x1="{x(year):.1f}" y1="{TOP - 14}" x2="{x(year):.1f}" y2="{TOP + ROW * len(bars)}" '
                     'stroke="#d9dee6"/>')  # fmt: skip
        parts.append(f'<text class="muted" x="{x(year):.1f}" y="{TOP - 20}" text-anchor="middle">{year}</text>')
    for index, bar in enumerate(bars):
        y = TOP + ROW * index
        cited = "; ".join(source.split(" (")[0] for source in bar.sources) or "no source"
        tip = f"{bar.nation}: member since {bar.year}{' (founding member)' if bar.founding else ''}. " + " ".join(
            f"{source}: “{wording}”" for source in bar.sources for wording in bar.wordings
        )
        parts += [
            "<g>",
            f"<title>{escape(tip)}</title>",
            f'<text x="{LEFT - 10}" y="{y + 19}" text-anchor="end">{escape(bar.nation)}</text>',
            f'<rect class="{"founding" if bar.founding else "bar"}" x="{x(bar.year):.1f}" y="{y + 6}" '
            f'width="{x(last) - x(bar.year):.1f}" height="{ROW - 12}" rx="3"/>',
            f'<text x="{x(bar.year) + 6:.1f}" y="{y + 19}" style="fill:#ffffff">'
            f"{bar.year}{' · founding' if bar.founding else ''}</text>",
            f'<text class="cite" x="{LEFT + WIDTH + 12}" y="{y + 19}">source: {escape(cited)}</text>',
            "</g>",
        ]
    note = "Each bar starts in the year the source gives for joining; the sources give no end."
    parts += [
        f'<text class="muted" x="16" y="{height - 20}">{escape(note)}</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
