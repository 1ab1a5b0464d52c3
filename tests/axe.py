"""Accessibility checks with axe-core (vendored in tests/vendor/axe-core): the WCAG 2.1 A and AA rules."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """Each violation of the page as one line: rule, impact, and the first elements it names.

    The page's context must be opened with ``bypass_csp=True`` (axe is injected as a script).
    """
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found["violations"]
    ]
