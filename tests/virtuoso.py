"""A throw-away Virtuoso server: Debian's virtuoso-opensource on 127.0.0.1, in a temp folder.

Debian's ``virtuoso.ini`` is copied with the database, transaction, log, lock and
xa files (and the [TempDatabase] files, which must differ) moved into the folder
and both ServerPort lines set to ``127.0.0.1:<free port>``; ``virtuoso-t`` runs in
the foreground in its own process group, which :func:`stop` ends.

One setting is added: ``MaxSortedTopRows = 100000`` in [Parameters] (Debian's
default of 10,000 refuses ``ORDER BY ... LIMIT n OFFSET k`` once n + k passes it, so
``query --page-size`` could not page past 10,000 rows; docs/stores.md says so).
:func:`start` takes more settings, by section (the push benchmark raises
``TransactionAfterImageLimit`` and ``MaxQueryExecutionTime``; tests lower them).

One setting is commented out: ``MaxQueryCostEstimationTime``, which makes Virtuoso
refuse a query whose *estimated* cost is above 400 s. On this tiny data its
estimates are wildly off and change from graph to graph (the meeting query is
refused in one graph and answered in ms in another with the same triples); the
Virtuoso maintainers advise commenting it out (openlink/virtuoso-opensource
issues #535 and #1395), and so does docs/stores.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from servers import free_port, launch
from servers import stop as stop_process

BINARY = shutil.which("virtuoso-t")
DEBIAN_INI = next(
    (
        path
        for path in (
            Path("/etc/virtuoso-opensource-7/virtuoso.ini"),
            Path("/usr/share/virtuoso-opensource-7/virtuoso.ini"),
        )
        if path.is_file()
    ),
    None,
)
Settings = Mapping[str, Mapping[str, object]]
"""virtuoso.ini settings by section: ``{"Parameters": {"MaxSortedTopRows": 100000}}``."""
SETTINGS: Settings = {"Parameters": {"MaxSortedTopRows": 100_000}}
"""The settings every server here gets (Debian's file sets none of them)."""
USER = PASSWORD = "dba"
"""The administrator of a fresh Virtuoso database."""


@dataclass
class Virtuoso:
    """A running server and its endpoints."""

    base: str
    folder: Path
    process: subprocess.Popen
    sql_port: int = 0

    @property
    def sparql(self) -> str:
        """SPARQL 1.1 Protocol query endpoint (no login)."""
        return self.base + "/sparql"

    @property
    def graph_store(self) -> str:
        """SPARQL 1.1 Graph Store HTTP Protocol endpoint with digest login."""
        return self.base + "/sparql-graph-crud-auth"

    @property
    def update(self) -> str:
        """SPARQL endpoint that accepts SPARQL Update, with digest login."""
        return self.base + "/sparql-auth"

    def log(self) -> str:
        """The server's log, for failure messages."""
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""


def write_ini(folder: Path, sql_port: int, http_port: int, settings: Settings | None = None) -> Path:
    """Debian's virtuoso.ini with every file in ``folder``, both servers on 127.0.0.1, and :data:`SETTINGS`
    and ``settings`` (in place of Debian's lines for the same settings)."""
    assert DEBIAN_INI is not None
    more = settings or {}
    added = {name: {**SETTINGS.get(name, {}), **more.get(name, {})} for name in {*SETTINGS, *more}}
    moved = {
        ("Database", "DatabaseFile"): folder / "virtuoso.db",
        ("Database", "ErrorLogFile"): folder / "virtuoso.log",
        ("Database", "LockFile"): folder / "virtuoso.lck",
        ("Database", "TransactionFile"): folder / "virtuoso.trx",
        ("Database", "xa_persistent_file"): folder / "virtuoso.pxa",
        ("TempDatabase", "DatabaseFile"): folder / "virtuoso-temp.db",
        ("TempDatabase", "TransactionFile"): folder / "virtuoso-temp.trx",
        ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
        ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
        ("Parameters", "DirsAllowed"): f"., {folder}, /usr/share/virtuoso-opensource-7/vad",
    }
    lines, section, seen = [], None, set()
    for line in DEBIAN_INI.read_text().splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        setting = re.match(r"\s*([A-Za-z_]\w*)\s*=", line)
        if header:
            section = header[1]
            line += "".join(f"\n{name} = {value}" for name, value in added.get(section, {}).items())
        elif setting and (section, setting[1]) in moved:
            key = (section, setting[1])
            line = f"{setting[1]} = {moved[key]}"
            seen.add(key)
        elif setting and (
            (section, setting[1]) == ("SPARQL", "MaxQueryCostEstimationTime")
            or setting[1] in added.get(section or "", {})
        ):
            line = ";" + line
        lines.append(line)
    missing = set(moved) - seen
    assert not missing, f"{DEBIAN_INI} has no {sorted(missing)}"
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n")
    return ini


def start(folder: Path, timeout: float = 90.0, settings: Settings | None = None) -> Virtuoso:
    """Start a server with a fresh database in ``folder`` (``settings``: more virtuoso.ini settings);
    return once /sparql answers."""
    assert BINARY is not None
    http_port, sql_port = free_port(), free_port()
    ini = write_ini(folder, sql_port, http_port, settings)
    base = f"http://127.0.0.1:{http_port}"
    command = [BINARY, "+configfile", str(ini), "+foreground"]
    process = launch(
        command, base + "/sparql", "Virtuoso", timeout=timeout, log=folder / "virtuoso.log", interval=0.3, cwd=folder
    )
    return Virtuoso(base, folder, process, sql_port)


ISQL = shutil.which("isql-vt")


def isql(server: Virtuoso, sql: str) -> list[str]:
    """The ``isql-vt`` command line that runs ``sql`` as the administrator."""
    assert ISQL is not None
    return [ISQL, f"127.0.0.1:{server.sql_port}", USER, PASSWORD, f"exec={sql}"]


def bulk_load_sql(folder: Path, pattern: str, graph: str = "https://w3id.org/cspo-graph/graph/data") -> str:
    """Virtuoso's bulk loader on the files matching ``pattern`` in ``folder`` (which DirsAllowed must list);
    ``graph`` is only for triples without one (N-Quads carry their own)."""
    return f"ld_dir('{folder}', '{pattern}', '{graph}'); rdf_loader_run(); checkpoint;"


def stop(server: Virtuoso) -> None:
    """End the server's whole process group and wait for it."""
    stop_process(server.process)
