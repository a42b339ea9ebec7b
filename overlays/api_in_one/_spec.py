"""Where the bundled openapi.yaml lives, and its parsed contents.

A built wheel carries the spec as ``api_in_one/openapi.yaml``; an editable
install reads the checkout's top-level ``openapi.yaml`` (the one source file).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["load_spec", "spec_path"]


def spec_path() -> Path:
    """Path of the openapi.yaml this installation was built from."""
    packaged = Path(str(resources.files("api_in_one"))) / "openapi.yaml"
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "openapi.yaml"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"openapi.yaml is neither packaged at {packaged} nor in a checkout at {checkout}"
    )


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed OpenAPI document (parsed once per process; treat it as read-only)."""
    import yaml

    # libyaml's loader parses the spec ~10x faster, which every mock start feels.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(spec_path().read_text(encoding="utf-8"), Loader=loader)
    return spec
