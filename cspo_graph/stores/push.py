"""Pushing the graph into a triple store over the W3C protocols, all or nothing.

Two ways of writing triples, one registry (:data:`PROTOCOLS`):

- ``gsp``, the SPARQL 1.1 Graph Store HTTP Protocol: ``POST ?graph=G`` adds an
  N-Triples body to a named graph (``PUT`` replaces it);
- ``update``, SPARQL 1.1 Update: ``INSERT DATA`` (or, for a batch with blank nodes,
  ``INSERT {...} WHERE {}``, since not every store accepts blank nodes in INSERT DATA).

Every count is a ``COUNT`` on the store's query endpoint, never a read-back (stores
cap what they send). Before anything is written the target graphs are counted,
which also proves the query endpoint answers.

**Staged** (a SPARQL Update URL is known: ``--protocol update``, or ``gsp`` with
``--update-endpoint``): every graph is loaded into a fresh staging graph
(:func:`staging_name`), each staging graph is counted, and then one SPARQL Update
request switches them all in (``MOVE`` when replacing, ``ADD`` then ``DROP`` when
adding). A failure before the switch drops the staging graphs: the store is as it
was. A failed switch is checked graph by graph: a store that runs an update request
in one transaction (Oxigraph) is as it was or fully updated; one that does not
(Virtuoso) may be left with some graphs switched, and the error names which and how
to finish.

**Direct** (Graph Store Protocol only): each graph is written in place, ``PUT`` then
``POST``. A failure names the graphs that are complete, the one left partial, those
not started, and the command that repairs them.

A store that refuses a transaction for its size or its time is named with what to
change (:data:`LIMITS`): Virtuoso writes at most ``TransactionAfterImageLimit`` bytes
in one transaction and stops a SPARQL request after ``MaxQueryExecutionTime``
seconds; with Debian's settings, a switch of a million triples can pass either.

Triples go in batches; the triples that share a blank node always travel in the
same batch, so a blank node is never split into two. Blank nodes from two pushes
are never the same node, so adding data with blank nodes to a graph that already
holds blank nodes would copy them: that is refused before anything is sent.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from cspo_graph.errors import CspoError, UsageError
from cspo_graph.query.results import Term, term_from_rdflib
from cspo_graph.rdf.formats import FORMATS
from cspo_graph.stores import http

if TYPE_CHECKING:
    from pathlib import Path

    import httpx
    import rdflib

STAGING_PREFIX = "urn:cspo-graph:staging:"
Triple = tuple[Term, Term, Term]
DEFAULT_AFTER_IMAGE_LIMIT = 50_000_000
"""Virtuoso's ``TransactionAfterImageLimit`` when virtuoso.ini does not set it (Debian's does not)."""
BYTES_PER_TRIPLE = 100
"""What Virtuoso 7.2 writes for each triple a transaction adds or removes, with a margin: measured on
Debian's 7.2.5, a MOVE replacing 10,000 triples with 10,000 others fits in 1,000,000 bytes, one of
20,000 does not (25 to 50 bytes a triple)."""


def after_image_limit(triples: int) -> int:
    """A ``TransactionAfterImageLimit`` for a Virtuoso transaction that adds or removes ``triples`` triples:
    about :data:`BYTES_PER_TRIPLE` each, in tens of megabytes, and never below twice the default."""
    return max(2 * DEFAULT_AFTER_IMAGE_LIMIT, -(-triples * BYTES_PER_TRIPLE // 10**7) * 10**7)


@dataclass(frozen=True)
class Limit:
    """A store's setting that makes it refuse a transaction, known by the error code the store answers with."""

    rule: str
    """What the store refuses, and where the setting is."""
    switch: Callable[[int], str]
    """The setting that lets a switch of this many triples (added and removed) through."""


LIMITS = {
    "SR325": Limit(
        "Virtuoso writes at most TransactionAfterImageLimit bytes in one transaction ([Parameters] in virtuoso.ini; "
        f"{DEFAULT_AFTER_IMAGE_LIMIT} by default; docs/stores.md)",
        lambda moved: (
            f"TransactionAfterImageLimit = {after_image_limit(moved)} or more (about {BYTES_PER_TRIPLE} bytes a triple)"
        ),
    ),
    "SR171": Limit(
        "Virtuoso stops a SPARQL request after MaxQueryExecutionTime seconds ([SPARQL] in virtuoso.ini; 60 in "
        "Debian's file; docs/stores.md)",
        lambda moved: "MaxQueryExecutionTime above the seconds the switch takes (0: no limit)",
    ),
}
"""Refusals by error code, each with the setting to change (the codes are Virtuoso's, measured on 7.2.5:
"SR325: Transaction aborted because it's log after image size went above the limit", "SR171: Transaction
timed out")."""


