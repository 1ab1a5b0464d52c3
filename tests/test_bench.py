"""``bench/run.py --quick`` runs to its end on tiny data and reports every target (no timing asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_reports_every_target(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nkept\n", encoding="utf-8")
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--engines", "memory,store,pyoxigraph"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*command, "--write", str(report)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nkept\n")
    targets = text.split("### Targets", 1)[1]
    for target in (
        "cold `query founders` / plain rdflib",
        "`serve --store` / `oxigraph serve`, requests/s",
        "`ASK {}` under 4 runaway queries",
        "200 idle connections",
        "1k: query library, --store / pyoxigraph",
    ):
        line = next(line for line in targets.splitlines() if target in line)
        assert "met" in line or "MISSED" in line, line
    assert "**the two servers' rows differ**" not in text  # the same database behind both
