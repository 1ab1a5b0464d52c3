"""Take docs/serve.png: the `cspo-graph serve` page in headless Debian Chromium.

Run from the repository: ``python scripts/serve_screenshot.py [OUT.png] [--query NAME] [--view NAME]``.
It starts the server on a free loopback port, runs a library query on the page,
draws a graph view, takes the screenshot and stops the server.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/serve.png")
    parser.add_argument("--query", default="founders")
    parser.add_argument("--view", default="membership")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "cspo_graph", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = server.stdout.readline().split(" at ")[1].split()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url)
            page.wait_for_selector(f"#library option[value='{args.query}']", state="attached")
            page.select_option("#library", args.query)
            page.click("#run")
            page.wait_for_selector("#results tbody tr")
            if args.view:
                page.wait_for_selector(f"#view option[value='{args.view}']", state="attached")
                page.select_option("#view", args.view)
                expect(page.locator("#graph-status")).to_contain_text("nodes", timeout=30000)
                page.wait_for_timeout(3000)  # let the layout settle
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
