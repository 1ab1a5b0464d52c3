"""Checking data against the SHACL shapes of ``ontology/shapes.ttl`` with pySHACL.

The data is validated as one graph (the union of the files and the shipped
ontology) with the RDFS (or OWL 2 RL) entailments materialized by
:mod:`cspo_graph.rdf.reasoning`, so that a shape for a class applies to its
subclasses too. (pySHACL's own inference is not used: it switches owlrl's literal
converters on process-wide, which then reject valid xsd:gMonth and xsd:gDay
values.) ``owl:imports`` is never followed and no SHACL-JS or advanced features
run: validation reads nothing but the files it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources

if TYPE_CHECKING:
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
SHAPES_NS = "https://w3id.org/cspo-graph/shapes#"


@dataclass(frozen=True)
class Violation:
    """One result of the validation report, in the words of the shape that failed."""

    focus: str
    label: str | None
    path: str | None
    message: str
    shape: str
    severity: str
    value: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass
class Report:
    """Whether the data conforms, each violation, and the W3C validation report graph."""

    conforms: bool
    violations: list[Violation]
    graph: rdflib.Graph


def _short(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    """A node in Turtle syntax with the graph's prefixes (``cspo:X``, ``"2020"^^xsd:gYear``)."""
    import rdflib

    if node is None:
        return ""
    if isinstance(node, rdflib.URIRef):
        return graph.namespace_manager.normalizeUri(node)
    return node.n3(graph.namespace_manager)


def path_text(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A SHACL property path in SPARQL's path syntax (``^org:hasSite``, ``(a|b)``)."""
    import rdflib
    from rdflib.collection import Collection

    sh = rdflib.Namespace(SH)
    if isinstance(node, rdflib.URIRef):
        return _short(graph, node)
    inverse = graph.value(node, sh.inversePath)
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    alternatives = graph.value(node, sh.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, item) for item in Collection(graph, alternatives)) + ")"
    for predicate, mark in ((sh.zeroOrMorePath, "*"), (sh.oneOrMorePath, "+"), (sh.zeroOrOnePath, "?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            return path_text(graph, inner) + mark
    if graph.value(node, rdflib.RDF.first) is not None:
        return "/".join(path_text(graph, item) for item in Collection(graph, node))
    return node.n3()


def _label(data: rdflib.Graph, node: rdflib.term.Node | None) -> str | None:
    import rdflib

    labels = list(data.objects(node, rdflib.RDFS.label))
    english = [label for label in labels if getattr(label, "language", None) == "en"]
    return next((str(label) for label in english or labels), None)


def _violations(report: rdflib.Graph, data: rdflib.Graph) -> list[Violation]:
    import rdflib

    sh = rdflib.Namespace(SH)
    found = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        messages = list(report.objects(result, sh.resultMessage))
        found.append(
            Violation(
                focus=_short(report, focus),
                label=_label(data, focus),
                path=None if path is None else path_text(report, path),
                message=str(messages[0]) if messages else "does not conform",
                shape=_short(report, report.value(result, sh.sourceShape)),
                severity=_short(report, report.value(result, sh.resultSeverity)),
                value=None if value is None else _short(report, value),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.shape, v.path or "", v.value or "", v.message))


def validate(
    paths: Sequence[str | Path] | None = None,
    *,
    reason: str = "rdfs",
    shapes: str | Path | None = None,
) -> Report:
    """Validate the files (the built-in data when none are given) against the shapes."""
    import pyshacl

    from cspo_graph.rdf.parsing import load_graph
    from cspo_graph.rdf.reasoning import entailments, merge_same_as

    data = load_graph(paths)
    expanded = load_graph([resources.ONTOLOGY])
    expanded += data
    expanded.addN((s, p, o, expanded) for s, p, o in entailments(expanded, reason))
    conforms, report, _ = pyshacl.validate(
        merge_same_as(expanded),
        shacl_graph=load_graph([shapes or resources.SHAPES]),
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        js=False,
        do_owl_imports=False,
        meta_shacl=False,
    )
    for prefix, namespace in {**resources.PREFIXES, "sh": SH, "shape": SHAPES_NS}.items():
        report.bind(prefix, namespace, replace=True)
    return Report(bool(conforms), _violations(report, data), report)


def render_text(report: Report) -> str:
    """One line per violation (focus node, its label, path, message), then a summary line."""
    lines = []
    for v in report.violations:
        label = f' "{v.label}"' if v.label else ""
        path = f" {v.path}:" if v.path else ""
        found = f" (found {v.value})" if v.path and v.value else ""
        lines.append(f"{v.focus}{label}:{path} {v.message}{found}")
    count = len(report.violations)
    if report.conforms:
        lines.append("conforms: the data satisfies every shape")
    else:
        lines.append(f"does not conform: {count} violation{'' if count == 1 else 's'}")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    import json

    body = {"conforms": report.conforms, "violations": [v.as_dict() for v in report.violations]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "ttl": lambda report: report.graph.serialize(format="turtle"),
}
"""``--format`` value -> the function that writes a report in it."""
