"""Checking that the data is grounded in the source texts, graph by graph.

The data keeps what each source states in a graph of its own and what the curators
judged in another (docs/provenance.md). This check holds every graph to its role:

- a **source graph** (``cspo:SourceGraph``, ``prov:wasDerivedFrom`` its document):
  every literal (names, alternative names, titles, years, dates, quotes, wordings,
  hedges, verbs) stands in the document's text, quote-mark style and whitespace
  aside, as a whole word or phrase; every resource it describes cites the document
  there, and none cites another. Dates are looked up as the text writes them
  (``time:month "--12"`` and ``time:day "---05"``: "December 5"); values that are
  not words (``xsd:boolean``) are left to the shapes.
- a **curation graph** (``cspo:CurationGraph``): every triple, curators' labels
  included, is covered by a ``cspo:Judgement`` with ``cspo:judgementOn`` its subject
  and ``cspo:judgedProperty`` its predicate (the judgement gives the reason); the
  judgements and the graph's own description aside.
- the graph that describes the sources (a ``prov:Bundle``): only source documents
  and graphs are described there.
- any other graph except the ontology: nothing attributes its triples, a finding.

Each failure comes with the closest passage of the text where there is one
(:func:`cspo_graph.provenance.sources.closest_passage`, as ``check-quotes`` reports).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.provenance.sources import (
    closest_passage,
    curation_graphs,
    normalize,
    read_texts,
    source_graphs,
    sources_folder,
)

if TYPE_CHECKING:
    import rdflib

CSPO = resources.NAMESPACE
PROV = resources.PREFIXES["prov"]
XSD = resources.PREFIXES["xsd"]
TIME = resources.PREFIXES["time"]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One triple (or, with no subject, a whole graph) that is not grounded."""

    graph: str
    subject: str
    property: str
    value: str
    problem: str
    file: str | None = None
    closest: str | None = None
    similarity: float | None = None


@dataclass
class Report:
    """What was checked and what failed."""

    findings: list[Finding] = field(default_factory=list)
    literals: int = 0
    """Literals of source graphs looked up in their texts."""
    curated: int = 0
    """Triples of curation graphs checked for a judgement."""
    source_graphs: int = 0
    curation_graphs: int = 0

    @property
    def grounded(self) -> bool:
        return not self.findings


def textual_form(graph: rdflib.Graph, subject: rdflib.term.Node, literal: rdflib.Literal) -> str | None:
    """How a source's text writes ``literal``; ``None`` for a value that is not words."""
    datatype = str(literal.datatype) if literal.datatype else None
    if datatype in (XSD + "gMonth", XSD + "gDay"):
        import rdflib

        month = re.fullmatch(r"--(\d\d)", str(graph.value(subject, rdflib.URIRef(TIME + "month")) or ""))
        day = re.fullmatch(r"---(\d\d)", str(graph.value(subject, rdflib.URIRef(TIME + "day")) or ""))
        if (month and not 1 <= int(month[1]) <= 12) or not (month or day):
            return str(literal)
        return " ".join(part for part in (month and MONTHS[int(month[1]) - 1], day and str(int(day[1]))) if part)
    if datatype is None or literal.language or datatype in (XSD + "string", XSD + "gYear"):
        return str(literal)
    return None


