"""Where the bundled openapi.yaml lives, and its parsed contents.

A built wheel carries the spec as ``api_in_one/openapi.yaml``; an editable
install reads the checkout's top-level ``openapi.yaml`` (the one source file).

Parsing the YAML takes a few hundred milliseconds, more than every other part
of an ``aio`` start together, so the parsed document is cached in the user's
cache folder (``$API_IN_ONE_CACHE_DIR``, else ``$XDG_CACHE_HOME/api-in-one``
or ``~/.cache/api-in-one``), named by a hash of the YAML: an edited spec is
parsed afresh, and a cache that cannot be read or written is only slower.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "load_spec", "spec_path"]


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


def cache_dir() -> Path:
    """The folder of the parsed-spec cache."""
    chosen = os.environ.get("API_IN_ONE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "api-in-one"


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed OpenAPI document (parsed once per process; treat it as read-only)."""
    text = spec_path().read_bytes()
    # The marshal format changes between Python versions: the version is part of the name.
    digest = hashlib.sha256(text + bytes([marshal.version])).hexdigest()[:24]
    cached = cache_dir() / f"openapi-{digest}.marshal"
    try:
        spec = marshal.loads(cached.read_bytes())
        if isinstance(spec, dict):
            return spec
    except (OSError, ValueError, EOFError, TypeError):
        pass
    spec = _parse(text)
    _store(cached, marshal.dumps(spec))
    return spec


def _parse(text: bytes) -> dict[str, Any]:
    import yaml

    # libyaml's loader parses the spec ~10x faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(text, Loader=loader)
    return spec


def _store(path: Path, data: bytes) -> None:
    """Write the cache entry whole or not at all: readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".openapi-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
