"""``aio mock``: ``python -m api_in_one.mock`` under the ``aio`` name."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ._command import Commands

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["register"]


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add ``mock``; the mock's own parser reads the rest of the line (``aio mock --help``)."""
    mock = commands.add_parser("mock", help="Serve the bundled mock gateway", add_help=False)
    mock.passes_rest = True  # read by the aio parser: no unknown-flag check here
    mock.set_defaults(run=_mock, takes_rest=True)


def _mock(args: argparse.Namespace, console: Console) -> int:
    from ..mock.__main__ import main as serve_mock

    try:
        return serve_mock(args.rest, prog="aio mock")
    except SystemExit as exit_:  # the mock's own parser: --help or a bad option
        return int(exit_.code or 0)