class PushError(CspoError):
    """A push failed; the message says what the store holds now."""


def _nt(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple) + " .\n"


def graphs_to_push(dataset: rdflib.Dataset, graph: str | None) -> dict[str, list[Triple]]:
    """Target graph IRI -> its triples: every graph the export writes under its own name
    (:func:`cspo_graph.rdf.export.exported_graphs`), or all of them merged into ``graph``."""
    from cspo_graph.rdf.export import exported_graphs

    exported = list(exported_graphs(dataset))
    if graph is not None:
        return {graph: list(map(_terms, {triple for g in exported for triple in g}))}
    return dict(sorted((str(g.identifier), list(map(_terms, g))) for g in exported))


def read_graphs(paths: Sequence[str | Path], graph: str | None) -> dict[str, list[Triple]]:
    """:func:`graphs_to_push` of the files (:func:`cspo_graph.rdf.parsing.load`; the built-in data when none
    are given), read with the garbage collector paused: reading makes millions of objects that all live on,
    and every full collection would walk them all (a third or more of the reading time at 100k triples)."""
    from cspo_graph.rdf.parsing import load

    enabled = gc.isenabled()
    gc.disable()
    try:
        return graphs_to_push(load(paths), graph)
    finally:
        if enabled:
            gc.enable()


def _terms(triple: Iterable[Any]) -> Triple:
    return tuple(term_from_rdflib(node) for node in triple)  # type: ignore[return-value]


def _has_bnodes(triples: Iterable[Triple]) -> bool:
    return any(t.kind == "bnode" for triple in triples for t in triple)


def batches(triples: Sequence[Triple], size: int) -> Iterator[list[Triple]]:
    """Batches of about ``size`` triples; the triples linked through blank nodes stay together."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for s, _, o in triples:
        if s.kind == "bnode" and o.kind == "bnode":
            parent[root(s.value)] = root(o.value)
    groups: dict[str, list[Triple]] = {}
    batch: list[Triple] = []
    for triple in triples:
        bnode = next((t.value for t in (triple[0], triple[2]) if t.kind == "bnode"), None)
        if bnode is None:
            batch.append(triple)
        else:
            groups.setdefault(root(bnode), []).append(triple)
        if len(batch) >= size:
            yield batch
            batch = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def staging_name(run: str, graph: str) -> str:
    """The staging graph that holds ``graph``'s new triples during push ``run``."""
    return f"{STAGING_PREFIX}{run}:{quote(graph, safe='')}"


@dataclass(frozen=True)
class Endpoints:
    """Where a push writes (``write``, in its protocol), counts (``query``) and switches graphs in (``update``)."""

    write: str
    query: str
    update: str | None = None


class Protocol:
    """How triples are written into a named graph; subclasses per protocol."""

    name: ClassVar[str]
    batch_size: ClassVar[int]
    """The default triples per request (docs/benchmarks.md measures each size)."""

    def __init__(self, session: httpx.Client, url: str) -> None:
        self.http = session
        self.url = url

    def add(self, graph: str, batch: list[Triple], *, replace: bool = False) -> None:
        """Add ``batch`` to ``graph`` (replacing what it holds first when ``replace``)."""
        raise NotImplementedError

    def clear(self, graph: str) -> None:
        """Remove ``graph`` (nothing to do when it does not exist)."""
        raise NotImplementedError


class GraphStore(Protocol):
    """SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification, ``?graph=IRI``)."""

    name = "gsp"
    batch_size = 10_000

    def _request(self, method: str, graph: str, what: str, **request: Any) -> httpx.Response:
        return http.send(self.http, method, self.url, what=what, params={"graph": graph}, final=LIMITS, **request)

    def add(self, graph: str, batch: list[Triple], *, replace: bool = False) -> None:
        body = "".join(map(_nt, batch)).encode("utf-8")
        headers = {"Content-Type": FORMATS["nt"].media_type}
        self._request("PUT" if replace else "POST", graph, "the data", content=body, headers=headers)

    def clear(self, graph: str) -> None:
        self._request("DELETE", graph, "the deletion", accept_statuses=(404,))


