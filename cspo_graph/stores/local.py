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

Queries keep the guarantees of :mod:`cspo_graph.query.sparql` without paying for rdflib: the
database is opened read-only and only the SPARQL query grammar is accepted, so an
update cannot run; a text that may hold SERVICE (see :mod:`cspo_graph.query.sparqltext`) is
checked on the rdflib algebra, which decides; a text Oxigraph rejects gets the error
message the in-memory path gives.
"""

from __future__ import annotations

import fcntl
import gc
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.query.results import QueryResult, Term, result_from_oxigraph
from cspo_graph.query.sparqltext import (
    group_concat_variables,
    has_dataset_clause,
    may_call_service,
    mentioned_variables,
)
from cspo_graph.rdf import parsing
from cspo_graph.runtime.atomic import write_atomic

if TYPE_CHECKING:
    import pyoxigraph

MANIFEST = "cspo-graph-store.json"
LAYOUT = 2
"""The version of the store layout this code reads and writes (2: the default graph may hold the union)."""

_OX_QUERY_ERROR = re.compile(r"^error at (\d+):(\d+): ")


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
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"not a cspo-graph store (make one with: cspo-graph load FILE... --store {folder})", folder
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable store manifest: {exc}", folder / MANIFEST) from None
    if manifest.get("layout") != LAYOUT:
        raise InputError(f"store layout {manifest.get('layout')!r} is not {LAYOUT}: load the files again", folder)
    return StoreInfo(folder, manifest["generation"], manifest["graphs"], manifest["quads"], manifest["union"])


_OPENED: dict[Path, tuple[Path, pyoxigraph.Store]] = {}
"""Per store directory, its generation opened last: a generation never changes once written."""


def open_store(directory: str | Path) -> pyoxigraph.Store:
    """Open a store's current generation read-only (once per process and generation)."""
    import pyoxigraph

    info = store_info(directory)
    key = info.directory.resolve()
    opened = _OPENED.get(key)
    if opened and opened[0] == info.database:
        return opened[1]
    try:
        store = pyoxigraph.Store.read_only(str(info.database))
    except OSError as exc:
        raise InputError(f"cannot open the store: {exc}", info.database) from None
    _OPENED[key] = (info.database, store)
    return store


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Hold the store's load lock: one load at a time."""
    with (directory / ".lock").open("a") as lock:
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
    import pyoxigraph

    fmt = getattr(pyoxigraph.RdfFormat, parsing.format_for_path(path).oxigraph)
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
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "not a file", path)
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


def _oxigraph_term(term: Term) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    import pyoxigraph

    if term.kind == "uri":
        return pyoxigraph.NamedNode(term.value)
    if term.kind == "bnode":
        return pyoxigraph.BlankNode(term.value)
    if term.lang:
        return pyoxigraph.Literal(term.value, language=term.lang)
    datatype = pyoxigraph.NamedNode(term.datatype) if term.datatype else None
    return pyoxigraph.Literal(term.value, datatype=datatype)


def _bound(text: str, params: Mapping[str, Term], source: str) -> str:
    """The query with a trailing VALUES clause binding ``params``, as rdflib's initBindings do.

    Oxigraph's own substitution binds projected variables only. The clause is built
    from the typed terms, which pyoxigraph validates and writes (IRIs checked, literals
    escaped): what a user typed is never spliced in as SPARQL.
    """
    import pyoxigraph

    if not params:
        return text
    try:
        names = " ".join(str(pyoxigraph.Variable(name)) for name in params)
        values = " ".join(str(_oxigraph_term(term)) for term in params.values())
    except ValueError as exc:
        raise InputError(f"--param: {exc}", source) from None
    return f"{text}\nVALUES ({names}) {{ ({values}) }}\n"


def _rejected(store: pyoxigraph.Store, text: str, error: SyntaxError, source: str, allow_service: bool) -> CspoError:
    """The error for a text Oxigraph rejects: the in-memory path's own, when it rejects it too."""
    from cspo_graph.query.sparql import prepare

    prepare(text, source=source, allow_service=allow_service)  # raises the in-memory path's error
    try:
        store.query(text, prefixes=resources.PREFIXES)  # parsed and planned, not run
    except SyntaxError as own:
        error = own
    else:
        return UsageError(f"{source}: --param cannot bind a query that ends with a VALUES clause of its own")
    message = str(error).splitlines()[0]
    match = _OX_QUERY_ERROR.match(message)
    if match:
        return InputError(f"SPARQL error: {message[match.end() :]}", source, int(match[1]), int(match[2]))
    return InputError(f"SPARQL error: {message}", source)


def _plain_group_concat(result: QueryResult, text: str) -> QueryResult:
    """GROUP_CONCAT cells as plain literals, as rdflib gives them (Oxigraph keeps a language tag all values share)."""
    columns = [i for i, name in enumerate(result.variables) if name in group_concat_variables(text)]
    if columns:
        result.rows = [
            tuple(Term(t.kind, t.value) if i in columns and t is not None and t.lang else t for i, t in enumerate(row))
            for row in result.rows
        ]
    return result


def query_store(
    directory: str | Path,
    text: str,
    *,
    params: Mapping[str, Term] | None = None,
    allow_service: bool = False,
    source: str = "<query>",
) -> QueryResult:
    """Run a read-only SPARQL query over the store at ``directory``; an engine-neutral result.

    ``params`` bind variables of the query to terms, like ``run_query``'s. The default
    graph is the set union of all graphs, unless the query names its own with FROM: that
    picks graphs of the store (the in-memory path never loads a FROM graph and finds none).
    """
    union = store_info(directory).union
    store = open_store(directory)
    bindings = dict(params or {})
    if (not allow_service and may_call_service(text)) or not set(bindings) <= mentioned_variables(text):
        from cspo_graph.query.sparql import check_params, prepare

        check_params(prepare(text, source=source, allow_service=allow_service), bindings)
    try:
        answer = store.query(
            _bound(text, bindings, source),
            use_default_graph_as_union=not union and not has_dataset_clause(text),
            prefixes=resources.PREFIXES,
        )
        return _plain_group_concat(result_from_oxigraph(answer), text)
    except SyntaxError as exc:
        raise _rejected(store, text, exc, source, allow_service) from None
    except (OSError, RuntimeError, TypeError) as exc:
        raise CspoError(f"{source}: {exc}") from None
