"""Shared fixtures: the built-in dataset, a CLI runner, browsers and servers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cspo_graph.cli import main

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def dataset():
    """The built-in ontology and data, loaded once."""
    from cspo_graph.rdf.parsing import load

    return load()


@pytest.fixture(scope="session")
def engine(dataset):
    """The rdflib engine over the built-in data (the ``dataset`` fixture's own)."""
    from cspo_graph.query.engines import Source
    from cspo_graph.query.engines.memory import RdflibEngine

    with RdflibEngine(Source(), dataset=dataset) as opened:
        yield opened


def engine_over(files) -> object:
    """The rdflib engine over ``files`` (closed when it is collected)."""
    from cspo_graph.query.engines import Source
    from cspo_graph.query.engines.memory import RdflibEngine

    return RdflibEngine(Source(files=tuple(files)))


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run ``cspo-graph ARGS...`` in-process and return click's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, except in CI, where a missing part is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (installed by scripts/test.sh)."""
    from playwright.sync_api import sync_playwright

    require(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@contextmanager
def recording_page(browser, **context_options):
    """A fresh page that records JS errors (``page.errors``) and every request URL (``page.requests``)."""
    context = browser.new_context(**context_options)
    new_page = context.new_page()
    new_page.errors = []
    new_page.requests = []
    new_page.on("pageerror", lambda error: new_page.errors.append(str(error)))
    new_page.on("console", lambda msg: msg.type == "error" and new_page.errors.append(msg.text))
    new_page.on("request", lambda request: new_page.requests.append(request.url))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """A fresh recording page (:func:`recording_page`)."""
    with recording_page(browser) as new_page:
        yield new_page


@pytest.fixture
def axe_page(browser):
    """A recording page whose Content-Security-Policy is bypassed, so that axe-core can be injected."""
    with recording_page(browser, bypass_csp=True, viewport={"width": 1400, "height": 1000}) as new_page:
        yield new_page


FOUNDERS = ["Australia", "Canada", "New Zealand", "United Kingdom", "United States"]
MEMBERSHIP_CONSTRUCT = """CONSTRUCT { ?m org:member ?n ; org:organization ?i }
WHERE { ?m a cspo:Membership ; org:member ?n ; org:organization ?i }"""


def in_a_thread(run: Callable[[], Any]) -> Any:
    """``run()`` on a thread of its own, its result or its exception: an event loop it starts
    cannot meet the one a browser test's playwright leaves running on the main thread."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = run()
        except BaseException as exc:  # raised again on the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


SERVER_TIMEOUT = 10.0
SERVER_MAX_BODY = 64 << 10


SERVER_PIDS: dict[str, int] = {}
"""The process id of each server :func:`serving` runs, by base URL."""


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """Run a real ``cspo-graph serve`` (uvicorn) on a free loopback port (127.0.0.1 unless ``--host`` says
    otherwise); yield its base URL."""
    command = [sys.executable, "-m", "cspo_graph", "serve", "--port", "0", *options]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            first_line = process.stdout.readline()
            if " at http://" not in first_line:
                process.kill()
                process.wait()
                log.seek(0)
                pytest.fail(f"serve did not start: {first_line}{log.read()}")
            url = first_line.split(" at ")[1].split()[0]
            with urllib.request.urlopen(url + "queries", timeout=30) as response:
                assert response.status == 200
            SERVER_PIDS[url] = process.pid
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The base URL (http://127.0.0.1:PORT/) of a server on the built-in data, with a short time limit."""
    with serving("--timeout", str(SERVER_TIMEOUT), "--max-body", str(SERVER_MAX_BODY)) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """One Virtuoso (Debian's virtuoso-opensource) for the whole session on 127.0.0.1, stopped afterwards."""
    import virtuoso

    require(
        virtuoso.BINARY is not None and virtuoso.DEBIAN_INI is not None,
        "virtuoso-opensource is not installed",
    )
    running = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield running
    virtuoso.stop(running)
    assert running.process.poll() is not None


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """One Oxigraph server (PyPI's oxigraph, `oxigraph serve`) for the whole session on 127.0.0.1."""
    import oxigraph_server as oxigraph

    require(oxigraph.BINARY is not None, "the oxigraph command is not installed (pip install oxigraph)")
    running = oxigraph.start(tmp_path_factory.mktemp("oxigraph"))
    yield running
    oxigraph.stop(running)
    assert running.process.poll() is not None