def stands_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is in ``text`` (both normalized) as a whole word or phrase."""
    return re.search(rf"(?<!\w){re.escape(normalize(phrase))}(?!\w)", text) is not None


class _Checker:
    def __init__(self, dataset: rdflib.Dataset, folder: Path) -> None:
        import rdflib

        self.rdflib = rdflib
        self.dataset = dataset
        self.folder = folder
        self.short = dataset.namespace_manager.normalizeUri
        self.report = Report()
        self.derived = rdflib.URIRef(PROV + "wasDerivedFrom")
        judgement = rdflib.URIRef(CSPO + "Judgement")
        self.judgements = set(dataset.subjects(rdflib.RDF.type, judgement))
        on, prop = rdflib.URIRef(CSPO + "judgementOn"), rdflib.URIRef(CSPO + "judgedProperty")
        self.covered = {
            (subject, judged)
            for j in self.judgements
            for subject in dataset.objects(j, on)
            for judged in dataset.objects(j, prop)
        }

    def fail(
        self,
        graph: object,
        subject: object,
        prop: object,
        value: object,
        problem: str,
        file: str | None = None,
        closest: str | None = None,
        similarity: float | None = None,
    ) -> None:
        """Record a finding; ``subject`` ``None`` for one about the whole graph."""
        shown = value.n3(self.dataset.namespace_manager) if isinstance(value, self.rdflib.term.Node) else ""
        self.report.findings.append(
            Finding(
                str(graph),
                self.short(str(subject)) if subject is not None else "",
                self.short(str(prop)) if prop is not None else "",
                shown,
                problem,
                file,
                closest,
                similarity,
            )
        )

    def source_graph(self, graph: rdflib.Graph, document: rdflib.term.Node, file: str | None, text: str | None) -> None:
        self.report.source_graphs += 1
        if text is None:
            why = "the source has no cspo:fileName" if file is None else f"no file {file!r} in {self.folder}"
            self.fail(graph.identifier, None, None, "", f"{why}: its literals are not checked", file=file)
        for s, p, o in graph:
            if p == self.derived and o != document:
                self.fail(graph.identifier, s, p, o, f"cites another source in the graph of {self.short(document)}")
            if isinstance(o, self.rdflib.Literal) and text is not None:
                self.literal(graph, s, p, o, file, text)
        for s in set(graph.subjects()) - {document}:
            if (s, self.derived, document) not in graph:
                missing = "missing: a resource this graph describes cites its source here"
                self.fail(graph.identifier, s, self.derived, document, missing)

    def literal(
        self, graph: rdflib.Graph, s: object, p: object, o: rdflib.Literal, file: str | None, text: str
    ) -> None:
        form = textual_form(graph, s, o)  # type: ignore[arg-type]
        if form is None:
            return
        self.report.literals += 1
        if not stands_in(form, text):
            passage, ratio = closest_passage(normalize(form), text)
            self.fail(graph.identifier, s, p, o, "not in the text", file=file, closest=passage, similarity=ratio)

    def curation_graph(self, graph: rdflib.Graph) -> None:
        self.report.curation_graphs += 1
        for s, p, o in graph:
            if s in self.judgements or s == graph.identifier:
                continue
            self.report.curated += 1
            if (s, p) not in self.covered:
                on, judged = self.short(str(s)), self.short(str(p))
                why = f"no judgement covers it (cspo:judgementOn {on}, cspo:judgedProperty {judged})"
                self.fail(graph.identifier, s, p, o, why)

    def bundle(self, graph: rdflib.Graph, described: set[object]) -> None:
        for s, p, o in graph:
            if s not in described:
                self.fail(graph.identifier, s, p, o, "the sources graph describes only source documents and graphs")


def check_grounding(sources: str | Path | None = None, paths: Sequence[str | Path] | None = None) -> Report:
    """Check the data (the built-in data by default) against the source texts (the shipped ones by default)."""
    import rdflib

    from cspo_graph.rdf.parsing import load

    folder = sources_folder(sources)
    dataset = load(paths)
    sources_of = source_graphs(dataset)  # the dataset's default graph is the union: lookups see every graph
    curated = curation_graphs(dataset)
    bundles = set(dataset.subjects(rdflib.RDF.type, rdflib.URIRef(PROV + "Bundle")))
    documents = set(dataset.subjects(rdflib.RDF.type, rdflib.URIRef(CSPO + "SourceDocument")))
    texts = read_texts(dataset, set(sources_of.values()), folder)
    checker = _Checker(dataset, folder)
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = graph.identifier
        if not len(graph) or (None, rdflib.RDF.type, rdflib.OWL.Ontology) in graph:
            continue
        if name in sources_of:
            checker.source_graph(graph, sources_of[name], *texts[sources_of[name]])
        elif name in curated:
            checker.curation_graph(graph)
        elif name in bundles:
            checker.bundle(graph, documents | set(sources_of) | curated | bundles)
        else:
            problem = f"neither a source graph nor a curation graph: nothing attributes its {len(graph)} triples"
            checker.fail(name, None, None, "", problem)
    return checker.report


def render_text(report: Report) -> str:
    """The findings grouped by graph, each with the closest passage where there is one, then a summary."""
    lines: list[str] = []
    graph = None
    for f in report.findings:
        if f.graph != graph:
            graph = f.graph
            lines.append(f"<{graph}>")
        if not f.subject:
            lines.append(f"  {f.problem}")
            continue
        lines.append(f"  {f.subject} {f.property} {f.value}: {f.problem}" + (f" ({f.file})" if f.closest else ""))
        if f.closest is not None:
            lines.append(f'    closest: "{f.closest}" (similarity {f.similarity:.0%})')
    checked = (
        f"{report.literals} literals of {report.source_graphs} source graphs, "
        f"{report.curated} triples of {report.curation_graphs} curation graphs"
    )
    if report.findings:
        lines.append(f"{len(report.findings)} problems: the data is not grounded in its sources ({checked} checked)")
    else:
        lines.append(
            f"grounded: all {report.literals} literals of {report.source_graphs} source graphs stand in their "
            f"texts; all {report.curated} triples of {report.curation_graphs} curation graphs carry a judgement"
        )
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    body = {
        "grounded": report.grounded,
        "checked": {
            "literals": report.literals,
            "source_graphs": report.source_graphs,
            "curated_triples": report.curated,
            "curation_graphs": report.curation_graphs,
        },
        "findings": [asdict(f) for f in report.findings],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "json": render_json}
"""``--format`` value -> the function that writes the report in it."""
