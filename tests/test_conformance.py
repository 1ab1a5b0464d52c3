"""The W3C SPARQL 1.1 query evaluation tests, through the ``cspo-graph`` command on every engine.

Each test of ``tests/w3c/*/manifest.ttl`` runs twice per engine: directly on the engine's
own API (rdflib ``Dataset.query``, pyoxigraph ``Store.query``) over the test's dataset, and
through ``cspo-graph query`` (``--data`` in memory, or a store made by ``cspo-graph load``)
with the output format that matches the expected results. Both answers are compared with
the expected results as the W3C harness compares them: blank nodes up to isomorphism,
solutions unordered unless the query has ORDER BY, literals by their exact lexical form.

What is proved: cspo-graph's own layer (loading, conversion, serializers, checks) loses no
test that the engine beneath it passes. An engine's own failures are listed, with the
reason, in ``tests/w3c/expected-failures.toml``, and so are the tests cspo-graph cannot
pass through its command line although the engine does (``lost-by-ENGINE``: the dataset
model), each with its reason; a test whose outcome differs from that file, a
new failure or one that went away, fails the suite, so the list stays true.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from cspo_graph.cli import main

W3C = Path(__file__).parent / "w3c"
FOLDERS = (
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
)
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TEST_TYPES = {MF.QueryEvaluationTest: "evaluation", MF.CSVResultFormatTest: "csv"}


@dataclass(frozen=True)
class Case:
    """One W3C test: its query, its dataset and its expected results."""

    id: str
    """``folder/name``, as expected-failures.toml names it."""
    kind: str
    """``evaluation``, or ``csv`` (the CSV serialization is what is compared)."""
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path


def _path(iri: rdflib.term.Node) -> Path:
    return Path(url2pathname(urlparse(str(iri)).path))


def read_manifest(folder: str) -> list[Case]:
    """The query evaluation tests of one manifest, in the manifest's order."""
    manifest = W3C / folder / "manifest.ttl"
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    cases = []
    for entries in graph.objects(None, MF.entries):
        for test in rdflib.collection.Collection(graph, entries):
            kind = TEST_TYPES.get(graph.value(test, rdflib.RDF.type))  # type: ignore[arg-type]
            if kind is None:
                continue
            action = graph.value(test, MF.action)
            cases.append(
                Case(
                    id=f"{folder}/{str(test).rsplit('#', 1)[-1]}",
                    kind=kind,
                    query=_path(graph.value(action, QT.query)),  # type: ignore[arg-type]
                    data=tuple(sorted(_path(d) for d in graph.objects(action, QT.data))),
                    graph_data=tuple(sorted(_path(d) for d in graph.objects(action, QT.graphData))),
                    result=_path(graph.value(test, MF.result)),  # type: ignore[arg-type]
                )
            )
    return cases


CASES = [case for folder in FOLDERS for case in read_manifest(folder)]
EXPECTED_FAILURES: dict[str, dict[str, str]] = tomllib.loads((W3C / "expected-failures.toml").read_text())


# -- results in one comparable form ----------------------------------------------------------

Term = tuple[str, ...]
"""``("iri", value)``, ``("bnode", label)``, ``("literal", lexical form, datatype, language)``."""
Row = dict[str, Term]


@dataclass
class Answer:
    """A query's answer: a boolean, solutions, a graph, or CSV text rows; or the error it gave."""

    boolean: bool | None = None
    rows: list[Row] | None = None
    graph: rdflib.Graph | None = None
    csv_rows: list[list[str]] | None = None
    error: str = ""


def literal(lexical: str, datatype: str | None, language: str | None) -> Term:
    if language:
        return ("literal", lexical, "", language.lower())
    return ("literal", lexical, "" if datatype in (None, XSD_STRING, LANG_STRING) else datatype, "")


