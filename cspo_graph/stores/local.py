"""A persistent store for large data: an on-disk Oxigraph database, loaded once, queried often.

``cspo-graph load FILE... --store DIR`` bulk-loads files into DIR; ``query --store DIR``
answers from it without parsing any RDF again. Each file goes into the named graphs the
in-memory path gives it (a triple file into :func:`cspo_graph.rdf.parsing.graph_name`,
a quad file's named graphs under their own names) and a query's default graph is the
set union (RDF merge) of all graphs, so a query gets the same answer from both paths
(the order of GROUP_CONCAT values and of rows a query leaves unordered aside).
Oxigraph's own union default graph repeats a triple once per graph that holds it (the
source graphs share many), so a store of several graphs keeps the union, each triple
once, in its default graph, written at load time.

A store directory holds ``cspo-graph-store.json`` (the manifest: the current generation,
the file each graph came from, and whether the default graph holds the union) and
``gen-N/`` (an Oxigraph database). A load writes
generation N+1 (a hard-linked backup of N plus the new files, bulk-loaded, then
compacted with Oxigraph's ``optimize``) and switches the manifest
to it with one atomic rename: a failed or interrupted load leaves the store as it was,
and a reader never sees a half-loaded store. The previous generation is kept for the
readers still using it; older ones are removed.

Queries are answered by the Oxigraph engine (:mod:`cspo_graph.query.engines.oxigraph`),
which opens the current generation read-only in each of its worker processes.
"""

from __future__ import annotations

import fcntl
import gc
import json
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph.errors import CspoError, InputError
from cspo_graph.rdf import parsing
from cspo_graph.runtime.atomic import write_atomic

if TYPE_CHECKING:
    import pyoxigraph

