"""`cspo-graph serve` over real HTTP: a uvicorn server on a free loopback port (the ``server_url`` fixture)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import functools
import http.client
import io
import json
import socket
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from email.message import Message

import pytest
import rdflib
from click.testing import CliRunner
from conftest import (
    FOUNDERS,
    MEMBERSHIP_CONSTRUCT,
    SERVER_MAX_BODY,
    SERVER_PIDS,
    SERVER_TIMEOUT,
    in_a_thread,
    serving,
)
from processes import busy_descendants, descendants

from cspo_graph.cli import main
from cspo_graph.query.library import query_library
from cspo_graph.web.negotiation import NotAcceptable, choose_format

LIBRARY = query_library()
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
CONSTRUCT_NATIONS = "CONSTRUCT { ?n a cspo:Nation ; rdfs:label ?l } WHERE { ?n a cspo:Nation ; rdfs:label ?l }"


@dataclass
class Reply:
    status: int
    headers: Message
    text: str

    @property
    def media_type(self) -> str:
        return self.headers.get_content_type()


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    """One HTTP request with the standard library's client; 4xx/5xx are returned, not raised."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=60) as r:
            return Reply(r.status, r.headers, r.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read().decode())


def get(server_url: str, path: str, accept: str | None = None, **params: str) -> Reply:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return request(server_url + path + query, headers={"Accept": accept} if accept else {})


def post_form(server_url: str, accept: str | None = None, **fields: str) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return request(server_url + "sparql", data=urllib.parse.urlencode(fields).encode(), headers=headers)


@functools.cache
def cli_rows(name: str) -> Counter:
    """The rows ``cspo-graph query NAME --format json`` prints (computed once per query)."""
    result = CliRunner().invoke(main, ["query", name, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return rows(result.output)


def rows(results_json: str) -> Counter:
    """The rows of a SPARQL JSON result as a multiset, GROUP_CONCAT cells compared as sets."""

    def cell(term: dict) -> tuple:
        return (term["type"], frozenset(term["value"].split("; ")), term.get("datatype"), term.get("xml:lang"))

    bindings = json.loads(results_json)["results"]["bindings"]
    return Counter(frozenset((k, cell(v)) for k, v in b.items()) for b in bindings)


# ---- the library over HTTP gives the CLI's answers


@pytest.mark.parametrize("named", LIBRARY, ids=[q.name for q in LIBRARY])
def test_every_library_query_over_http_matches_the_cli(server_url, named):
    expected = cli_rows(named.name)
    assert expected, f"{named.name} has no rows: nothing would be compared"
    by_name = get(server_url, f"queries/{named.name}", "application/sparql-results+json")
    by_form = post_form(server_url, "application/sparql-results+json", query=named.text)
    by_body = request(
        server_url + "sparql",
        data=named.text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    for reply in (by_name, by_form, by_body):
        assert (reply.status, reply.media_type) == (200, "application/sparql-results+json"), reply.text
        assert rows(reply.text) == expected


def test_queries_lists_the_library(server_url):
    listed = json.loads(get(server_url, "queries").text)
    assert [(q["name"], q["title"], q["description"]) for q in listed] == [
        (q.name, q.title, q.description) for q in LIBRARY
    ]
    assert "founders" in [q["name"] for q in listed]


def test_a_library_query_takes_typed_bindings_from_the_url(server_url, cli):
    reply = get(server_url, "queries/posts", "application/sparql-results+json", person="cspo:RobertBrose")
    expected = cli("query", "posts", "--param", "person=cspo:RobertBrose", "--format", "json").output
    assert reply.status == 200
    assert rows(reply.text) == rows(expected)
    assert 0 < len(rows(reply.text)) < len(rows(get(server_url, "queries/posts").text))


def test_unknown_library_query_and_unknown_variable(server_url):
    missing = get(server_url, "queries/nope")
    assert missing.status == 404
    assert "no query 'nope'" in missing.text
    assert "founders" in missing.text
    unknown = get(server_url, "queries/founders", nobody="1")
    assert unknown.status == 400
    assert "no variable ?nobody" in unknown.text


# ---- content negotiation


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ],
)
def test_select_results_by_content_negotiation(server_url, accept, media_type):
    reply = get(server_url, "sparql", accept, query=query_text("founders"))
    assert (reply.status, reply.media_type) == (200, media_type), reply.text
    assert "Accept" in reply.headers["Vary"]
    assert founders_in(reply) == FOUNDERS


def query_text(name: str) -> str:
    return next(q.text for q in LIBRARY if q.name == name)


def founders_in(reply: Reply) -> list[str]:
    """The nation column of a founders result, read in the result's own format."""
    if reply.media_type == "application/sparql-results+json":
        return [b["nation"]["value"] for b in json.loads(reply.text)["results"]["bindings"]]
    if reply.media_type == "application/sparql-results+xml":
        root = ET.fromstring(reply.text)
        return [
            b.find(f"{RESULTS_NS}literal").text for b in root.iter(f"{RESULTS_NS}binding") if b.get("name") == "nation"
        ]
    if reply.media_type == "text/csv":
        return [row["nation"] for row in csv.DictReader(io.StringIO(reply.text))]
    lines = reply.text.splitlines()
    assert lines[0].split("\t") == ["?nation", "?year", "?sources"]
    return [json.loads(line.split("\t")[0].split("@")[0]) for line in lines[1:]]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads;q=0.2, application/rdf+xml;q=0.1", "application/n-quads", "nquads"),
    ],
)
def test_construct_results_in_rdf_formats(server_url, cli, accept, media_type, rdflib_format):
    reply = get(server_url, "sparql", accept, query=CONSTRUCT_NATIONS)
    assert (reply.status, reply.media_type) == (200, media_type), reply.text
    expected = rdflib.Graph().parse(data=cli("query", "-e", CONSTRUCT_NATIONS, "--format", "nt").output, format="nt")
    got = rdflib.Dataset().parse(data=reply.text, format=rdflib_format)
    assert len(expected) > 5
    assert {(s, p, o) for s, p, o, _ in got.quads()} == set(expected)


