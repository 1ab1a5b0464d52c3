"""What a process left behind: its descendants, and those of them still at work (read from /proc)."""

from __future__ import annotations

import time
from pathlib import Path


def _stats() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, state)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs, and so on."""
    table = _stats()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def busy_descendants(pid: int, settle: float = 2.0) -> list[int]:
    """The descendants of ``pid`` still running (not sleeping, not zombies) after ``settle`` seconds at most."""
    deadline = time.monotonic() + settle
    while True:
        table = _stats()
        busy = [child for child in descendants(pid) if child in table and table[child][1] in "RD"]
        if not busy or time.monotonic() > deadline:
            return busy
        time.sleep(0.1)
