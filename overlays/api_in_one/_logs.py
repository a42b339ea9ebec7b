"""The package's logger, ``api_in_one``, and ``API_IN_ONE_LOG`` to turn it on without code.

Requests and retries (with their reason and wait), waits on the rate budget,
finished tasks and downloads are logged at INFO; each poll at DEBUG. No line
ever holds the API key: headers are never logged, only methods, paths,
statuses, ids and times.
"""

from __future__ import annotations

import logging
import os

__all__ = ["LOG_VARIABLE", "configure_from_environment", "logger"]

LOG_VARIABLE = "API_IN_ONE_LOG"
"""``info`` or ``debug``: log to stderr at that level, as ``OPENAI_LOG`` does for openai."""

logger = logging.getLogger("api_in_one")

_LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}
_FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"


class _EnvironmentHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``API_IN_ONE_LOG`` adds, told apart from any the application added."""


def configure_from_environment() -> None:
    """Apply ``API_IN_ONE_LOG`` (read on every ``connect``/``aconnect``); unset leaves logging
    to the application."""
    level = _LEVELS.get(os.environ.get(LOG_VARIABLE, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(handler, _EnvironmentHandler) for handler in logger.handlers):
        handler = _EnvironmentHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
