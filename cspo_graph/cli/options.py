"""Options shared by several commands, so that each is spelled and handled in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import click

from cspo_graph.rdf.formats import OUTPUT_FORMATS, Carries, carrying, described

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from cspo_graph.stores.http import Credentials

F = TypeVar("F", bound=Callable[..., object])


def data_option(command: F) -> F:
    """``--data FILE`` (repeatable): the RDF files to work on."""
    return click.option(
        "--data",
        "data",
        multiple=True,
        metavar="FILE",
        help="RDF file to use instead of the built-in data (repeatable; format from the extension). "
        "Name 'builtin' to keep the built-in ontology and data alongside.",
    )(command)


def sources_option(command: F) -> F:
    """``--sources DIR``: the folder of source texts (default: the ones shipped with cspo-graph)."""
    return click.option(
        "--sources",
        type=click.Path(exists=True, file_okay=False),
        metavar="DIR",
        help="Folder with the source texts, named by each source's cspo:fileName "
        "(default: the two texts shipped with cspo-graph).",
    )(command)


def format_choice(choices: Sequence[str], default: str | None, help: str) -> Callable[[F], F]:
    """A ``--format``/``-f`` switch over ``choices``: the one spelling of the option, for
    commands whose output formats differ (passed to the command as ``fmt``)."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(list(choices), case_sensitive=False),
        default=default,
        show_default=default is not None,
        help=help,
    )


format_option = format_choice(
    OUTPUT_FORMATS,
    "table",
    f"A SELECT/ASK result: {described(Carries.RESULTS)}. "
    f"A graph result (CONSTRUCT, DESCRIBE): {', '.join(f.name for f in carrying(Carries.RDF))} "
    "(table shows it as Turtle).",
)
"""``--format``: the output format switch of every command that prints query results of any kind."""

rows_format_option = format_choice(
    [f.name for f in carrying(Carries.RESULTS)], "table", f"{described(Carries.RESULTS)}."
)
"""``--format`` for a command whose result is always a table of rows (``queries``, ``analyze``)."""


def _remember_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta["cspo_graph.quiet"] = value


def quiet_option(command: F) -> F:
    """``--quiet``: do not say on stderr which file :func:`emit` wrote."""
    return click.option(
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_remember_quiet,
        help="Do not say on stderr which file was written.",
    )(command)


def output_option(command: F) -> F:
    """``--output FILE``: write there (atomically) instead of standard output; with :func:`quiet_option`."""
    return quiet_option(
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE instead of standard output (the file appears whole or not at all).",
        )(command)
    )


def store_option(command: F) -> F:
    """``--store DIR``: answer from an on-disk store made by ``cspo-graph load`` instead of parsing files."""
    return click.option(
        "--store",
        metavar="DIR",
        type=click.Path(file_okay=False),
        help="Answer from the on-disk store DIR made by 'cspo-graph load' (nothing is parsed) instead of --data.",
    )(command)


def library_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion for a QUERY argument: the library's query names (files complete as files)."""
    from click.shell_completion import CompletionItem

    from cspo_graph.query.library import query_library

    names = [CompletionItem(q.name, help=q.title) for q in query_library() if q.name.startswith(incomplete)]
    return names or [CompletionItem(incomplete, type="file")]


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output`` and say so on stderr (unless ``--quiet``)."""
    if output:
        from cspo_graph.runtime.atomic import write_atomic

        write_atomic(output, text)
        context = click.get_current_context(silent=True)
        if not (context and context.meta.get("cspo_graph.quiet")):
            click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def reason_option(command: F) -> F:
    """``--reason rdfs|owlrl``: materialize entailments over the ontology before answering."""
    return click.option(
        "--reason",
        type=click.Choice(["rdfs", "owlrl"], case_sensitive=False),
        help="Materialize RDFS or OWL 2 RL entailments first (e.g. cspo:Person is then a foaf:Person).",
    )(command)


def report_format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` for a command that prints a report rather than query rows."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices, case_sensitive=False),
        default=choices[0],
        show_default=True,
        help=f"Report format: {', '.join(choices)}.",
    )


def credentials_options(command: F) -> F:
    """``--user NAME`` and ``--auth digest|basic``: log in to an endpoint (the command gets ``credentials``).

    The password is never an argument: it comes from ``$CSPO_GRAPH_PASSWORD`` or a
    prompt (on standard error, not echoed), and error messages never show it.
    """
    import functools

    from cspo_graph.stores.http import PASSWORD_VARIABLE

    @functools.wraps(command)
    def with_credentials(*args: object, user: str | None, auth: str, **kwargs: object) -> object:
        return command(*args, credentials=credentials(user, auth), **kwargs)

    with_credentials = click.option(
        "--auth",
        type=click.Choice(["digest", "basic"]),
        default="digest",
        show_default=True,
        help="HTTP authentication scheme for --user.",
    )(with_credentials)
    return click.option(  # type: ignore[return-value]
        "--user",
        metavar="NAME",
        help=f"Log in as NAME; the password comes from ${PASSWORD_VARIABLE} or a prompt (never an argument).",
    )(with_credentials)


def credentials(user: str | None, auth: str) -> Credentials | None:
    """The credentials for ``--user``: the password from the environment, else typed at a prompt."""
    import os

    from cspo_graph.stores.http import PASSWORD_VARIABLE, Credentials

    if user is None:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    return Credentials(user, password, auth)  # type: ignore[arg-type]