def test_format_parameter_overrides_accept(server_url):
    reply = get(server_url, "queries/founders", "application/sparql-results+json", format="csv")
    assert reply.media_type == "text/csv"
    assert founders_in(reply) == FOUNDERS


def test_unacceptable_and_unknown_formats(server_url):
    refused = get(server_url, "queries/founders", "image/png")
    assert refused.status == 406
    assert "application/sparql-results+json" in refused.text
    wrong_kind = get(server_url, "queries/founders", format="ttl")
    assert wrong_kind.status == 400
    assert "SELECT/ASK" in wrong_kind.text or "graph results" in wrong_kind.text
    unknown = get(server_url, "queries/founders", "text/csv", format="pdf")
    assert unknown.status == 400
    assert "unknown format 'pdf'" in unknown.text
    assert get(server_url, "queries/founders", format="application/pdf").status == 400


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        ("application/sparql-results+json;q=0, */*", "SELECT", "xml"),
        ("text/*", "SELECT", "csv"),
        ("application/json", "CONSTRUCT", "jsonld"),
        ("", "ASK", "json"),
        ("garbage, text/turtle", "CONSTRUCT", "ttl"),
    ],
)
def test_accept_header_parsing(accept, kind, expected):
    assert choose_format(accept, kind) == expected


def test_accept_header_that_fits_nothing():
    with pytest.raises(NotAcceptable, match="text/turtle"):
        choose_format("text/html", "CONSTRUCT")


# ---- bad and refused requests