def send_update(
    session: httpx.Client, url: str, text: str, *, what: str = "the data", retry: bool = True, **request: Any
) -> None:
    """POST a SPARQL 1.1 Update request (``application/sparql-update``)."""
    headers = {"Content-Type": "application/sparql-update"}
    content = text.encode("utf-8")
    http.send(session, "POST", url, what=what, content=content, headers=headers, retry=retry, final=LIMITS, **request)


class SparqlUpdate(Protocol):
    """SPARQL 1.1 Update, sent as ``application/sparql-update``."""

    name = "update"
    batch_size = 1_000
    """Virtuoso's SPARQL compiler runs out of memory on an INSERT DATA of about 5,000 triples, and on
    an INSERT ... WHERE {} (blank nodes) of about 1,700."""

    def add(self, graph: str, batch: list[Triple], *, replace: bool = False) -> None:
        body = "".join(map(_nt, batch))
        insert = (
            f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{}}"
            if _has_bnodes(batch)
            else f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
        )
        send_update(self.http, self.url, f"DROP SILENT GRAPH <{graph}> ;\n{insert}" if replace else insert)

    def clear(self, graph: str) -> None:
        send_update(self.http, self.url, f"DROP SILENT GRAPH <{graph}>", what="the deletion")


PROTOCOLS: dict[str, type[Protocol]] = {p.name: p for p in (GraphStore, SparqlUpdate)}


class Counter:
    """Counts on the store's query endpoint, with ``COUNT`` (never by reading triples back)."""

    def __init__(self, session: httpx.Client, url: str) -> None:
        self.http = session
        self.url = url

    def number(self, where: str) -> int:
        """The number of solutions of the group graph pattern ``where``."""
        from cspo_graph.stores.protocol import send_query

        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
        result = send_query(self.http, self.url, text, "SELECT")
        try:
            return int(result.rows[0][0].value)  # type: ignore[union-attr]
        except (IndexError, AttributeError, ValueError):
            raise http.EndpointError(f"{self.url}: no triple count in the answer to {text!r}") from None

    def triples(self, graph: str) -> int:
        return self.number(f"GRAPH <{graph}> {{ ?s ?p ?o }}")

    def blank_node_triples(self, graph: str) -> int:
        return self.number(f"GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }}")

    def new_triples(self, staged: str, graph: str) -> int:
        """The triples of ``staged`` that ``graph`` does not hold."""
        return self.number(f"GRAPH <{staged}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


@dataclass
class PushReport:
    """What was sent to each graph and what the store held before and afterwards."""

    sent: dict[str, int] = field(default_factory=dict)
    before: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)


def _listing(graphs: Iterable[str]) -> str:
    return ", ".join(f"<{g}>" for g in graphs) or "none"


