"""The package's version and the ``User-Agent`` its requests carry."""

from __future__ import annotations

import platform
from importlib.metadata import version

import httpx

__all__ = ["USER_AGENT", "__version__"]

# pyproject.toml is the one place the version is written; the installed metadata carries it.
__version__ = version("api-in-one")

USER_AGENT = (
    f"api-in-one/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
)
"""Sent with every request, so the gateway's logs tell SDK versions apart."""
