"""The source documents, the named graphs that hold what each states, and their texts.

The data says it all in RDF (docs/provenance.md): a source graph is a
``cspo:SourceGraph`` whose ``prov:wasDerivedFrom`` names its document, a
``cspo:CurationGraph`` holds what the curators judged, and each document's
``cspo:fileName`` names its text in the sources folder (by default the project's
``sources/``, shipped in the wheel).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import InputError
from cspo_graph.rdf.parsing import GRAPH_BASE

if TYPE_CHECKING:
    import rdflib

SOURCE_GRAPH_BASE = GRAPH_BASE + "source/"
"""Where the IRIs of the shipped source graphs begin (``.../source/DoWPressRelease``)."""

CSPO = resources.NAMESPACE
PROV = resources.PREFIXES["prov"]

_QUOTE_MARKS = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u0060\u00b4", "'"),
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """``text`` with every quote mark made straight and every run of whitespace one space."""
    return _WHITESPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip()


def closest_passage(needle: str, haystack: str) -> tuple[str, float]:
    """The run of words of ``haystack`` most similar to ``needle``, and how similar (0 to 1)."""
    words = haystack.split(" ")
    size = max(1, len(needle.split(" ")))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    best, best_ratio = "", -1.0
    for start in range(max(1, len(words) - size + 1)):
        candidate = " ".join(words[start : start + size]).strip("\"'")
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = candidate, ratio
    return best, round(max(best_ratio, 0.0), 3)


def source_graphs(data: rdflib.Graph) -> dict[rdflib.term.Node, rdflib.term.Node]:
    """Each source graph's IRI -> the document whose statements it holds."""
    import rdflib

    return {
        graph: document
        for graph in data.subjects(rdflib.RDF.type, rdflib.URIRef(CSPO + "SourceGraph"))
        for document in data.objects(graph, rdflib.URIRef(PROV + "wasDerivedFrom"))
    }


def curation_graphs(data: rdflib.Graph) -> set[rdflib.term.Node]:
    """The IRIs of the graphs that hold what the curators judged."""
    import rdflib

    return set(data.subjects(rdflib.RDF.type, rdflib.URIRef(CSPO + "CurationGraph")))


def read_texts(
    data: rdflib.Graph, documents: Iterable[rdflib.term.Node], folder: str | Path
) -> dict[rdflib.term.Node, tuple[str | None, str | None]]:
    """Each document -> (its ``cspo:fileName``, its normalized text or ``None`` when there is no such file).

    A file name that leads out of ``folder`` counts as missing: nothing outside it is read.
    """
    import rdflib

    root = Path(folder).resolve()
    texts: dict[rdflib.term.Node, tuple[str | None, str | None]] = {}
    for document in documents:
        name = data.value(document, rdflib.URIRef(CSPO + "fileName"))
        if name is None:
            texts[document] = (None, None)
            continue
        path = (root / str(name)).resolve()
        if path.parent != root or not path.is_file():
            texts[document] = (str(name), None)
            continue
        try:
            texts[document] = (str(name), normalize(path.read_text(encoding="utf-8")))
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", path) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path) from None
    return texts


def sources_folder(folder: str | Path | None) -> Path:
    """``folder``, or the shipped sources when none is given; it must be a folder."""
    path = Path(folder) if folder is not None else resources.SOURCES
    if not path.is_dir():
        raise InputError("not a folder of source texts", path)
    return path