class Push:
    """One push run: the targets, the store, and what is known of the store's state."""

    def __init__(
        self,
        session: httpx.Client,
        targets: dict[str, list[Triple]],
        endpoints: Endpoints,
        protocol: str,
        *,
        replace: bool,
        batch_size: int,
        progress: Callable[[int], None] | None,
        repair: str,
    ) -> None:
        self.http = session
        self.targets = targets
        self.endpoints = endpoints
        self.writer = PROTOCOLS[protocol](session, endpoints.write)
        self.counter = Counter(session, endpoints.query)
        self.replace = replace
        self.batch_size = batch_size
        self.progress = progress
        self.repair = repair
        self.report = PushReport({g: len(t) for g, t in targets.items()})
        self.switching = False

    def preflight(self) -> None:
        """Count every target graph (proving the query endpoint answers); refuse to copy blank nodes."""
        try:
            self.report.before = {graph: self.counter.triples(graph) for graph in self.targets}
        except http.EndpointError as exc:
            hint = (
                f". Triples are counted with SPARQL queries, here at {self.endpoints.query}: "
                "give the store's query URL with --query-endpoint"
                if self.endpoints.query == self.endpoints.update
                else ""
            )
            raise PushError(f"{exc}; nothing was written{hint}") from None
        if self.replace:
            return
        for graph, triples in self.targets.items():
            if self.report.before[graph] and _has_bnodes(triples):
                held = self.counter.blank_node_triples(graph)
                if held:
                    raise PushError(
                        f"<{graph}> already holds {held} triples with blank nodes, and the data has blank nodes: "
                        "adding would copy them (blank nodes of two pushes are never the same node); "
                        "nothing was written. Push with --replace"
                    )

    def _load(self, graph: str, triples: list[Triple], *, replace: bool) -> None:
        first = replace
        for batch in batches(triples, self.batch_size):
            self.writer.add(graph, batch, replace=first)
            first = False
            if self.progress:
                self.progress(len(batch))

    def _expect(self, graph: str, after: int) -> None:
        sent, before = self.report.sent[graph], self.report.before[graph]
        if self.replace and after != sent:
            raise PushError(f"push to <{graph}> incomplete: sent {sent} triples, the store holds {after}")
        if not self.replace and not max(before, sent) <= after <= before + sent:
            raise PushError(
                f"push to <{graph}> inconsistent: the store held {before} triples, {sent} were added, it now holds "
                f"{after}"
            )

    # Direct: in place, with an exact account of a failure.

    def direct(self) -> PushReport:
        done: list[str] = []
        for graph, triples in self.targets.items():
            try:
                if self.replace and not triples:
                    self.writer.clear(graph)
                self._load(graph, triples, replace=self.replace)
                self.report.counted[graph] = self.counter.triples(graph)
                self._expect(graph, self.report.counted[graph])
            except CspoError as exc:
                rest = [g for g in self.targets if g not in done and g != graph]
                raise PushError(
                    f"{exc}. The store is partly updated (the Graph Store Protocol writes in place; give "
                    f"--update-endpoint to push all or nothing): complete: {_listing(done)}; partial: <{graph}>"
                    f"{self._holding(graph)}; not started: {_listing(rest)}. Repair with: {self.repair}"
                ) from None
            done.append(graph)
        return self.report

    def _holding(self, graph: str) -> str:
        try:
            return f" (holds {self.counter.triples(graph)} triples, {self.report.sent[graph]} were sent)"
        except CspoError:
            return ""

    # Staged: load beside the targets, then switch everything in with one update request.

    def staged(self, run: str) -> PushReport:
        assert self.endpoints.update is not None
        staging = {graph: staging_name(run, graph) for graph, triples in self.targets.items() if triples}
        expected: dict[str, int] = {}
        try:
            for graph, stage in staging.items():
                self._load(stage, self.targets[graph], replace=False)
            for graph, stage in staging.items():
                held = self.counter.triples(stage)
                if held != self.report.sent[graph]:
                    raise PushError(f"staging <{stage}> holds {held} triples, {self.report.sent[graph]} were sent")
            for graph in self.targets:
                if self.replace:
                    expected[graph] = self.report.sent[graph]
                elif graph in staging:
                    expected[graph] = self.report.before[graph] + self.counter.new_triples(staging[graph], graph)
                else:
                    expected[graph] = self.report.before[graph]
        except CspoError as exc:
            raise PushError(
                f"{exc}; nothing was switched in: the store's graphs are as they were{self._drop(staging)}"
            ) from None
        import httpx

        # Sent once, and waited for as long as the store takes (a switch of 1M triples takes minutes).
        patient = httpx.Timeout(30.0, read=None, write=None)
        self.switching = True
        try:
            switch = self._switch(staging)
            send_update(self.http, self.endpoints.update, switch, what="the switch", retry=False, timeout=patient)
        except CspoError as exc:
            self._account(exc, staging, expected)
        for graph in self.targets:
            try:
                self.report.counted[graph] = self.counter.triples(graph)
            except CspoError as exc:
                raise PushError(
                    f"all graphs were switched in, but they cannot be counted now to check them: {exc}"
                ) from None
            if self.report.counted[graph] != expected[graph]:
                raise PushError(
                    f"push to <{graph}> inconsistent: the store should hold {expected[graph]} triples after the "
                    f"switch, it holds {self.report.counted[graph]}. Repair with: {self.repair}"
                )
        return self.report

    def advice(self, failure: CspoError) -> str:
        """What to change when the store refused a transaction for a limit of :data:`LIMITS` ("" otherwise)."""
        limit = next((limit for code, limit in LIMITS.items() if code in str(failure)), None)
        if limit is None:
            return ""
        if not self.switching:
            return f"{limit.rule}, and each batch is one: give a smaller --batch-size (it was {self.batch_size})"
        removed = sum(self.report.before.values()) if self.replace else 0
        moved = sum(self.report.sent.values()) + removed
        return (
            f"{limit.rule}, and the switch is one transaction for the {moved} triples it adds and removes: set "
            f"{limit.switch(moved)}, restart Virtuoso and run {self.repair}"
        )

    def _switch(self, staging: dict[str, str], only: Iterable[str] | None = None) -> str:
        """The update that switches the staged graphs in (for the graphs ``only``, default all)."""
        steps = []
        for graph in self.targets if only is None else only:
            stage = staging.get(graph)
            if stage is None:
                steps += [f"DROP SILENT GRAPH <{graph}>"] if self.replace else []
            elif self.replace:
                steps.append(f"MOVE SILENT GRAPH <{stage}> TO GRAPH <{graph}>")
            else:
                steps += [f"ADD SILENT GRAPH <{stage}> TO GRAPH <{graph}>", f"DROP SILENT GRAPH <{stage}>"]
        return " ;\n".join(steps) or "CLEAR SILENT GRAPH <urn:cspo-graph:nothing>"

    def _drop(self, staging: dict[str, str]) -> str:
        """Drop the staging graphs; say which could not be dropped."""
        assert self.endpoints.update is not None
        left = []
        for stage in staging.values():
            try:
                send_update(self.http, self.endpoints.update, f"DROP SILENT GRAPH <{stage}>", what="the clean-up")
            except CspoError:
                left.append(stage)
        if not left:
            return ""
        drops = " ; ".join(f"DROP SILENT GRAPH <{s}>" for s in left)
        return f"; the staging graphs {_listing(left)} may be left: remove them with the update {drops!r}"

    def _account(self, failure: CspoError, staging: dict[str, str], expected: dict[str, int]) -> None:
        """After a failed switch: return if every graph is switched in, else say exactly where each stands."""
        try:
            waiting = {g: s for g, s in staging.items() if self.counter.triples(s)}
            counts = {g: self.counter.triples(g) for g in self.targets}
        except CspoError as exc:
            raise PushError(
                f"{failure}; and the store cannot be counted now ({exc}): the graphs {_listing(self.targets)} "
                f"may be partly switched in, and the staging graphs {_listing(staging.values())} may be left. "
                f"Repair with: {self.repair}"
            ) from None
        switched = [g for g in self.targets if g not in waiting and counts[g] == expected[g]]
        if len(switched) == len(self.targets):
            return  # the switch went through; only its answer was lost
        others = [g for g in self.targets if g not in switched]
        finish = self._switch(waiting, only=others)
        if isinstance(failure, http.NoAnswer):
            drops = " ; ".join(f"DROP SILENT GRAPH <{s}>" for s in staging.values())
            raise PushError(
                f"{failure}; the switch was sent, so the store may still be carrying it out. Counted now: "
                f"switched in: {_listing(switched)}; not yet: {_listing(others)} (their new triples wait in "
                f"{_listing(waiting.values())}). Count again later; to finish, run the update {finish!r} at "
                f"{self.endpoints.update}; to give up, {drops!r}"
            ) from None
        if not switched and all(counts[g] == self.report.before[g] for g in self.targets):
            raise PushError(
                f"{failure}; nothing was switched in: the store's graphs are as they were{self._drop(staging)}"
            ) from None
        raise PushError(
            f"{failure}; the store is partly updated: complete: {_listing(switched)}; not switched in: "
            f"{_listing(others)} (their new triples wait in {_listing(waiting.values())}). "
            f"Finish with the update {finish!r} at {self.endpoints.update}, or repair with: {self.repair}"
        ) from None


