"""Regenerate generated/api_in_one_client from openapi.yaml, or check it.

    python scripts/generate.py           # write generated/api_in_one_client
    python scripts/generate.py --check   # regenerate elsewhere, fail on any difference

The package records its provenance (generator version and the sha256 of the
spec, the config and the template overrides) in ``_provenance.py``, so an installed
client says what it was made from.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "generator-templates"
PACKAGE = "api_in_one_client"
TARGET = ROOT / "generated" / PACKAGE


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _templates_sha256() -> str:
    """One hash over the template overrides: their relative paths and contents."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.rglob("*.jinja")):
        digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def generate(output: Path) -> None:
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(SPEC),
            "--config",
            str(CONFIG),
            "--custom-template-path",
            str(TEMPLATES),
            "--output-path",
            str(output),
            "--overwrite",
            "--meta",
            "none",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
    )
    (output / "py.typed").write_text("# Marker file for PEP 561\n")
    (output / "_provenance.py").write_text(
        '"""What this package was generated from (written by `make generate`)."""\n\n'
        f'GENERATOR = "openapi-python-client {version("openapi-python-client")}"\n'
        f'OPENAPI_SHA256 = "{_sha256(SPEC)}"\n'
        f'CONFIG_SHA256 = "{_sha256(CONFIG)}"\n'
        f'TEMPLATES_SHA256 = "{_templates_sha256()}"\n'
    )


def _files(tree: Path) -> dict[str, bytes]:
    return {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in tree.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that are missing, extra or different between two trees."""
    want, have = _files(expected), _files(actual)
    return sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(fresh)
        if not TARGET.exists():
            print(f"check-generated: {TARGET.relative_to(ROOT)} is missing; run `make generate`.")
            return 1
        stale = _differences(fresh, TARGET)
    if stale:
        print("check-generated: generated/ does not match openapi.yaml + generator-config.yaml.")
        print("Run `make generate` and commit the result. Files that differ:")
        for name in stale:
            print(f"  generated/{PACKAGE}/{name}")
        return 1
    print("check-generated: generated/ is up to date.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is stale")
    if parser.parse_args().check:
        return check()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(fresh)
        shutil.rmtree(TARGET, ignore_errors=True)
        shutil.copytree(fresh, TARGET, ignore=shutil.ignore_patterns("__pycache__"))
    print(f"generated {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
