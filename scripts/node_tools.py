"""The npm tools, as locked in package-lock.json and installed by ``make install`` (npm ci).

Each runs on the Node that the lock installs too (the ``node`` package: a
Node LTS binary from the npm registry), whatever Node is on PATH.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(tool: str, root: Path = ROOT) -> list[str]:
    """The command line that runs ``tool`` (its name in node_modules/.bin)."""
    bin_folder = root / "node_modules" / ".bin"
    return [str(bin_folder / "node"), str(bin_folder / tool)]
