"""The ``aio`` command line (needs the ``cli`` extra: ``pip install 'api-in-one[cli]'``)."""

import sys

from ._main import main

__all__ = ["main", "main_exit"]


def main_exit() -> None:
    """Console-script entry point: run ``aio`` and exit with its code."""
    sys.exit(main())
