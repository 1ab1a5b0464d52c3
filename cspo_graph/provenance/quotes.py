"""Checking that quoted text in the data stands verbatim in the sources it cites.

Each statement's ``cspo:quote``, each wording's ``cspo:text`` and each hedged
claim's ``cspo:hedge`` must appear in the text of every source document it cites
(``prov:wasDerivedFrom``), found in the sources folder (the shipped ``sources/`` by default) under the
document's ``cspo:fileName``. Only quote-mark style (straight or curly) and whitespace are
ignored. For a text that is not found, the closest passage of the source is
reported (by :mod:`difflib` similarity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from cspo_graph import resources
from cspo_graph.provenance.sources import closest_passage, normalize, read_texts, sources_folder

CHECKED = {
    "quote": "Statement",
    "text": "Wording",
    "hedge": "HedgedClaim",
}
"""Property of the cspo namespace holding verbatim text -> the class whose instances carry it."""


@dataclass(frozen=True)
class Finding:
    """One verbatim text checked against one source document."""

    subject: str
    property: str
    text: str
    source: str
    file: str | None
    found: bool
    problem: str | None = None
    closest: str | None = None
    similarity: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _check_one(
    subject: str, prop: str, text: str, source: str, file: str | None, source_text: str | None, folder: Path
) -> Finding:
    if file is None:
        return Finding(subject, prop, text, source, None, False, "the source has no cspo:fileName")
    if source_text is None:
        problem = f"no file {file!r} in {folder}"
        return Finding(subject, prop, text, source, file, False, problem)
    if normalize(text) in source_text:
        return Finding(subject, prop, text, source, file, True)
    passage, ratio = closest_passage(normalize(text), source_text)
    return Finding(subject, prop, text, source, file, False, "not found verbatim", passage, ratio)


def check_quotes(sources: str | Path | None = None, paths: Sequence[str | Path] | None = None) -> list[Finding]:
    """Check every verbatim text of the data (the built-in data by default) against the source files
    (the shipped ones by default)."""
    import rdflib

    from cspo_graph.rdf.parsing import load_graph

    folder = sources_folder(sources)
    data = load_graph(paths)
    cspo = rdflib.Namespace(resources.NAMESPACE)
    prov = rdflib.Namespace(resources.PREFIXES["prov"])
    files = read_texts(data, set(data.objects(None, prov.wasDerivedFrom)), folder)
    short = data.namespace_manager.normalizeUri
    findings = []
    for prop in CHECKED:
        for subject, text in data.subject_objects(cspo[prop]):
            for cited in data.objects(subject, prov.wasDerivedFrom):
                file, source_text = files[cited]
                where = (short(str(cited)), file, source_text, folder)
                findings.append(_check_one(short(str(subject)), f"cspo:{prop}", str(text), *where))
    return sorted(findings, key=lambda f: (f.found, f.subject, f.property, f.source))


def render_text(findings: list[Finding]) -> str:
    """Each mismatch with the closest passage, each unreadable source once, then a summary line."""
    lines = []
    unchecked: dict[str, list[Finding]] = {}
    for f in findings:
        if f.found:
            continue
        if f.closest is None:
            unchecked.setdefault(f"{f.source}: {f.problem}", []).append(f)
            continue
        lines.append(f"{f.subject} {f.property} {f.problem} in {f.source} ({f.file})")
        lines.append(f'  data:    "{f.text}"')
        lines.append(f'  closest: "{f.closest}" (similarity {f.similarity:.0%})')
    lines += [f"{problem}: {len(items)} quoted texts not checked" for problem, items in unchecked.items()]
    bad = sum(not f.found for f in findings)
    if bad:
        lines.append(f"{bad} of {len(findings)} quoted texts not confirmed verbatim in their sources")
    else:
        lines.append(f"all {len(findings)} quoted texts stand verbatim in their sources")
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding]) -> str:
    import json

    body = {"verbatim": all(f.found for f in findings), "findings": [f.as_dict() for f in findings]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "json": render_json}
"""``--format`` value -> the function that writes the findings in it."""
