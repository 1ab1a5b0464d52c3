"""Answers over the built-in data, kept on disk so that asking again skips rdflib altogether.

``cspo-graph query founders`` over the built-in data spends most of its time importing
rdflib and building its SPARQL parser, yet its answer changes only when the data, the
query or the software does. So the rendered answer is kept in the user's cache folder
(``$CSPO_GRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/cspo-graph``, else
``~/.cache/cspo-graph``) under a key made of everything it depends on: the bytes of
the built-in files, the query text, the ``--param`` values as typed, the output format,
the source of cspo-graph itself, the Python version, and the installed rdflib,
pyparsing and pyoxigraph. The first call computes the answer as before (the text is the
one rdflib's path prints, byte for byte); later ones read it back.

Only successful answers are kept, and never for a query whose answer may change from
call to call (NOW, RAND, UUID, STRUUID, BNODE). The cache is an optimisation only: if
it cannot be read or written, the answer is computed. ``CSPO_GRAPH_NO_CACHE=1`` turns
it off.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from cspo_graph import rdfio
from cspo_graph.sparqltext import may_vary

LAYOUT = "1"
_PACKAGE = Path(__file__).resolve().parent
_ENGINES = ("rdflib", "pyparsing", "pyoxigraph")


def cache_dir() -> Path | None:
    """Where answers are kept, or None when the cache is switched off."""
    if os.environ.get("CSPO_GRAPH_NO_CACHE"):
        return None
    if os.environ.get("CSPO_GRAPH_CACHE_DIR"):
        return Path(os.environ["CSPO_GRAPH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cspo-graph"


@cache
def fingerprint() -> str:
    """A digest of everything besides the query that an answer depends on."""
    digest = hashlib.sha256(f"{LAYOUT}\0{sys.version}\0".encode())
    for path in [*rdfio.builtin_files(), *sorted(_PACKAGE.rglob("*.py"))]:
        digest.update(f"{path.name}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in _ENGINES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        stat = origin.stat() if origin else None
        digest.update(f"{name}\0{origin}\0{stat and (stat.st_mtime_ns, stat.st_size)}\0".encode())
    return digest.hexdigest()


def remembered(compute: Callable[[], str], text: str, params: Sequence[str], fmt: str) -> str:
    """The answer ``compute`` gives for this query over the built-in data, from the cache when it is there."""
    folder = cache_dir()
    if folder is None or may_vary(text):
        return compute()
    generation = fingerprint()
    key = hashlib.sha256("\0".join([text, fmt, *params]).encode()).hexdigest()
    place = folder / "answers" / generation[:32] / f"{key}.txt"
    try:
        with place.open(encoding="utf-8", newline="") as kept:  # CSV's \r\n stays as it was
            return kept.read()
    except (OSError, UnicodeDecodeError):
        pass
    answer = compute()
    _keep(place, answer)
    return answer


def _keep(place: Path, answer: str) -> None:
    """Store an answer; drop the answers of other generations (other data or software)."""
    from cspo_graph.atomic import write_atomic
    from cspo_graph.errors import CspoError

    try:
        if not place.parent.exists():
            place.parent.mkdir(parents=True)
            for other in place.parent.parent.iterdir():
                if other != place.parent:
                    shutil.rmtree(other, ignore_errors=True)
        write_atomic(place, answer)
    except (OSError, CspoError):
        pass
