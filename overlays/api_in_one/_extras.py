"""The optional extras (``api-in-one[mock]``) and the one-line fix when one is missing.

Each extra's modules are named here once; tests/test_extras.py checks them
against pyproject.toml's optional dependencies.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRA_MODULES", "extra_of", "install_hint", "missing_extra"]

EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "cli": ("rich",),
    "mock": ("starlette", "uvicorn", "jsonschema", "rfc3986_validator", "rfc3339_validator"),
    "redis": ("redis",),
    "otel": ("opentelemetry",),
}


def install_hint(extra: str, needed_by: str) -> str:
    """The one line to print: what needs the extra and the command that installs it."""
    return f"{needed_by} needs the {extra} extra: pip install 'api-in-one[{extra}]'"


def missing_extra(extra: str, needed_by: str) -> str | None:
    """``install_hint`` when a module of ``extra`` is not installed, else None.

    It only looks for the modules (no import), so checking costs next to nothing.
    """
    for module in EXTRA_MODULES[extra]:
        if importlib.util.find_spec(module) is None:
            return install_hint(extra, needed_by)
    return None


def extra_of(module: str | None) -> str | None:
    """The extra that installs ``module`` (a ``ModuleNotFoundError``'s ``name``), if any."""
    top = (module or "").partition(".")[0]
    return next((extra for extra, names in EXTRA_MODULES.items() if top in names), None)
