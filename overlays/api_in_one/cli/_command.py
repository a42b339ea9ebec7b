"""What every ``aio`` command module shares: how it registers, its error and its exit codes.

A command module defines ``register(commands, shared)``, which adds its
subcommand (``commands.add_parser(..., parents=[shared])``) and sets
``run=`` to a function ``(args, console) -> exit code``. Registration runs
for every ``aio`` start, ``--help`` included, so a command module imports
only the standard library and ``_operations`` at the top, and the rest
inside the function that runs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Commands",
    "Register",
    "Run",
    "UsageError",
    "exit_on_signal",
]

EXIT_OK = 0
EXIT_FAILED = 1
"""The API answered with an error, the server drifted from the spec, or batch lines failed."""
EXIT_USAGE = 2
"""Bad flags or settings, or a missing extra: nothing was sent."""

Commands = Any  # argparse's private _SubParsersAction, which typeshed types loosely
Run = Callable[[argparse.Namespace, "Console"], int]
Register = Callable[[Commands, argparse.ArgumentParser], None]


class UsageError(Exception):
    """Bad configuration found after parsing (exit 2). The message names the flag to fix."""


def exit_on_signal(signum: int) -> int:
    """The shell's exit code for a process ended by ``signum``: 130 for Ctrl-C, 143 for TERM."""
    return 128 + signum