def push(
    targets: dict[str, list[Triple]],
    endpoints: Endpoints,
    *,
    replace: bool = False,
    protocol: str = "gsp",
    credentials: http.Credentials | None = None,
    batch_size: int | None = None,
    timeout: float = http.DEFAULT_TIMEOUT,
    progress: Callable[[int], None] | None = None,
    repair: str = "the same push again",
) -> PushReport:
    """Send each target graph's triples (see :func:`graphs_to_push`) to the store and check what it holds.

    ``progress`` is called with the size of each batch sent; ``repair`` is the command
    that error messages offer for finishing a push that left the store partly updated.
    """
    if protocol not in PROTOCOLS:
        raise UsageError(f"unknown protocol {protocol!r} (known: {', '.join(PROTOCOLS)})")
    with http.client(credentials, timeout) as session:
        run = Push(
            session,
            targets,
            endpoints,
            protocol,
            replace=replace,
            batch_size=batch_size or PROTOCOLS[protocol].batch_size,
            progress=progress,
            repair=repair,
        )
        try:
            run.preflight()
            return run.staged(uuid.uuid4().hex) if endpoints.update else run.direct()
        except PushError as exc:
            advice = run.advice(exc)
            if not advice:
                raise
            raise PushError(f"{exc}. {advice}") from None
