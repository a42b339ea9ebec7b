"""The public Python surface of both packages, as a griffe dump, and what changed in it.

A release keeps ``release/<version>/api.json``: griffe's JSON of every object a
user can reach through a public name (the modules, classes, functions and
attributes, with signatures and ``__all__``), and of nothing else: no
docstrings, no private helper, no code. The working tree is put through the
same dump before the two are compared, so both sides are read the same way;
griffe then finds the breaking changes (removed names and parameters, new
required parameters, changed defaults) and this module adds the additions,
which griffe does not list.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import griffe

# Each public package and the folder of the working tree that holds it.
PACKAGES = {"api_in_one": "overlays", "api_in_one_client": "generated"}


def dump(roots: Mapping[str, Path]) -> bytes:
    """The public surface of the packages under their source folders, as gzipped JSON.

    Compressed, since the dump is for this module to read back, not for people
    (``python -m scripts.api_surface release/<version>/api.json.gz`` prints it),
    and written with no timestamp, so that the same code gives the same bytes.
    """
    surface = {package: _public_dict(_load(package, roots[package])) for package in PACKAGES}
    text = json.dumps(surface, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode(), mtime=0)


def load(data: bytes) -> dict[str, griffe.Object]:
    """A dump read back: the packages in one collection, so their aliases resolve."""
    collection = griffe.ModulesCollection()
    packages: dict[str, griffe.Object] = {}
    for package, tree in json.loads(gzip.decompress(data)).items():
        module = griffe.Module.from_json(json.dumps(tree))
        collection.set_member(package, module)
        _attach_bases(module)
        packages[package] = module
    return packages


def _attach_bases(obj: griffe.Module | griffe.Class) -> None:
    """Give each class's base names their scope back, so inherited members resolve.

    griffe 2.4's JSON decoder leaves them without one, and a class then
    seems to inherit nothing.
    """
    for member in obj.members.values():
        if isinstance(member, griffe.Class):
            for base in member.bases:
                for part in base if isinstance(base, griffe.Expr) else ():
                    if isinstance(part, griffe.ExprName):
                        part.parent = obj
        if isinstance(member, griffe.Module | griffe.Class):
            _attach_bases(member)


def of_sources(roots: Mapping[str, Path]) -> dict[str, griffe.Object]:
    """The surface of source folders, put through the dump as a release's is."""
    return load(dump(roots))


def _load(package: str, root: Path) -> griffe.Object:
    logging.getLogger("griffe").setLevel(logging.ERROR)
    loader = griffe.GriffeLoader(search_paths=[root])
    module = loader.load(package)
    loader.resolve_aliases(implicit=False, external=None)
    assert isinstance(module, griffe.Object)
    return module


def _public_dict(package: griffe.Object) -> dict[str, Any]:
    """griffe's dict of the package, keeping only what a public name leads to."""
    needed: set[str] = set()
    for path, obj in public_objects(package).items():
        needed.add(path)
        needed.add(target_path(obj))
        if isinstance(obj, griffe.Alias | griffe.Object):
            needed.update(_base_paths(obj))
    # A kept object's parents are kept too, so that its path still leads to it.
    needed |= {path.rsplit(".", depth)[0] for path in needed for depth in range(path.count("."))}
    data: dict[str, Any] = json.loads(package.as_json())
    _prune(data, package.path, needed)
    return data


def _base_paths(obj: griffe.Object | griffe.Alias) -> Iterator[str]:
    """The classes a public class inherits its public members from."""
    try:
        target = obj.final_target if isinstance(obj, griffe.Alias) else obj
    except griffe.AliasResolutionError:
        return
    if isinstance(target, griffe.Class):
        for base in target.mro():
            yield base.path


def _prune(data: dict[str, Any], path: str, needed: set[str]) -> None:
    data.pop("docstring", None)
    for parameter in data.get("parameters", []):
        parameter.pop("docstring", None)
    members: dict[str, dict[str, Any]] = data.get("members", {})
    for name in list(members):
        member_path = f"{path}.{name}"
        if member_path in needed:
            _prune(members[name], member_path, needed)
        else:
            del members[name]


def changes(
    old: Mapping[str, griffe.Object], new: Mapping[str, griffe.Object]
) -> Iterator[tuple[bool, str, str]]:
    """(breaking, public name, what changed) for each change between two loaded surfaces."""
    for package in PACKAGES:
        old_public, new_public = public_objects(old[package]), public_objects(new[package])
        public_names = {target_path(obj): path for path, obj in new_public.items()}
        public_names.update({target_path(obj): path for path, obj in old_public.items()})
        for breakage in griffe.find_breaking_changes(old[package], new[package]):
            yield True, public_names.get(breakage.obj.path, breakage.obj.path), _explain(breakage)
        for path, obj in new_public.items():
            if path not in old_public and path.rpartition(".")[0] in {package, *old_public}:
                yield False, path, f"new public {_kind(obj)}"
            elif path in old_public:
                for name in _new_optional_parameters(old_public[path], obj):
                    yield False, path, f"`{name}`: new optional parameter"


def public_objects(package: griffe.Object) -> dict[str, griffe.Object | griffe.Alias]:
    """Every public name by its public path, through modules and classes."""
    found: dict[str, griffe.Object | griffe.Alias] = {}
    seen: set[str] = set()

    def walk(obj: griffe.Object | griffe.Alias, prefix: str) -> None:
        for name, member in obj.all_members.items():
            if not member.is_public:
                continue
            path = f"{prefix}.{name}"
            found[path] = member
            try:
                target = member.final_target if isinstance(member, griffe.Alias) else member
            except griffe.AliasResolutionError:
                continue
            if isinstance(member, griffe.Alias) and target.is_module:
                continue
            if (target.is_module or target.is_class) and target.path not in seen:
                seen.add(target.path)
                walk(target, path)

    walk(package, package.path)
    return found


def target_path(obj: griffe.Object | griffe.Alias) -> str:
    try:
        return obj.final_target.path if isinstance(obj, griffe.Alias) else obj.path
    except griffe.AliasResolutionError:
        return obj.path


def _kind(obj: griffe.Object | griffe.Alias) -> str:
    try:
        return str(obj.kind.value)
    except griffe.AliasResolutionError:
        return "name"


def _explain(breakage: griffe.Breakage) -> str:
    kind = str(breakage.kind.value)
    kind = kind[0].lower() + kind[1:]
    old, new = breakage.old_value, breakage.new_value
    if isinstance(old, griffe.Parameter) or isinstance(new, griffe.Parameter):
        parameter = old if isinstance(old, griffe.Parameter) else new
        detail = f"`{parameter.name}`: {kind}"
        if breakage.kind is griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT:
            detail += f" from {old.default} to {new.default}"
        return detail
    return kind


def _new_optional_parameters(
    old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias
) -> Iterator[str]:
    try:
        old_function = old.final_target if isinstance(old, griffe.Alias) else old
        new_function = new.final_target if isinstance(new, griffe.Alias) else new
    except griffe.AliasResolutionError:
        return
    if isinstance(old_function, griffe.Function) and isinstance(new_function, griffe.Function):
        old_names = {parameter.name for parameter in old_function.parameters}
        for parameter in new_function.parameters:
            if parameter.name not in old_names and not parameter.required:
                yield parameter.name


if __name__ == "__main__":
    # Prints a recorded dump, for a person to read.
    print(json.dumps(json.loads(gzip.decompress(Path(sys.argv[1]).read_bytes())), indent=1))
