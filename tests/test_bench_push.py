"""A tiny smoke run of bench/push.py (the real run is 1M triples, by hand: docs/benchmarks.md)."""

from __future__ import annotations

import oxigraph_server
import virtuoso
from conftest import require


def test_push_benchmark_smoke_run(tmp_path):
    require(virtuoso.BINARY is not None and oxigraph_server.BINARY is not None, "the stores are not installed")
    from bench import push

    text = push.main(["--triples", "100", "--sweep-triples", "50", "--batch-sizes", "40", "--no-write"])
    rows = [line for line in text.splitlines() if line.startswith("| Virtuoso") or line.startswith("| Oxigraph")]
    assert len(rows) == 2 * (2 + 2) + 2  # per store: two recipes, two protocols x one batch size; two bulk loaders
    assert all("| 100 |" in row or "| 50 |" in row for row in rows) and "n/a" not in text
    assert all(row.endswith(" |") and row.rsplit("|", 2)[1].strip().startswith("x") for row in rows)
    bulk = [row for row in rows if "| bulk loader: " in row]
    assert len(bulk) == 2 and all(row.endswith("| x1.0 |") for row in bulk)
    alone = [row.split(" | ") for row in rows if "| push alone, " in row]
    assert len(alone) == 4 and all(0 <= float(cells[5]) <= float(cells[3]) for cells in alone)  # sending <= all
    assert "| (no store) | reading the file as push does" in text
    assert "TransactionAfterImageLimit = 100000000 in [Parameters]; MaxQueryExecutionTime = 3600 in [SPARQL]" in text

    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\n## Other\n\nkept\n")
    push.write_section("first", page)
    push.write_section("second", page)
    assert page.read_text() == f"# Benchmarks\n\n## Other\n\nkept\n\n{push.HEADING}\n\nsecond\n"
