"""Take docs/serve.png (the `cspo-graph serve` page) and docs/entity.png (an entity page) in headless
Debian Chromium, with the browser set-up of the tests (tests/conftest.py).

Run from the repository: ``python scripts/serve_screenshot.py [--query NAME] [--view NAME] [--entity NAME]``.
It starts the server on a free loopback port, opens a library query in its tab and runs it,
draws a graph view, takes the screenshots and stops the server.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 (the tests' browser set-up)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs"))
    parser.add_argument("--query", default="founders")
    parser.add_argument("--view", default="membership")
    parser.add_argument("--entity", default="RobertBrose")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "cspo_graph", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = server.stdout.readline().split(" at ")[1].split()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            expect(page.locator(f"#library option[value='{args.query}']")).to_have_count(1)
            page.select_option("#library", args.query)
            page.click(".yasqe_queryButton:visible")
            expect(page.locator("#status")).to_contain_text("row", timeout=60_000)
            expect(page.locator("body")).to_have_attribute("data-settled", "stabilized", timeout=60_000)
            if args.view != "membership":  # the page starts on the membership view
                page.select_option("#view", args.view)
            page.wait_for_timeout(1000)
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "serve.png"), full_page=True)
            page.goto(f"{url}entity/{args.entity}")
            page.screenshot(path=str(out / "entity.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {args.out}/serve.png and {args.out}/entity.png")


if __name__ == "__main__":
    main()