def test_malformed_query_gives_400_with_the_parser_message(server_url):
    for reply in (
        get(server_url, "sparql", query="SELECT ?x WHERE { ?x ?y }"),
        post_form(server_url, query="SELECT ?x WHERE { ?x ?y }"),
    ):
        assert reply.status == 400
        assert reply.media_type == "text/plain"
        assert reply.text.startswith("query:1:")
        assert "SPARQL syntax error: Expected" in reply.text
        assert len(reply.text.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("fields", "content_type"),
    [
        ({"update": "DROP ALL"}, None),
        ({"query": "DELETE WHERE { ?s ?p ?o }"}, None),
        ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, None),
        (None, "application/sparql-update"),
    ],
)
def test_updates_are_refused(server_url, fields, content_type):
    if fields:
        reply = post_form(server_url, **fields)
    else:
        reply = request(server_url + "sparql", data=b"DROP ALL", headers={"Content-Type": content_type})
    assert reply.status == 403
    assert reply.text.strip() == "SPARQL Update is refused: this endpoint is read-only"
    assert founders_in(get(server_url, "queries/founders")) == FOUNDERS


def test_service_is_refused(server_url):
    reply = get(server_url, "sparql", query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert reply.status == 403
    assert "SERVICE" in reply.text


def test_protocol_misuse(server_url):
    assert get(server_url, "sparql").status == 400
    two = request(server_url + "sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert (two.status, "exactly one query" in two.text) == (400, True)
    wrong_type = request(server_url + "sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status == 415
    assert "application/sparql-query" in wrong_type.text
    both = post_form(server_url, query="ASK {}", update="DROP ALL")
    assert both.status == 403


def test_an_empty_query_is_a_bad_request_not_an_update(server_url):
    for reply in (
        request(server_url + "sparql?query="),
        post_form(server_url, query=" \n"),
        request(server_url + "sparql", data=b"", headers={"Content-Type": "application/sparql-query"}),
    ):
        assert (reply.status, reply.text) == (400, "the query is empty\n")


# ---- the format parameter: a name or a media type, once or more


def test_sparqlwrappers_default_tsv_request(server_url):
    from SPARQLWrapper import TSV, SPARQLWrapper

    client = SPARQLWrapper(server_url + "sparql")
    client.setQuery(query_text("founders"))
    client.setReturnFormat(TSV)
    lines = client.query().convert().decode().splitlines()
    assert lines[0].split("\t") == ["?nation", "?year", "?sources"]
    raw = request(
        f"{server_url}sparql?query={urllib.parse.quote(query_text('founders'))}"
        "&format=tsv&format=text/tab-separated-values"
    )
    assert (raw.status, raw.media_type) == (200, "text/tab-separated-values")
    assert founders_in(raw) == FOUNDERS


@pytest.mark.parametrize(
    ("formats", "media_type"),
    [
        (["text/csv"], "text/csv"),
        (["csv", "tsv"], "text/csv"),
        (["ttl", "application/sparql-results+xml"], "application/sparql-results+xml"),
        (["rdf+xml", "application/json"], "application/sparql-results+json"),
    ],
)
def test_the_first_format_that_can_hold_the_result_is_answered(server_url, formats, media_type):
    query = urllib.parse.urlencode([("query", query_text("founders")), *(("format", f) for f in formats)])
    reply = request(f"{server_url}sparql?{query}")
    assert (reply.status, reply.media_type) == (200, media_type), reply.text
    assert founders_in(reply) == FOUNDERS


def test_a_graph_format_for_a_table_defers_to_a_specific_accept_header(server_url):
    reply = get(server_url, "queries/founders", "text/csv", format="ttl")
    assert (reply.status, reply.media_type) == (200, "text/csv")
    construct = get(server_url, "sparql", "application/rdf+xml", query=CONSTRUCT_NATIONS, format="xml")
    assert (construct.status, construct.media_type) == (200, "application/rdf+xml")


def test_oversize_body_is_refused_with_413(server_url):
    big = "ASK {}" + " " * SERVER_MAX_BODY
    declared = request(server_url + "sparql", data=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert declared.status == 413
    assert f"over {SERVER_MAX_BODY} bytes" in declared.text
    # the same body streamed in chunks, with no Content-Length to trust
    host, port = urllib.parse.urlsplit(server_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (big[i : i + 8192].encode() for i in range(0, len(big), 8192))
    connection.request(
        "POST", "/sparql", body=chunks, headers={"Content-Type": "application/sparql-query"}, encode_chunked=True
    )
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
    just_fits = request(
        server_url + "sparql",
        data=("ASK {}" + " " * (SERVER_MAX_BODY - 10)).encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert just_fits.status == 200


def test_oversize_url_is_refused_with_414(server_url):
    reply = get(server_url, "sparql", query="ASK {}" + " " * (40 << 10))
    assert reply.status == 414
    assert "query string" in reply.text


def test_oversize_request_head_is_refused_and_the_connection_closed(server_url):
    """A request line and headers over the limit (here a 100 KB header) get a 400, not a wait."""
    host, port = urllib.parse.urlsplit(server_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /queries HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"x" * (100 << 10) + b"\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    fits = request(server_url + "queries", headers={"X-Padding": "x" * (40 << 10)})
    assert fits.status == 200


def test_responses_are_sent_without_waiting_for_acks():
    """Nagle's algorithm is off on every connection the server accepts from the socket it binds
    (asyncio leaves it on for such sockets: each kept-alive response would wait ~40 ms)."""
    import asyncio

    from cspo_graph.web.server import _send_without_delay, bind

    listener = bind("127.0.0.1", 0)
    client = socket.create_connection(listener.getsockname()[:2])
    accepted, _ = listener.accept()

    async def nodelay() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, accepted)
        sock = transport.get_extra_info("socket")
        before = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        _send_without_delay(transport)
        after = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        transport.close()
        return before, after

    try:
        assert in_a_thread(lambda: asyncio.run(nodelay())) == (0, 1)
    finally:
        client.close()
        listener.close()


def test_requests_for_another_host_name_are_refused(server_url):
    """A web page on another site cannot reach this server through DNS rebinding."""
    port = urllib.parse.urlsplit(server_url).port
    for host in ("attacker.example", f"attacker.example:{port}", "[::2]", "127.0.0.1.attacker.example", "[::1"):
        reply = request(server_url + "queries", headers={"Host": host})
        assert (reply.status, reply.text) == (400, "Invalid host header\n"), host
    for host in (f"localhost:{port}", "127.0.0.1", f"[::1]:{port}"):
        assert request(server_url + "queries", headers={"Host": host}).status == 200, host


def test_a_server_on_ipv6_loopback_answers():
    with serving("--host", "::1") as url:
        assert url.startswith("http://[::1]:")
        reply = get(url, "queries/founders", "text/csv")
        assert (reply.status, founders_in(reply)) == (200, FOUNDERS)


# ---- connections: idle and slow sockets cannot crowd out requests


def idle_sockets(server_url: str, count: int) -> list[socket.socket]:
    address = (urllib.parse.urlsplit(server_url).hostname, urllib.parse.urlsplit(server_url).port)
    return [socket.create_connection(address, timeout=30) for _ in range(count)]


def test_two_hundred_idle_connections_held_thirty_seconds_deny_no_request(server_url):
    sockets = idle_sockets(server_url, 200)
    try:
        deadline, answered = time.monotonic() + 30, []
        while time.monotonic() < deadline:
            fresh = idle_sockets(server_url, 20)  # opened again and again, as a client holding them would
            sockets += fresh
            answered.append(get(server_url, "sparql", "text/csv", query="ASK {}").status)
            time.sleep(1)
        assert len(answered) >= 20 and set(answered) == {200}
    finally:
        for sock in sockets:
            sock.close()


def test_idle_and_trickling_connections_are_closed():
    with serving() as url:
        idle, trickling = idle_sockets(url, 2)
        started = time.monotonic()
        trickling.sendall(b"GET /queries HTTP/1.1\r\n")
        closed = None
        while closed is None and time.monotonic() - started < 20:
            with contextlib.suppress(OSError):  # once the server has closed it
                trickling.sendall(b"X")
            time.sleep(0.5)
            idle.settimeout(0.01)
            with contextlib.suppress(TimeoutError):
                closed = idle.recv(1) == b"" or None
        assert closed, "an idle connection was kept open"
        trickling.settimeout(10)
        assert trickling.recv(1024) == b"", "a request head trickling in was waited for"
        assert time.monotonic() - started < 10
        idle.close()
        trickling.close()


# ---- timeout: a runaway query is stopped and the server keeps serving

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_runaway_query_is_stopped_by_the_timeout(server_url):
    started = time.monotonic()
    reply = get(server_url, "sparql", query=RUNAWAY)
    elapsed = time.monotonic() - started
    assert reply.status == 503
    assert "timeout" in reply.text.lower() or "time limit" in reply.text.lower()
    assert elapsed < SERVER_TIMEOUT + 10
    assert busy_descendants(SERVER_PIDS[server_url]) == [], "the query's process was left running"
    assert founders_in(get(server_url, "queries/founders")) == FOUNDERS


@pytest.mark.parametrize("where", ["memory", "store"])
def test_an_ask_is_answered_while_four_runaway_queries_run(request, where):
    """The ASKs do not wait for the runaways: all four are still running when the ASKs have
    been answered (how fast, 0.5 s at most, is measured by bench/run.py, not here)."""
    url = request.getfixturevalue("server_url" if where == "memory" else "store_server_url")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runaways = [pool.submit(get, url, "sparql", query=RUNAWAY) for _ in range(4)]
        time.sleep(2)  # all four are running
        assert not any(r.done() for r in runaways)
        for _ in range(3):
            assert get(url, "sparql", "text/csv", query="ASK {}").text == "boolean\r\ntrue\r\n"
        assert not any(r.done() for r in runaways), "an ASK waited for a runaway query to end"
        assert [r.result().status for r in runaways] == [503] * 4
    assert busy_descendants(SERVER_PIDS[url]) == [], "a runaway query was left running"


@pytest.mark.parametrize("where", ["memory", "store"])
def test_a_relative_iri_resolves_against_the_endpoint_on_every_engine(request, where):
    """A query sent to the server has its /sparql URL for base IRI, whichever engine answers
    (without one, Oxigraph refused the relative IRI that rdflib kept as it was)."""
    url = request.getfixturevalue("server_url" if where == "memory" else "store_server_url")
    text = "SELECT (STR(<a>) AS ?iri) (STR(<../b#c>) AS ?up) WHERE {}"
    expected = f"iri,up\r\n{url}a,{url}b#c\r\n"
    assert get(url, "sparql", "text/csv", query=text).text == expected
    assert post_form(url, "text/csv", query=text).text == expected
    assert get(url, "page/sparql", "text/csv", query=text).text == expected  # the web page's route


def test_no_process_is_forked_per_query(server_url):
    get(server_url, "sparql", query="ASK {}")  # a worker is ready
    before = set(descendants(SERVER_PIDS[server_url]))
    for _ in range(20):
        assert get(server_url, "sparql", "text/csv", query="ASK {}").status == 200
    assert set(descendants(SERVER_PIDS[server_url])) == before


# ---- the page and its assets


def test_page_and_assets_are_served_with_a_strict_policy(server_url):
    page = get(server_url, "")
    assert page.status == 200
    assert page.media_type == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in page.text.replace("http-equiv", "")
    for asset in ("static/app.js", "static/app.css", "vendor/vis-network.min.js", "vendor/vis-network.css"):
        assert get(server_url, asset).status == 200, asset


def test_serve_says_where_it_listens_and_fails_cleanly_on_a_busy_port(cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = cli("serve", "--port", str(busy.getsockname()[1]))
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot listen on 127.0.0.1:")
    assert len(result.output.strip().splitlines()) == 1


# ---- a client nobody here wrote


def test_sparqlwrapper_gets_the_library_answers(server_url):
    from SPARQLWrapper import JSON, SPARQLWrapper

    for named in LIBRARY:
        client = SPARQLWrapper(server_url + "sparql")
        client.setQuery(named.text)
        client.setReturnFormat(JSON)
        answer = client.query().convert()
        assert rows(json.dumps(answer)) == cli_rows(named.name), named.name


def test_sparqlwrapper_posts_and_reads_csv(server_url):
    from SPARQLWrapper import CSV, POST, SPARQLWrapper

    client = SPARQLWrapper(server_url + "sparql")
    client.setMethod(POST)
    client.setQuery(query_text("founders"))
    client.setReturnFormat(CSV)
    text = client.query().convert().decode()
    assert [row["nation"] for row in csv.DictReader(io.StringIO(text))] == FOUNDERS


def test_sparqlwrapper_gets_a_construct_graph(server_url, cli):
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server_url + "sparql")
    client.setQuery(CONSTRUCT_NATIONS)
    client.setReturnFormat(TURTLE)
    got = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    expected = rdflib.Graph().parse(data=cli("query", "-e", CONSTRUCT_NATIONS, "--format", "nt").output, format="nt")
    assert set(got) == set(expected)


def test_rdflib_sparqlstore_gets_the_founders(server_url):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server_url + "sparql", returnFormat="xml")
    graph = rdflib.Graph(store)
    result = graph.query(query_text("founders"))
    assert [str(row.nation) for row in result] == FOUNDERS


# ---- the graph data the page draws


def test_graph_views_and_their_nodes(server_url):
    from cspo_graph.views.catalog import VIEWS

    listed = json.loads(get(server_url, "graph/views").text)
    assert [(v["name"], v["title"]) for v in listed] == [(v.name, v.title) for v in VIEWS.values()]
    membership = json.loads(get(server_url, "graph", view="membership").text)
    labels = {node["label"] for node in membership["nodes"]}
    assert set(FOUNDERS) <= labels
    assert len(membership["edges"]) == 10
    assert membership["title"] == VIEWS["membership"].title


def test_graph_of_a_query_and_its_errors(server_url):
    drawn = request(server_url + "graph", data=urllib.parse.urlencode({"query": MEMBERSHIP_CONSTRUCT}).encode())
    assert drawn.status == 200
    assert len(json.loads(drawn.text)["edges"]) == 10
    unknown = get(server_url, "graph", view="nope")
    assert unknown.status == 400
    assert "nope" in unknown.text
    select = get(server_url, "graph", query="SELECT * WHERE { ?s ?p ?o }")
    assert select.status == 400
    assert "CONSTRUCT" in select.text
    update = get(server_url, "graph", query="DROP ALL")
    assert update.status == 403


# ---- answering from an on-disk store (cspo-graph load ... --store DIR)


@pytest.fixture(scope="module")
def store_server_url(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "cspo-store"
    loaded = CliRunner().invoke(main, ["load", "builtin", "--store", str(store)], catch_exceptions=False)
    assert loaded.exit_code == 0, loaded.output
    with serving("--store", str(store), "--timeout", str(SERVER_TIMEOUT)) as url:
        yield url


@pytest.mark.parametrize("named", LIBRARY, ids=[q.name for q in LIBRARY])
def test_a_server_on_a_store_gives_the_library_answers(store_server_url, named):
    reply = get(store_server_url, f"queries/{named.name}", "application/sparql-results+json")
    assert reply.status == 200, reply.text
    assert rows(reply.text) == cli_rows(named.name)


def test_a_server_on_a_store_refuses_updates_and_graph_views(store_server_url):
    assert post_form(store_server_url, update="DROP ALL").status == 403
    assert post_form(store_server_url, query="DROP ALL").status == 403
    assert json.loads(get(store_server_url, "graph/views").text) == []
    views = get(store_server_url, "graph", view="all")
    assert views.status == 501
    assert "--store" in views.text
    bad = get(store_server_url, "sparql", query="SELECT ?x WHERE { ?x ?y }")
    assert (bad.status, bad.text.startswith("query:1:")) == (400, True)


def test_serve_refuses_data_with_store_and_a_folder_that_is_no_store(cli, tmp_path):
    both = cli("serve", "--data", "builtin", "--store", str(tmp_path))
    assert both.exit_code == 2
    assert "exclude each other" in both.output
    empty = cli("serve", "--store", str(tmp_path))
    assert empty.exit_code == 1
    assert "not a cspo-graph store" in empty.output


# ---- the SPARQL 1.1 Protocol's dataset: default-graph-uri and named-graph-uri

GRAPH = "https://w3id.org/cspo-graph/graph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS_SEEN = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def answer(url: str, query: str, default: tuple[str, ...] = (), named: tuple[str, ...] = ()) -> list[str]:
    """The first column of a SELECT over the dataset the protocol parameters give."""
    fields = [("query", query), *(("default-graph-uri", GRAPH + g) for g in default)]
    fields += [("named-graph-uri", GRAPH + g) for g in named]
    reply = request(f"{url}sparql?{urllib.parse.urlencode(fields)}", headers={"Accept": "text/csv"})
    assert reply.status == 200, reply.text
    return [line.removeprefix(GRAPH) for line in reply.text.splitlines()[1:]]


def in_graph(url: str, *names: str) -> int:
    union = " UNION ".join(f"{{ GRAPH <{GRAPH}{name}> {{ ?s ?p ?o }} }}" for name in names)
    return int(answer(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {union} }} }}")[0])


@pytest.fixture(params=["memory", "store"])
def any_server_url(request):
    return request.getfixturevalue("server_url" if request.param == "memory" else "store_server_url")


def test_default_graph_uri_makes_the_default_graph(any_server_url):
    url = any_server_url
    assert int(answer(url, COUNT, default=("links",))[0]) == in_graph(url, "links") > 0
    assert int(answer(url, COUNT, default=("links", "ontology"))[0]) == in_graph(url, "links", "ontology")
    overridden = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}ontology> WHERE {{ ?s ?p ?o }}"
    assert int(answer(url, overridden, default=("links",))[0]) == in_graph(url, "links")
    assert answer(url, GRAPHS_SEEN, default=("links",)) == []  # no named graph was given


def test_named_graph_uri_gives_the_named_graphs_and_an_empty_default_graph(any_server_url):
    url = any_server_url
    assert answer(url, GRAPHS_SEEN, named=("links", "ontology")) == ["links", "ontology"]
    assert answer(url, COUNT, named=("links",)) == ["0"]
    both = answer(url, GRAPHS_SEEN, default=("ontology",), named=("links",))
    assert both == ["links"]
    assert len(answer(url, GRAPHS_SEEN)) > 2  # without them, the query sees the whole dataset


def test_a_dataset_iri_that_is_not_one_is_a_bad_request(server_url):
    reply = get(server_url, "sparql", query="ASK {}", **{"default-graph-uri": "not an iri"})
    assert reply.status == 400 and "default-graph-uri 'not an iri': expected an absolute IRI" in reply.text


def test_the_remote_engine_sends_the_dataset_to_the_endpoint(server_url):
    from cspo_graph.query.engines import Request, Source, open_engine

    with open_engine(Source(endpoint=server_url + "sparql")) as engine:
        graphs = engine.query(Request(GRAPHS_SEEN, named_graphs=(GRAPH + "links",)))
        counted = engine.query(Request(COUNT, default_graphs=(GRAPH + "links",)))
    assert [row[0].value for row in graphs.rows] == [GRAPH + "links"]
    assert int(counted.rows[0][0].value) == in_graph(server_url, "links")
