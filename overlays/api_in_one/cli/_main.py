"""The ``aio`` command: the parser every command module registers on, and how errors end.

Each command module (``_COMMAND_MODULES``) adds its own subcommand; see
``_command.py``. Errors end here, in one place: a line on stderr (a JSON
object with ``--json``) and the exit code of ``_command.py``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import re
import signal
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn

from .._extras import extra_of, install_hint, missing_extra
from ._command import EXIT_FAILED, EXIT_USAGE, UsageError, exit_on_signal

__all__ = ["main"]

_COMMAND_MODULES = ("_tasks", "_chat", "_batch", "_demo", "_conformance", "_mock")
"""In the order ``aio --help`` lists them (the task commands as the spec orders them)."""

# Phrases of the library's messages that a person at the command line follows another way.
_CLI_WORDING = {
    "pass api_key=...": "pass --api-key",
    "passed as api_key=": "passed with --api-key",
    "lower connect(requests_per_minute=...)": "lower --requests-per-minute",
    "connect(timeout=...) or client.with_options(timeout=...)": "a longer --timeout",
    "raise max_credits": "raise --max-credits",
    "Try base_url=": "Try --base-url ",
}
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


class _ParseError(UsageError):
    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """No abbreviations (``--promt`` is unknown, not a short ``--prompt``), and every unknown
    flag is reported as such, with the closest known one, before any missing one."""

    passes_rest = False
    """True for a command whose own parser reads the rest of the line (``aio mock``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        arguments = list(sys.argv[1:] if args is None else args)
        if not self.passes_rest and self._subparsers is None:
            self._refuse_unknown_flags(arguments)
        return super().parse_known_args(arguments, namespace)

    def _refuse_unknown_flags(self, arguments: list[str]) -> None:
        known = [flag for flag in self._option_string_actions if flag.startswith("--")]
        for argument in arguments:
            if argument == "--":
                return
            flag = argument.partition("=")[0]
            # As argparse reads them: a negative number or a word with a space is a value.
            if not argument.startswith("-") or _NEGATIVE_NUMBER.match(argument) or " " in flag:
                continue
            if flag not in self._option_string_actions:
                close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]}?" if close else f"; see {self.prog} --help"
                self.error(f"unknown flag {flag}{hint}")

    def error(self, message: str) -> NoReturn:
        raise _ParseError(self, message)


def _parser() -> _Parser:
    # Global options are accepted before or after the command: `aio image ... --json`.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        help="API key (aio_...); default $API_IN_ONE_API_KEY",
    )
    shared.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        help="API base URL; default $API_IN_ONE_BASE_URL or the gateway",
    )
    shared.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print machine-readable JSON only (errors too, as a JSON object on stderr)",
    )
    shared.add_argument(
        "--record",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="append every exchange with the server to this JSON Lines file (never the key)",
    )
    parser = _Parser(
        prog="aio",
        description="API in One from the command line: create tasks, wait, download, chat.",
        epilog="The key and base URL default to API_IN_ONE_API_KEY and API_IN_ONE_BASE_URL.",
        parents=[shared],
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(f".{name}", __package__).register(commands, shared)
    return parser


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked (metadata is slow to load)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from importlib import metadata

        try:
            version = metadata.version("api-in-one")
        except metadata.PackageNotFoundError:
            version = "(not installed)"
        _write(sys.stdout, f"{parser.prog} {version}")
        parser.exit()


def cli_wording(message: str) -> str:
    """A library message in the words of the command line: flags, not keyword arguments."""
    for library, cli in _CLI_WORDING.items():
        message = message.replace(library, cli)
    return message


def _report(
    error: BaseException,
    *,
    as_json: bool,
    message: str,
    status: int | None = None,
    label: str = "",
) -> None:
    """One line on stderr; with ``--json`` a JSON object: type, status, message, request id."""
    from ._output import printable

    if as_json:
        fields = {
            "type": "UsageError" if isinstance(error, UsageError) else type(error).__name__,
            "status": status,
            "message": message,
            "request_id": getattr(error, "request_id", None),
        }
        _write(sys.stderr, json.dumps(fields))
    else:
        _write(sys.stderr, f"aio: {label}{printable(message)}")


def _write(stream: IO[str], line: str) -> None:
    stream.write(line + "\n")
    stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aio``; returns the exit code (0 ok, 1 API error, 2 usage error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    wants_json = "--json" in arguments
    missing = missing_extra("cli", "aio")
    if missing:
        _write(sys.stderr, f"aio: {missing}")
        return EXIT_USAGE
    try:
        return _run(arguments)
    except _ParseError as error:
        if wants_json:
            _report(error, as_json=True, message=str(error))
        else:
            error.parser.print_usage(sys.stderr)
            _write(sys.stderr, f"{error.parser.prog}: error: {error}")
        return EXIT_USAGE
    except ModuleNotFoundError as error:
        extra = extra_of(error.name)
        if extra is None:
            raise
        command = " ".join(["aio", *[a for a in arguments if not a.startswith("-")][:1]])
        _report(error, as_json=wants_json, message=install_hint(extra, command))
        return EXIT_USAGE


def _run(arguments: list[str]) -> int:
    parser = _parser()
    try:
        args, rest = parser.parse_known_args(arguments)
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    if rest and not getattr(args, "takes_rest", False):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    # Set here, not as parser defaults: the shared actions' defaults must stay SUPPRESS
    # so that a subcommand does not reset what was given before it.
    defaults = (("api_key", None), ("base_url", None), ("json", False), ("record", None))
    for name, default in defaults:
        if not hasattr(args, name):
            setattr(args, name, default)
    from rich.console import Console

    from .._errors import ApiInOneError

    console = Console(highlight=False)
    try:
        code: int = args.run(args, console)
        return code
    except UsageError as error:
        _report(error, as_json=args.json, message=cli_wording(str(error)), label="error: ")
        return EXIT_USAGE
    except ApiInOneError as error:
        _report(
            error,
            as_json=args.json,
            message=cli_wording(error.message),
            status=error.status,
            label=f"{type(error).__name__}: ",
        )
        return EXIT_FAILED
    except OSError as error:  # a download folder that cannot be written, say
        _report(error, as_json=args.json, message=str(error), label=f"{type(error).__name__}: ")
        return EXIT_FAILED
    except UnicodeEncodeError as error:  # argv bytes that are not UTF-8 reached a request body
        bad = error.object[error.start : error.end].encode("utf-8", "surrogateescape")
        usage = UsageError(
            f"an argument is not UTF-8 text (byte {bad[:1].hex()}): the gateway takes UTF-8; "
            "check the terminal's encoding (LANG, LC_ALL)"
        )
        _report(usage, as_json=args.json, message=str(usage), label="error: ")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return exit_on_signal(signal.SIGINT)


if __name__ == "__main__":
    sys.exit(main())
