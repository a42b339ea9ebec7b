"""``aio demo``: the tour of the API against the bundled mock (``_tour.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ._command import Commands

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["register"]


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add ``demo``."""
    demo = commands.add_parser(
        "demo", help="Tour the API against the bundled mock", parents=[shared]
    )
    demo.add_argument(
        "--full", action="store_true", help="every task kind, also against a real server"
    )
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="download folder")
    demo.set_defaults(run=_demo)


def _demo(args: argparse.Namespace, console: Console) -> int:
    from ._tour import run_demo

    return run_demo(
        console, full=args.full, output=args.output, api_key=args.api_key, base_url=args.base_url
    )
