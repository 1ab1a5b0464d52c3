"""Regenerate docs/graph.png (the default view of ``cspo-graph graph``, drawn by Debian's Chromium)
and docs/timeline.png (``cspo-graph graph --view timeline``).

    python scripts/screenshot.py [OUT.png]

It writes the page with the installed ``cspo-graph`` command into a temporary folder,
opens it headless with the same browser set-up as the tests, waits for the layout
to settle and takes the picture.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 (the tests' browser set-up)

VIEWPORT = {"width": 1400, "height": 900}
SCALE = 1.5
"""Device pixels per CSS pixel: a sharp picture on high-density screens."""


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "graph.png"
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "cspo-graph.html"
        subprocess.run([sys.executable, "-m", "cspo_graph", "graph", str(page_file)], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=SCALE)
            page.goto(page_file.as_uri())
            page.wait_for_function("window.cspoGraph && window.cspoGraph.settled", timeout=20_000)
            page.screenshot(path=str(out))
            timeline = Path(folder) / "timeline.svg"
            subprocess.run(
                [sys.executable, "-m", "cspo_graph", "graph", str(timeline), "--view", "timeline"], check=True
            )
            chart = browser.new_page(viewport={"width": 870, "height": 420}, device_scale_factor=SCALE)
            chart.goto(timeline.as_uri())
            chart.screenshot(path=str(out.parent / "timeline.png"))
            browser.close()
    print(f"wrote {out} and {out.parent / 'timeline.png'}")


if __name__ == "__main__":
    main()
