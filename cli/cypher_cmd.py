"""``switchboard cypher``: ad-hoc Cypher, one statement or an interactive prompt."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import click

from cli._common import console, handle_errors, store
from cli.cypher_view import FORMATS, literal, print_error, show_result
from engine import SwitchboardError, UsageError, switchboard_home
from engine.graph import Store, evaluate_parameter, parse_parameter_value, run_cypher

PROMPT = "neo4j> "
CONTINUATION = "     > "
HELP = """\
Type a Cypher statement ending with ';' (it may span lines), or a command:
  :param name => expression   set a parameter (the server evaluates the expression)
  :param {name: value, ...}   set several parameters at once
  :params                     list the parameters
  :params clear               remove every parameter
  :help                       this text
  :exit                       leave (also :quit, Ctrl-D)
Statements run read-only unless the prompt was started with --write."""


@click.command("cypher")
@click.argument("statement", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter (repeatable). VALUE is read as JSON when it parses "
    '(5, true, [1,2], "text"), as text otherwise.',
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="How to print the rows.",
)
@click.option("--write", is_flag=True, help="Allow the statement to write (default: read-only).")
@handle_errors
def cypher_cmd(statement: str | None, params: tuple[str, ...], fmt: str, write: bool) -> None:
    """Run ad-hoc Cypher against the graph: a read-only session unless --write.

    A statement that writes without --write is refused by the server: exit 1,
    nothing written. Nodes print with their labels, relationships with their types.
    With no STATEMENT, an interactive prompt with history (like cypher-shell) where
    :param, :params, :help and :exit work; piped input runs its ';'-terminated
    statements in order.

    \b
    Examples:
      switchboard cypher "MATCH (g:IntegrationGroup) RETURN g.qualifiedName"
      switchboard cypher "MATCH (c {qualifiedName: \\$qn})-[r]->(e) RETURN c, r, e" -p qn='"x"'
      switchboard cypher "MATCH (n) RETURN labels(n), count(*)" --format csv
      switchboard cypher --write "MATCH (n:Scratch) DETACH DELETE n"
      switchboard cypher
    """
    bound = _parse_params(params)
    st = store(quiet=fmt != "table" or statement is None)
    if statement is not None:
        show_result(run_cypher(st, statement, bound, write=write), fmt)
        return
    session = Session(st, bound, fmt, write)
    if sys.stdin.isatty():
        session.interactive()
    else:
        session.run_lines(sys.stdin)
        if session.failed:
            raise SystemExit(1)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"bad parameter {pair!r}: expected key=value", hint="e.g. -p qn='\"folder.inbox\"'"
            )
        out[key.strip()] = parse_parameter_value(value)
    return out


class Session:
    """The statements and commands of one prompt, with the parameters they set."""

    def __init__(self, st: Store, params: dict[str, Any], fmt: str, write: bool) -> None:
        self.store = st
        self.params = params
        self.fmt = fmt
        self.write = write
        self.pending: list[str] = []
        self.done = False
        self.failed = False

    def interactive(self) -> None:
        """The prompt_toolkit prompt, with history in $SWITCHBOARD_HOME/cypher-history."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        home = switchboard_home()
        home.mkdir(parents=True, exist_ok=True)
        prompt: PromptSession[str] = PromptSession(
            history=FileHistory(str(home / "cypher-history"))
        )
        mode = "read-write" if self.write else "read-only"
        console.print(f"connected to {self.store.uri} ({mode}); :help for help, :exit to leave")
        while not self.done:
            try:
                line = prompt.prompt(CONTINUATION if self.pending else PROMPT)
            except KeyboardInterrupt:
                self.pending.clear()
                continue
            except EOFError:
                break
            self.feed(line)

    def run_lines(self, lines: Iterable[str]) -> None:
        """Run piped input: each ';'-terminated statement and each command, in order."""
        for line in lines:
            if self.done:
                return
            self.feed(line.rstrip("\n"))
        if self.pending and not self.done:
            self._statement("\n".join(self.pending))

    def feed(self, line: str) -> None:
        """One line: a command (when no statement is pending) or part of a statement."""
        stripped = line.strip()
        if not self.pending and stripped.startswith(":"):
            self._guarded(lambda: self.command(stripped))
            return
        if not stripped and not self.pending:
            return
        self.pending.append(line)
        if stripped.endswith(";"):
            text = "\n".join(self.pending).strip().removesuffix(";")
            self.pending.clear()
            self._statement(text)

    def command(self, text: str) -> None:
        """``:param``, ``:params``, ``:help``, ``:exit``/``:quit``."""
        name, _, rest = text[1:].partition(" ")
        name, rest = name.lower(), rest.strip()
        if name in ("exit", "quit"):
            self.done = True
        elif name == "help":
            click.echo(HELP)
        elif name == "params" and rest == "clear":
            self.params.clear()
        elif name == "params" and not rest:
            self._show_params()
        elif name in ("param", "params"):
            self._set_params(rest)
        else:
            raise UsageError(f"unknown command ':{name}'", hint=":help lists the commands")

    def _set_params(self, rest: str) -> None:
        if "=>" in rest:
            key, _, expression = rest.partition("=>")
            key = key.strip().strip("`")
            if not key:
                raise UsageError("a parameter needs a name", hint=":param name => 'value'")
            self.params[key] = evaluate_parameter(self.store, expression.strip().rstrip(";"))
            return
        value = evaluate_parameter(self.store, rest.rstrip(";"))
        if not isinstance(value, dict):
            raise UsageError(
                f"expected ':param name => expression' or ':param {{name: value}}', got {rest!r}",
                hint=":help shows the commands",
            )
        self.params.update(value)

    def _show_params(self) -> None:
        if not self.params:
            click.echo("no parameters")
        for key, value in sorted(self.params.items()):
            click.echo(f":param {key} => {literal(value)}")

    def _statement(self, text: str) -> None:
        self._guarded(
            lambda: show_result(
                run_cypher(self.store, text, self.params, write=self.write), self.fmt
            )
        )

    def _guarded(self, action: Callable[[], None]) -> None:
        """Run ``action``; an error is printed and the prompt goes on."""
        try:
            action()
        except SwitchboardError as exc:
            self.failed = True
            print_error(exc.message, exc.hint)