def from_oxigraph(term: object) -> Term:
    if isinstance(term, pyoxigraph.NamedNode):
        return ("iri", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode", term.value)
    assert isinstance(term, pyoxigraph.Literal), term
    return literal(term.value, term.datatype.value, term.language)


def from_rdflib(term: rdflib.term.Node) -> Term:
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("bnode", str(term))
    if not isinstance(term, rdflib.Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    return literal(str(term), term.datatype and str(term.datatype), term.language)


def oxigraph_answer(result: object) -> Answer:
    """An answer from pyoxigraph: a query's result or parsed SPARQL results."""
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        return Answer(
            rows=[
                {n: from_oxigraph(s[n]) for n in names if s[n] is not None}
                for s in result  # type: ignore[attr-defined]
            ]
        )
    graph = rdflib.Graph()
    for triple in result:  # type: ignore[attr-defined]
        graph.add(tuple(rdflib_node(t) for t in (triple.subject, triple.predicate, triple.object)))  # type: ignore[arg-type]
    return Answer(graph=graph)


def rdflib_node(term: object) -> rdflib.term.Node:
    kind, value, *rest = from_oxigraph(term)
    if kind == "iri":
        return rdflib.URIRef(value)
    if kind == "bnode":
        return rdflib.BNode(value)
    datatype, language = rest
    return rdflib.Literal(value, datatype=datatype or None, lang=language or None)


def rdflib_answer(result: rdflib.query.Result) -> Answer:
    if result.type == "ASK":
        return Answer(boolean=bool(result.askAnswer))
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or ()]
        return Answer(
            rows=[
                {n: from_rdflib(row[n]) for n in names if row[n] is not None}  # type: ignore[index]
                for row in result
            ]
        )
    assert result.graph is not None
    graph = rdflib.Graph()
    for triple in result.graph:
        graph.add(triple)
    return Answer(graph=graph)


RESULT_FORMATS = {".srx": pyoxigraph.QueryResultsFormat.XML, ".srj": pyoxigraph.QueryResultsFormat.JSON}
RESULT_FORMATS[".tsv"] = pyoxigraph.QueryResultsFormat.TSV
GRAPH_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}


def csv_answer(text: str) -> Answer:
    return Answer(csv_rows=[row for row in csv.reader(io.StringIO(text))])


def result_set(graph: rdflib.Graph) -> Answer | None:
    """The solutions written in the W3C result-set vocabulary, when ``graph`` holds one."""
    sets = list(graph.subjects(rdflib.RDF.type, RS.ResultSet))
    if not sets:
        return None
    if (boolean := graph.value(sets[0], RS.boolean)) is not None:
        return Answer(boolean=bool(boolean.toPython()))  # type: ignore[union-attr]
    rows = []
    for solution in graph.objects(sets[0], RS.solution):
        bindings = graph.objects(solution, RS.binding)
        rows.append({str(graph.value(b, RS.variable)): from_rdflib(graph.value(b, RS.value)) for b in bindings})  # type: ignore[arg-type]
    return Answer(rows=rows)


@cache
def expected(case: Case) -> Answer:
    """The test's expected results, read from its results file."""
    suffix = case.result.suffix
    if case.kind == "csv":
        return csv_answer(case.result.read_text(encoding="utf-8"))
    if suffix in RESULT_FORMATS:
        return oxigraph_answer(pyoxigraph.parse_query_results(path=case.result, format=RESULT_FORMATS[suffix]))
    graph = rdflib.Graph().parse(case.result, format=GRAPH_FORMATS[suffix], publicID=case.result.resolve().as_uri())
    return result_set(graph) or Answer(graph=graph)


def ordered(case: Case) -> bool:
    """Whether the solutions' order counts: the query has ORDER BY (outside a subquery's braces
    would be more exact; the W3C tests that order a subquery do not rely on it)."""
    return re.search(r"\border\s+by\b", case.query.read_text(encoding="utf-8"), re.IGNORECASE) is not None


def _unify(expected: Sequence[str], actual: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str] | None:
    """``mapping`` extended so that the expected cells equal the actual ones (blank nodes renamed), or None."""
    new = dict(mapping)
    taken = set(new.values())
    for a, b in zip(expected, actual, strict=True):
        if a.startswith("_:") and b.startswith("_:"):
            if new.get(a, b) != b or (a not in new and b in taken):
                return None
            new[a] = b
            taken.add(b)
        elif a != b:
            return None
    return new


