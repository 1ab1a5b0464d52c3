"""The ``cspo-graph`` command: a thin click layer over the library.

Commands are imported only when they are run (or listed by ``--help``), and each
imports its heavy libraries inside the function, so start-up stays light.

Exit codes: 0 success, 1 error in the input or while running, 2 usage error.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from importlib import import_module
from typing import Any

import click

from cspo_graph import __version__
from cspo_graph.errors import CspoError

COMMANDS = {
    "analyze": "cspo_graph.cli.graph:analyze",
    "check-grounding": "cspo_graph.cli.check_grounding:check_grounding",
    "check-quotes": "cspo_graph.cli.check_quotes:check_quotes",
    "describe": "cspo_graph.cli.describe:describe",
    "export": "cspo_graph.cli.export:export",
    "graph": "cspo_graph.cli.graph:graph",
    "load": "cspo_graph.cli.load:load",
    "push": "cspo_graph.cli.push:push",
    "queries": "cspo_graph.cli.query:queries",
    "query": "cspo_graph.cli.query:query",
    "serve": "cspo_graph.cli.serve:serve",
    "validate": "cspo_graph.cli.validate:validate",
}
"""Command name -> ``module:function``; a new command is one line here."""

# rdflib logs a traceback when a literal does not fit its datatype ("abc"^^xsd:integer);
# such a literal stays in the data as it is, and `cspo-graph validate` reports it.
logging.getLogger("rdflib").addHandler(logging.NullHandler())


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class CommandFailed(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        one_line = " ".join(message.split("\n"))
        super().__init__(_CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", one_line))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class; each failure has its own


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is needed,
    and turns every error into one line on stderr and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        return getattr(import_module(module), attribute)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command ``args`` name; a mistyped name gets a "did you mean" from the known ones."""
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            from difflib import get_close_matches

            close = get_close_matches(args[0], COMMANDS, n=1)
            if close:
                ctx.fail(f"No such command {args[0]!r}. Did you mean {close[0]!r}?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from cspo_graph.runtime.guard import guarded

        try:
            with guarded():
                return super().invoke(ctx)
        except CspoError as exc:
            raise CommandFailed(str(exc), exc.exit_code) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except RecursionError:
            raise CommandFailed("the input is nested too deeply to process", 1) from None
        except OSError as exc:
            if not _while_printing(exc):
                raise _unexpected(exc) from None
            _discard_stdout()
            if isinstance(exc, BrokenPipeError):  # the reader is gone (`| head`): nobody to tell
                raise click.exceptions.Exit(1) from None
            raise CommandFailed(f"cannot write to standard output: {exc.strerror or exc}", 1) from None
        except Exception as exc:
            raise _unexpected(exc) from None


def _unexpected(exc: Exception) -> Exception:
    """What an error nobody designed a message for is shown as (the error itself with CSPO_GRAPH_DEBUG)."""
    if os.environ.get("CSPO_GRAPH_DEBUG"):
        return exc
    return CommandFailed(f"unexpected {type(exc).__name__}: {exc} (set CSPO_GRAPH_DEBUG=1 for a traceback)", 1)


def _while_printing(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by ``click.echo`` writing to standard output (a full disk, a closed pipe)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is click.echo.__code__:
            return True
        tb = tb.tb_next
    return False


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that what is left in its buffer does not fail again at exit."""
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test runner's buffer): nothing to point elsewhere
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cspo-graph")
def main() -> None:
    """Query and explore the sourced knowledge graph of the Combined Space
    Operations (CSpO) initiative: nations, organizations, posts, people,
    meetings, statements, and the sources that state them.

    \b
    Example:
      cspo-graph query founders
      cspo-graph queries

    Exit codes: 0 success, 1 error in the input or while running, 2 usage error.
    """
