"""``cspo-graph load``: bulk-load RDF files into an on-disk store."""

from __future__ import annotations

import sys

import click

PROGRESS_FROM = 8 * 1024 * 1024
"""Input size (bytes) from which a load shows a progress bar."""


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--store",
    "directory",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="The store to load into (created when missing).",
)
def load(files: tuple[str, ...], directory: str) -> None:
    """Load RDF files into an on-disk store that 'query --store DIR' answers from.

    Each file goes into a named graph of its own (loading a file again replaces
    it); 'builtin' stands for the shipped ontology and data. Files are bulk-loaded
    by Oxigraph; a failed or interrupted load leaves the store as it was.

    \b
    Example:
      cspo-graph load builtin --store ./cspo-store
      cspo-graph load big.nt more.ttl --store ./cspo-store
      cspo-graph query members --store ./cspo-store
    """
    import time

    from cspo_graph.rdf.parsing import expand
    from cspo_graph.stores.local import load_files

    paths = expand(files)
    total = sum(path.stat().st_size for path in paths if path.is_file())
    started = time.perf_counter()
    if total < PROGRESS_FROM:
        info = load_files(paths, directory)
    else:
        with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
            info = load_files(paths, directory, progress=bar.update)
    seconds = time.perf_counter() - started
    loaded, graphs = (
        f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((len(paths), "file"), (len(info.graphs), "graph"))
    )
    click.echo(f"{directory}: loaded {loaded} in {seconds:.1f} s; the store holds {info.quads} triples in {graphs}")