XSD = "http://www.w3.org/2001/XMLSchema#"
DECIMALS = {
    XSD + t
    for t in (
        "decimal",
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "positiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
FLOATS = {XSD + "double", XSD + "float"}
BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}


def comparable(term: Term) -> str:
    """A term as a string that equals another's when the W3C harness counts them equal: a
    numeric or boolean literal by its datatype and value (``1.0E6`` = ``1.0e6`` = ``1000000.0``,
    ``"0"^^xsd:boolean`` = ``false``: engines keep values, not lexical forms), a blank node as
    ``_:label``. CSV cells, which carry no datatype, compare as the test writes them."""
    if term[0] == "bnode":
        return "_:" + term[1]
    if term[0] == "literal" and term[2] == XSD + "boolean" and term[1] in BOOLEANS:
        return repr(("literal", BOOLEANS[term[1]], term[2]))
    if term[0] == "literal" and term[2] in DECIMALS | FLOATS:
        try:
            value = repr(float(term[1])) if term[2] in FLOATS else str(Decimal(term[1]).normalize())
        except (ValueError, ArithmeticError):
            return repr(term)
        return repr(("literal", value, term[2]))
    return repr(term)


def _cells(row: Row | list[str], names: Sequence[str]) -> list[str]:
    """A row as comparable strings in the order of ``names`` (CSV cells as they are)."""
    if isinstance(row, list):
        return list(row)
    return [comparable(row[n]) if n in row else "" for n in names]


def same_rows(expected: Sequence[Row | list[str]], actual: Sequence[Row | list[str]], in_order: bool) -> bool:
    """Whether the rows are equal up to a renaming of blank nodes (in order when ``in_order``)."""
    if len(expected) != len(actual):
        return False
    names = sorted({n for row in [*expected, *actual] if isinstance(row, dict) for n in row})
    left = [_cells(r, names) for r in expected]
    right = [_cells(r, names) for r in actual]
    if not in_order:
        plain = Counter(tuple(r) for r in left if not any(c.startswith("_:") for c in r))
        other = Counter(tuple(r) for r in right if not any(c.startswith("_:") for c in r))
        if plain != other:
            return False
        left = [r for r in left if any(c.startswith("_:") for c in r)]
        right = [r for r in right if any(c.startswith("_:") for c in r)]

    def search(i: int, mapping: dict[str, str], used: frozenset[int]) -> bool:
        if i == len(left):
            return True
        for j in [i] if in_order else [j for j in range(len(right)) if j not in used]:
            extended = _unify(left[i], right[j], mapping)
            if extended is not None and search(i + 1, extended, used | {j}):
                return True
        return False

    return search(0, {}, frozenset())


def by_header(row: list[str], header: list[str], order: list[str]) -> list[str]:
    """A CSV row's cells in the column order ``order`` (SELECT * leaves the order to the engine)."""
    cells = dict(zip(header, row, strict=True))
    return [cells.get(name, "") for name in order]


def verdict(case: Case, answer: Answer) -> str:
    """``""`` when ``answer`` is what the test expects, else why not."""
    if answer.error:
        return answer.error
    want = expected(case)
    if want.csv_rows is not None:
        assert answer.csv_rows is not None
        header = want.csv_rows[0]
        good = sorted(header) == sorted(answer.csv_rows[0]) and same_rows(
            want.csv_rows[1:], [by_header(row, answer.csv_rows[0], header) for row in answer.csv_rows[1:]], False
        )
    elif want.boolean is not None:
        good = answer.boolean == want.boolean
    elif want.rows is not None:
        good = answer.rows is not None and same_rows(want.rows, answer.rows, ordered(case))
    else:
        good = answer.graph is not None and isomorphic(want.graph, answer.graph)  # type: ignore[arg-type]
    return "" if good else f"wrong answer: {answer} (expected {want})"


# -- the engines, directly -------------------------------------------------------------------


def _graph_format(path: Path) -> str:
    return GRAPH_FORMATS[path.suffix]


@cache
def rdflib_dataset(data: tuple[Path, ...], graph_data: tuple[Path, ...]) -> rdflib.Dataset:
    """The test's dataset as rdflib's own parsers build it (read-only once built)."""
    dataset = rdflib.Dataset()
    for path in data:
        dataset.default_graph.parse(path, format=_graph_format(path), publicID=path.resolve().as_uri())
    for path in graph_data:
        named = dataset.graph(rdflib.URIRef(path.resolve().as_uri()))
        named.parse(path, format=_graph_format(path), publicID=path.resolve().as_uri())
    return dataset


@cache
def oxigraph_store(data: tuple[Path, ...], graph_data: tuple[Path, ...]) -> pyoxigraph.Store:
    """The test's dataset in a pyoxigraph store in memory (read-only once built)."""
    store = pyoxigraph.Store()
    for path, graph in [(p, pyoxigraph.DefaultGraph()) for p in data] + [
        (p, pyoxigraph.NamedNode(p.resolve().as_uri())) for p in graph_data
    ]:
        fmt = pyoxigraph.RdfFormat.from_extension(path.suffix[1:])
        store.load(path=path, format=fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
    return store


def direct_rdflib(case: Case) -> Answer:
    dataset = rdflib_dataset(case.data, case.graph_data)
    result = dataset.query(case.query.read_text(encoding="utf-8"), base=case.query.resolve().as_uri())
    if case.kind == "csv":
        return csv_answer(result.serialize(format="csv").decode("utf-8"))  # type: ignore[union-attr]
    return rdflib_answer(result)


def direct_oxigraph(case: Case) -> Answer:
    store = oxigraph_store(case.data, case.graph_data)
    result = store.query(case.query.read_text(encoding="utf-8"), base_iri=case.query.resolve().as_uri())
    if case.kind == "csv":
        return csv_answer(result.serialize(format=pyoxigraph.QueryResultsFormat.CSV).decode("utf-8"))  # type: ignore[union-attr]
    return oxigraph_answer(result)


DIRECT: dict[str, Callable[[Case], Answer]] = {"rdflib": direct_rdflib, "oxigraph": direct_oxigraph}


@cache
def direct(engine: str, case: Case) -> str:
    """The verdict on the engine's own answer (its error counts as a failure)."""
    try:
        return verdict(case, DIRECT[engine](case))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


# -- the engines, through the command line ---------------------------------------------------

RUNNER = CliRunner()


def cspo_graph(*args: str) -> str:
    """Run ``cspo-graph ARGS`` in-process: its output, or AssertionError with its message."""
    result = RUNNER.invoke(main, list(args), catch_exceptions=False)
    if result.exit_code != 0:
        raise CommandError(result.stderr.strip() or result.output.strip())
    return result.stdout


class CommandError(Exception):
    """``cspo-graph`` exited with an error."""


@cache
def store_of(files: tuple[Path, ...], folder: Path) -> Path:
    """A store made by ``cspo-graph load`` from ``files`` (one per set of files)."""
    directory = folder / f"store-{len(list(folder.iterdir()))}"
    cspo_graph("load", *map(str, files), "--store", str(directory))
    return directory


def empty_file(folder: Path) -> Path:
    """An empty Turtle file: the data of a test without any (no ``--data`` means the built-in data)."""
    path = folder / "empty.ttl"
    path.touch()
    return path


def output_format(case: Case) -> str:
    """The ``--format`` that matches the expected results' file."""
    if case.kind == "csv":
        return "csv"
    want = expected(case)
    if want.graph is not None:
        return "nt"
    return {".srx": "xml", ".tsv": "tsv"}.get(case.result.suffix, "json")


def parse_output(case: Case, fmt: str, text: str) -> Answer:
    if fmt == "csv":
        return csv_answer(text)
    if fmt == "nt":
        return Answer(graph=rdflib.Graph().parse(data=text, format="nt"))
    formats = {"xml": pyoxigraph.QueryResultsFormat.XML, "tsv": pyoxigraph.QueryResultsFormat.TSV}
    return oxigraph_answer(
        pyoxigraph.parse_query_results(text.encode("utf-8"), formats.get(fmt, pyoxigraph.QueryResultsFormat.JSON))
    )


def through_cli(engine: str, case: Case, folder: Path) -> str:
    """The verdict on ``cspo-graph query``'s answer on ``engine``."""
    files = tuple(sorted({*case.data, *case.graph_data})) or (empty_file(folder),)
    fmt = output_format(case)
    source: Iterable[str]
    if engine == "store":
        source = ["--store", str(store_of(files, folder))]
    else:
        source = [arg for path in files for arg in ("--data", str(path))]
        if engine == "oxigraph":
            source = [*source, "--engine", "oxigraph"]
    try:
        text = cspo_graph("query", str(case.query), *source, "--format", fmt)
    except CommandError as exc:
        return f"cspo-graph: {exc}"
    return verdict(case, parse_output(case, fmt, text))


# -- the tests -------------------------------------------------------------------------------

ENGINES = {"rdflib": "rdflib", "oxigraph": "oxigraph", "store": "oxigraph"}
"""cspo-graph engine -> the engine beneath it, whose own API is the reference."""


pytestmark = pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("w3c-stores")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("engine", list(ENGINES))
def test_w3c(engine: str, case: Case, stores: Path) -> None:
    beneath = ENGINES[engine]
    own = direct(beneath, case)
    known = EXPECTED_FAILURES.get(beneath, {}).get(case.id)
    if known:
        assert own, f"{beneath} now passes {case.id}: remove it from tests/w3c/expected-failures.toml"
    else:
        assert not own, f"{beneath} fails {case.id} on its own API (list it in expected-failures.toml): {own}"
    lost = EXPECTED_FAILURES.get(f"lost-by-{engine}", {}).get(case.id)
    cli = through_cli(engine, case, stores)
    if lost:
        assert cli, f"`cspo-graph query` on {engine} now passes {case.id}: remove it from lost-by-{engine}"
    elif not own:
        assert not cli, f"{beneath} passes {case.id} but `cspo-graph query` on {engine} loses it: {cli}"


def test_the_copy_is_complete() -> None:
    """Every folder the issue names is here with tests, and every expected failure names a test."""
    counts = Counter(case.id.split("/")[0] for case in CASES)
    assert set(counts) == set(FOLDERS)
    assert len(CASES) >= 230
    ids = {case.id for case in CASES}
    for section, failures in EXPECTED_FAILURES.items():
        assert section in {*ENGINES.values(), *(f"lost-by-{e}" for e in ENGINES)}, section
        assert set(failures) <= ids, set(failures) - ids
        assert all(reason.strip() for reason in failures.values())