MANIFEST = "cspo-graph-store.json"
LAYOUT = 2
"""The version of the store layout this code reads and writes (2: the default graph may hold the union)."""


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds: its current generation, each graph with the file it came from, and its size."""

    directory: Path
    generation: int
    graphs: dict[str, str]
    quads: int
    """The triples of all named graphs, a triple counted once per graph that holds it."""
    union: bool = False
    """Whether the default graph holds the union of the named graphs (else queries ask Oxigraph for it)."""

    @property
    def database(self) -> Path:
        """The Oxigraph database of the current generation."""
        return self.directory / f"gen-{self.generation}"


def store_info(directory: str | Path) -> StoreInfo:
    """Read a store's manifest; a directory that holds none is not a store."""
    folder = Path(directory)
    again = f"remove the folder and load the files again (cspo-graph load FILE... --store {folder})"
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"not a cspo-graph store (make one with: cspo-graph load FILE... --store {folder})", folder
        ) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not JSON"
        raise InputError(f"unreadable store manifest ({reason}): {again}", folder / MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("layout") != LAYOUT:
        layout = manifest.get("layout") if isinstance(manifest, dict) else None
        raise InputError(f"store layout {layout!r} is not {LAYOUT}: {again}", folder)
    try:
        info = StoreInfo(
            folder,
            int(manifest["generation"]),
            dict(manifest["graphs"]),
            int(manifest["quads"]),
            bool(manifest["union"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"corrupt store manifest ({type(exc).__name__}: {exc}): {again}", folder / MANIFEST) from None
    if not info.database.is_dir():
        raise InputError(f"the store's generation {info.generation} is missing: {again}", folder)
    return info


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Hold the store's load lock: one load at a time."""
    try:
        lock = (directory / ".lock").open("a")
    except OSError as exc:
        raise InputError(f"cannot load into this store: {exc.strerror or exc}", directory) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CspoError(f"{directory}: another load into this store is running") from None
        yield


def _bytes_read() -> int:
    """Bytes this process has read so far (Linux), to follow a bulk load that reports nothing itself."""
    try:
        with open("/proc/self/io", encoding="ascii") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _bulk_load(
    store: pyoxigraph.Store, path: Path, graph: pyoxigraph.NamedNode, progress: Callable[[int], None] | None
) -> None:
    """Bulk-load one file (Oxigraph parses and indexes on its own threads); report bytes read."""

    fmt = parsing.format_for_path(path).oxigraph_format()
    size = path.stat().st_size
    errors: list[BaseException] = []

    def work() -> None:
        try:
            store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=work, name=f"load {path.name}", daemon=True)
    start, reported = _bytes_read(), 0
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = size if not worker.is_alive() else min(size, _bytes_read() - start)
        if progress and done > reported:
            progress(done - reported)
            reported = done
    if errors:
        raise errors[0]


def load_files(
    paths: Sequence[str | Path], directory: str | Path, *, progress: Callable[[int], None] | None = None
) -> StoreInfo:
    """Bulk-load RDF files into the store at ``directory`` (created when missing).

    ``builtin`` stands for the shipped ontology and data. Loading a file again replaces
    its graphs. ``progress`` is called with the number of bytes of input read since its
    last call.
    """
    files = parsing.expand(paths)
    for path in files:
        parsing.format_for_path(path)
        parsing.check_file(path)
        parsing.check_before_parsing(path)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the store: {exc.strerror}", folder) from None
    with _exclusive(folder):
        old = store_info(folder) if (folder / MANIFEST).exists() else StoreInfo(folder, 0, {}, 0)
        new = StoreInfo(folder, old.generation + 1, dict(old.graphs), 0)
        shutil.rmtree(new.database, ignore_errors=True)  # left by a load that was killed
        try:
            new = _write_generation(old, new, files, progress)
        except BaseException:
            shutil.rmtree(new.database, ignore_errors=True)
            raise
        manifest = {
            "layout": LAYOUT,
            "generation": new.generation,
            "graphs": new.graphs,
            "quads": new.quads,
            "union": new.union,
        }
        write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        for stale in folder.glob("gen-*"):
            if stale not in (new.database, old.database):
                shutil.rmtree(stale, ignore_errors=True)
    return new


def _write_generation(
    old: StoreInfo, new: StoreInfo, files: list[Path], progress: Callable[[int], None] | None
) -> StoreInfo:
    """Make generation ``new``: a copy of ``old`` (hard links) with ``files`` loaded into their graphs."""
    import pyoxigraph

    try:
        if old.generation:
            pyoxigraph.Store.read_only(str(old.database)).backup(str(new.database))
        store = pyoxigraph.Store(str(new.database))
    except OSError as exc:
        raise InputError(f"cannot write the store: {exc}", new.directory) from None
    error: InputError | None = None
    for path in files:
        graph = pyoxigraph.NamedNode(parsing.graph_name(path))
        origin = str(path.resolve())
        try:
            for name in [name for name, came_from in new.graphs.items() if came_from == origin] + [graph.value]:
                store.remove_graph(pyoxigraph.NamedNode(name))
                new.graphs.pop(name, None)
            before = set(store.named_graphs())
            _bulk_load(store, path, graph, progress)
        except SyntaxError as exc:
            error = parsing.located(exc, path)
        except (OSError, ValueError) as exc:
            error = InputError(f"cannot load: {exc}", path)
        if error:
            del store
            gc.collect()  # the parser's traceback holds the database: close it before it is removed
            raise error
        for added in set(store.named_graphs()) - before:
            new.graphs[added.value] = origin
    union = _merge_into_default_graph(store)
    store.flush()
    store.optimize()  # compacts the database: scans of large data run about 1.4x faster for it
    quads = len(store) - (_default_graph_size(store) if union else 0)
    return StoreInfo(new.directory, new.generation, new.graphs, quads, union)


def _default_graph_size(store: pyoxigraph.Store) -> int:
    import pyoxigraph

    return sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))


def _merge_into_default_graph(store: pyoxigraph.Store) -> bool:
    """Write the set union of the named graphs into the default graph when there are several.

    Returns whether the default graph now holds the union. With one graph there is
    nothing to merge: Oxigraph's union default graph is that graph, each triple once.
    """
    import pyoxigraph

    store.clear_graph(pyoxigraph.DefaultGraph())
    if sum(1 for _ in store.named_graphs()) < 2:
        return False
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return True
