"""The `cspo-graph serve` page in a real headless Chromium (the ``page`` fixture), against a real server."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

FOUNDERS = ["Australia", "Canada", "New Zealand", "United Kingdom", "United States"]
HOSTILE = "<img src=x onerror=alert(document.domain)>"


def open_page(page, server_url: str) -> None:
    page.goto(server_url)
    page.wait_for_selector("#library option[value='founders']", state="attached")


def run_and_wait(page) -> None:
    """Click Run and wait until the status line says how it went (the page's CSP forbids eval'd waits)."""
    page.click("#run")
    expect(page.locator("#status")).not_to_have_text(re.compile(r"^(Running|$)"))


def assert_stayed_local(page, server_url: str) -> None:
    assert page.requests, "no request was recorded"
    for url in page.requests:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", urlsplit(server_url).netloc) or parts.scheme == "data", url


def test_pick_founders_from_the_menu_run_it_and_read_the_table(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", label="Founding members of the CSpO")
    assert "PREFIX cspo:" in page.input_value("#query")
    run_and_wait(page)
    assert page.locator("#results thead th").all_inner_texts() == ["nation", "year", "sources"]
    assert page.locator("#results tbody tr td:first-child").all_inner_texts() == FOUNDERS
    assert page.locator("#results tbody tr td:nth-child(2)").all_inner_texts() == ["2018"] * 5
    assert page.inner_text("#status").startswith("5 rows")
    assert page.errors == []
    assert_stayed_local(page, server_url)


def test_download_links_give_the_result_in_each_format(page, server_url):
    open_page(page, server_url)
    page.select_option("#library", "founders")
    run_and_wait(page)
    assert page.locator("#downloads a").all_inner_texts() == ["JSON", "XML", "CSV", "TSV"]
    with page.expect_download() as download:
        page.click("#downloads a:text('CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [row["nation"] for row in csv.DictReader(io.StringIO(text))] == FOUNDERS
    assert download.value.suggested_filename == "founders.csv"


def test_text_from_the_data_is_shown_as_text(page, server_url):
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    open_page(page, server_url)
    page.fill("#query", f'SELECT ?x WHERE {{ BIND("{HOSTILE}" AS ?x) }}')
    run_and_wait(page)
    assert page.locator("#results tbody td").all_inner_texts() == [HOSTILE]
    assert page.locator("#results img").count() == 0
    assert dialogs == []
    assert page.input_value("#library") == ""


def test_a_malformed_query_shows_the_parser_message(page, server_url):
    open_page(page, server_url)
    page.fill("#query", "SELECT ?x WHERE { ?x ?y }")
    run_and_wait(page)
    assert page.inner_text("#status").startswith("query:1:")
    assert "SPARQL syntax error" in page.inner_text("#status")
    assert page.locator("#results tbody tr").count() == 0
