"""The spec's changes since a release: Optic diffs, a table of rules classifies.

Optic (``@useoptic/optic``, locked in package-lock.json) diffs two specs
operation by operation, with references resolved, and lists each changed
keyword with its old and new value. Optic's own breaking-change rules are not
used: they judge a server's changes for its clients in general, while this
client's generated code also parses what it receives (a new enum value in an
answer fails it). So each keyword change is classified here, by ``RULES``:

- a comparer says how the change moves the set of valid values: narrowed
  (fewer), widened (more), changed (some of each), neutral (no change to
  them) or review (this table cannot tell);
- the row says which of those break a client: in a request, a value that was
  valid must stay valid (narrowing breaks); in an answer, a value the
  client could parse must stay parseable (widening breaks, where the
  client checks the keyword at all).

A keyword no row names is flagged for review, as breaking, so a person decides.

JSON Schema's conditionals (``if``/``then``/``else``, alone or as members of
``allOf``, nested in an ``else``) decide *where* a field is required. At a
node that has them, each field's requirement is worked out as the conditions
under which it holds (``always``, ``never``, or ``when`` some ``if`` holds or
fails), and the old and new conditions are compared: requiring a field where
it was not narrows, requiring it in fewer cases widens. What else a ``then``
or ``else`` holds is compared as any subschema is; an ``if`` that changed
while both sides apply something else under it is for review.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
_DOC_KEYWORDS = frozenset({"description", "summary", "title", "example", "examples", "$comment"})


class SpecDiffError(Exception):
    """Optic could not diff the two specs."""


class Effect(Enum):
    """How a keyword change moves the set of values a schema accepts."""

    NARROWED = "narrowed"
    WIDENED = "widened"
    CHANGED = "changed"
    NEUTRAL = "neutral"
    REVIEW = "review"

    @classmethod
    def of(cls, narrowed: bool, widened: bool) -> Effect:
        """The effect of a change that narrows, widens, both or neither."""
        if narrowed and widened:
            return cls.CHANGED
        return cls.NARROWED if narrowed else cls.WIDENED if widened else cls.NEUTRAL


Finding = tuple[Effect, str]
Compare = Callable[[str, Any, Any], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """One row: the keywords, how to compare them, what breaks, and why."""

    keywords: tuple[str, ...]
    compare: Compare
    breaks_request: frozenset[Effect]
    breaks_response: frozenset[Effect]
    why: str

    def breaking(self, effect: Effect, *, request: bool) -> bool:
        return effect is Effect.REVIEW or effect in (
            self.breaks_request if request else self.breaks_response
        )


# --- comparers: (keyword's name in the report, old value, new value) -> findings --


def _upper_bound(name: str, old: Any, new: Any) -> Iterator[Finding]:
    yield _bound(name, old, new, upper=True)


def _lower_bound(name: str, old: Any, new: Any) -> Iterator[Finding]:
    yield _bound(name, old, new, upper=False)


def _bound(name: str, old: Any, new: Any, *, upper: bool) -> Finding:
    if old is None:
        effect, text = Effect.NARROWED, f"{name} added: {new!r}"
    elif new is None:
        effect, text = Effect.WIDENED, f"{name} removed (was {old!r})"
    else:
        effect = Effect.NARROWED if (new < old) == upper else Effect.WIDENED
        text = f"{name} {'lowered' if new < old else 'raised'} from {old!r} to {new!r}"
    return effect, f"{text} ({effect.value})"


def _values(name: str, old: Any, new: Any) -> Iterator[Finding]:
    if old is None:
        yield Effect.NARROWED, f"{name} added: {new!r}"
        return
    if new is None:
        yield Effect.WIDENED, f"{name} removed: any value now"
        return
    removed = [value for value in old if value not in new]
    added = [value for value in new if value not in old]
    for effect, values, verb in (
        (Effect.NARROWED, removed, "removed"),
        (Effect.WIDENED, added, "added"),
    ):
        if values:
            noun = "values" if len(values) > 1 else "value"
            yield effect, f"{name} {noun} {verb}: {', '.join(map(str, values))}"


def _types(value: Any) -> set[str]:
    types = set(value) if isinstance(value, list) else {value} if value else set()
    # An integer is a number: "number" widens "integer".
    return types | {"integer"} if "number" in types else types


def _type(name: str, old: Any, new: Any) -> Iterator[Finding]:
    old_types, new_types = _types(old), _types(new)
    # No type at all accepts anything.
    narrowed = bool(old_types - new_types) or (not old_types and bool(new_types))
    widened = bool(new_types - old_types) or (bool(old_types) and not new_types)
    effect = Effect.of(narrowed, widened)
    yield effect, f"{name} {effect.value}: {old!r} -> {new!r}"


def _required(name: str, old: Any, new: Any) -> Iterator[Finding]:
    if isinstance(old, list) or isinstance(new, list):
        # The object's list of required property names.
        old_names, new_names = old or [], new or []
        for field in new_names:
            if field not in old_names:
                yield Effect.NARROWED, f"`{field}` now required"
        for field in old_names:
            if field not in new_names:
                yield Effect.WIDENED, f"`{field}` now optional"
    elif new and not old:
        # Optic's flag on a property, a parameter or a body.
        yield Effect.NARROWED, "now required"
    else:
        yield Effect.WIDENED, "now optional"


def _additional_properties(name: str, old: Any, new: Any) -> Iterator[Finding]:
    # Left out, additionalProperties is true: any other property is allowed.
    old_open, new_open = old in (None, True), new in (None, True)
    if old_open and new_open:
        return
    if old_open == new_open:
        yield Effect.REVIEW, f"{name} changed: {old!r} -> {new!r} (unclassified; review)"
    elif new_open:
        yield Effect.WIDENED, f"{name}: other properties now allowed (widened)"
    else:
        yield Effect.NARROWED, f"{name}: other properties now restricted (narrowed)"


def _exact(name: str, old: Any, new: Any) -> Iterator[Finding]:
    if old is None:
        yield Effect.NARROWED, f"{name} added: {new!r}"
    elif new is None:
        yield Effect.WIDENED, f"{name} removed (was {old!r})"
    else:
        yield Effect.CHANGED, f"{name} changed from {old!r} to {new!r}"


def _default(name: str, old: Any, new: Any) -> Iterator[Finding]:
    if old is None:
        yield Effect.NEUTRAL, f"{name} added: {new!r}"
    else:
        yield Effect.CHANGED, f"{name} changed from {old!r} to {new!r}"


def _deprecated(name: str, old: Any, new: Any) -> Iterator[Finding]:
    yield Effect.NEUTRAL, "deprecated" if new else "no longer deprecated"


Conjunction = frozenset[tuple[str, bool]]
"""The ``if`` schemas (as canonical JSON) that must hold (True) or fail (False) together."""
_CONDITIONALS = ("if", "then", "else")


def _literal(condition: Any, holds: bool) -> tuple[str, bool]:
    # `if: {not: X}` holds where X fails: one condition, however it is written.
    while isinstance(condition, dict) and set(condition) == {"not"}:
        condition, holds = condition["not"], not holds
    return json.dumps(condition, sort_keys=True, separators=(",", ":")), holds


def has_conditionals(node: Any) -> bool:
    """Whether the node has an ``if``/``then``/``else``, itself or in a member of its ``allOf``."""
    if not isinstance(node, dict):
        return False
    return any(key in node for key in _CONDITIONALS) or any(map(has_conditionals, _members(node)))


def _members(node: Mapping[str, Any]) -> list[Any]:
    members = node.get("allOf")
    return members if isinstance(members, list) else []


def requirements(node: Any, when: Conjunction = frozenset()) -> dict[str, set[Conjunction]]:
    """Each field the node requires, with the conditions under which it is required.

    A field is required where any one of its conjunctions holds; the empty
    conjunction is ``always``.
    """
    found: dict[str, set[Conjunction]] = {}
    if not isinstance(node, dict):
        return found
    required = node.get("required")
    for field in required if isinstance(required, list) else []:
        found.setdefault(field, set()).add(when)
    branches: list[tuple[Any, Conjunction]] = []
    if "if" in node:
        for key, holds in (("then", True), ("else", False)):
            branches.append((node.get(key), when | {_literal(node["if"], holds)}))
    branches += [(member, when) for member in _members(node)]
    for branch, condition in branches:
        if any((text, not holds) in condition for text, holds in condition):
            continue  # a branch no value can reach
        for field, conjunctions in requirements(branch, condition).items():
            found.setdefault(field, set()).update(conjunctions)
    return found


def _covered(conjunction: Conjunction, by: set[Conjunction]) -> bool:
    """Whether one of ``by`` holds wherever ``conjunction`` does (it asks for no more)."""
    return any(other <= conjunction for other in by)


def _describe(conjunctions: set[Conjunction]) -> str:
    if frozenset() in conjunctions:
        return "always"
    if not conjunctions:
        return "never"
    cases = [
        " and ".join(f"{'' if holds else 'not '}{text}" for text, holds in sorted(conjunction))
        for conjunction in conjunctions
    ]
    return "when " + " or when ".join(sorted(cases))


def _conditional(name: str, old: Any, new: Any) -> Iterator[Finding]:
    """Two nodes with conditionals: where each field is required, before and after."""
    old_fields, new_fields = requirements(old), requirements(new)
    for field in sorted(set(old_fields) | set(new_fields)):
        before, after = old_fields.get(field, set()), new_fields.get(field, set())
        narrowed = not all(_covered(case, before) for case in after)
        widened = not all(_covered(case, after) for case in before)
        if not (narrowed or widened):
            continue
        effect = Effect.of(narrowed, widened)
        yield (
            effect,
            (
                f"`{name}{field}` required {_describe(after)}, was {_describe(before)}"
                f" ({effect.value})"
            ),
        )


def without_requirements(node: Any) -> Any:
    """The node less what ``requirements`` compares: its ``required`` lists, under conditions too.

    An ``if`` left with no ``then`` or ``else`` goes, as does an ``allOf`` member left empty.
    """
    if not isinstance(node, dict):
        return node
    rest = {key: value for key, value in node.items() if key != "required"}
    for key in ("then", "else"):
        if key in rest:
            branch = without_requirements(rest[key])
            if branch:
                rest[key] = branch
            else:
                del rest[key]
    if "then" not in rest and "else" not in rest:
        rest.pop("if", None)
    if isinstance(rest.get("allOf"), list):
        members = [member for member in map(without_requirements, rest["allOf"]) if member]
        if members:
            rest["allOf"] = members
        else:
            del rest["allOf"]
    return rest


def _review(name: str, old: Any, new: Any) -> Iterator[Finding]:
    yield Effect.REVIEW, f"{name} changed: {old!r} -> {new!r} (unclassified; review)"


def _alternatives(effect_of_adding: Effect) -> Compare:
    """oneOf/anyOf accept more with each member; allOf accepts less."""
    effect_of_removing = {Effect.WIDENED: Effect.NARROWED, Effect.NARROWED: Effect.WIDENED}[
        effect_of_adding
    ]

    def compare(name: str, old: Any, new: Any) -> Iterator[Finding]:
        old_count, new_count = len(old or []), len(new or [])
        for index in range(new_count, old_count):
            yield effect_of_removing, f"{name}[{index}] removed"
        for index in range(old_count, new_count):
            yield effect_of_adding, f"{name}[{index}] added"

    return compare


_NARROWED = frozenset({Effect.NARROWED})
_WIDENED = frozenset({Effect.WIDENED})
_CHANGED = frozenset({Effect.CHANGED})
_NARROWED_OR_CHANGED = frozenset({Effect.NARROWED, Effect.CHANGED})
_WIDENED_OR_CHANGED = frozenset({Effect.WIDENED, Effect.CHANGED})
_ANY = frozenset({Effect.NARROWED, Effect.WIDENED, Effect.CHANGED})
_NOTHING: frozenset[Effect] = frozenset()

# fmt: off
RULES: tuple[Rule, ...] = (
    # keywords, their comparer; the effects that break a request, an answer; why
    Rule(("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"), _upper_bound,
         _NARROWED, _NOTHING, "a sent value may pass the new bound; the client checks no bounds"
         " on what it receives"),
    Rule(("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"), _lower_bound,
         _NARROWED, _NOTHING, "as for upper bounds"),
    Rule(("enum",), _values, _NARROWED_OR_CHANGED, _WIDENED_OR_CHANGED,
         "a removed value is refused when sent; an added value fails the release's parser when"
         " received"),
    Rule(("const",), _exact, _NARROWED_OR_CHANGED, _NOTHING,
         "a sent value may no longer match; the client checks no const it receives"),
    Rule(("type",), _type, _NARROWED_OR_CHANGED, _WIDENED_OR_CHANGED,
         "the generated code builds and parses values of the declared type"),
    Rule(("required",), _required, _NARROWED, _WIDENED,
         "a request without a newly required field is refused; an answer without a field the"
         " release's parser requires fails it"),
    Rule(("additionalProperties",), _additional_properties, _NARROWED, _WIDENED,
         "a sent extra property may be refused; an answer's extra property a closed model"
         " does not expect fails it"),
    Rule(("pattern", "multipleOf"), _exact, _NARROWED_OR_CHANGED, _NOTHING,
         "a sent value may no longer match; the client checks neither on what it receives"),
    Rule(("format",), _exact, _NARROWED_OR_CHANGED, _ANY,
         "the server may check it; the client parses formats it receives (date-time, for one)"),
    Rule(("default",), _default, _CHANGED, _NOTHING,
         "a request that leaves the field out now asks for something else"),
    Rule(("deprecated",), _deprecated, _NOTHING, _NOTHING, "a notice: every call still works"),
    Rule(("oneOf", "anyOf"), _alternatives(Effect.WIDENED), _NARROWED, _WIDENED,
         "each member is one more shape a value may take"),
    Rule(("allOf",), _alternatives(Effect.NARROWED), _NARROWED, _WIDENED,
         "each member is one more schema a value must meet"),
    Rule(("then", "else"), _conditional, _NARROWED_OR_CHANGED, _WIDENED_OR_CHANGED,
         "a then/else requiring a field under an if requires it where the if holds (or fails):"
         " a request valid before may now lack it; an answer may lack what the release requires"),
    Rule(("if",), _review, _NOTHING, _NOTHING,
         "a changed condition moves where its then/else apply: for review, unless all they"
         " hold is required fields (compared by the then/else row)"),
)
# fmt: on
_RULE_OF = {keyword: rule for rule in RULES for keyword in rule.keywords}
_UNKNOWN = Rule((), _review, _NOTHING, _NOTHING, "no rule: a person decides")


@dataclass(frozen=True)
class SpecChange:
    breaking: bool
    subject: str  # "METHOD /path (operationId)"
    detail: str


def spec_changes(old: Path, new: Path, optic: Sequence[str]) -> list[SpecChange]:
    """Optic's operation-by-operation diff of two specs, classified for a client."""
    old_spec, new_spec = _load_yaml(old), _load_yaml(new)
    if old_spec == new_spec:
        return []
    command = [*optic, "diff", str(old.resolve()), str(new.resolve()), "--json"]
    with tempfile.TemporaryDirectory() as scratch:
        # Optic looks for its config and a git repository in its working folder.
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                cwd=scratch,
                env={**os.environ, "OPTIC_TELEMETRY_LEVEL": "off"},
                check=False,
            )
        except FileNotFoundError as error:
            raise SpecDiffError(f"{command[0]} not found: run make install") from error
    if result.returncode != 0:
        output = (result.stderr + result.stdout).strip() or "no output"
        raise SpecDiffError(f"{' '.join(command)} failed ({result.returncode}): {output}")
    operation_ids = {**_operation_ids(new_spec), **_operation_ids(old_spec)}
    changes: list[SpecChange] = []
    for operation in json.loads(result.stdout)["operations"]:
        name = operation["name"]
        subject = f"{name} ({operation_ids[name]})" if name in operation_ids else name
        changes.extend(_operation_changes(subject, operation))
    return changes


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _operation_ids(spec: Mapping[str, Any]) -> dict[str, str]:
    """Optic names an operation "METHOD /path"; the report adds its operationId."""
    ids: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                ids[f"{method.upper()} {path}"] = operation["operationId"]
    return ids


def _operation_changes(subject: str, operation: Mapping[str, Any]) -> Iterator[SpecChange]:
    if operation["change"] in ("added", "removed"):
        removed = operation["change"] == "removed"
        yield SpecChange(removed, subject, f"operation {operation['change']}")
        return
    yield from _operation_attribute_changes(subject, operation.get("attributes", []))
    for parameter in operation.get("parameters", []):
        yield from _part_changes(subject, parameter["name"], parameter, request=True)
    body = operation.get("requestBody")
    if body:
        yield from _part_changes(subject, "request body", body, request=True)
        for content in body.get("contentTypes", []):
            yield from _part_changes(subject, f"request {content['name']}", content, request=True)
    for response in operation.get("responses", []):
        yield from _part_changes(subject, response["name"], response, request=False)
        for content in response.get("contentTypes", []):
            where = f"{response['name']} {content['name']}"
            yield from _part_changes(subject, where, content, request=False)
        for header in response.get("headers", []):
            where = f"{response['name']} {header['name']}"
            yield from _part_changes(subject, where, header, request=False)


def _operation_attribute_changes(
    subject: str, attributes: Sequence[Mapping[str, Any]]
) -> Iterator[SpecChange]:
    """The operation's own keys: its operationId and first tag name the generated function."""
    rest = []
    for attribute in attributes:
        key, before, after = attribute["key"], attribute.get("before"), attribute.get("after")
        if key == "/operationId":
            detail = (
                f"operationId changed from {before} to {after}: the generated module is renamed"
            )
            yield SpecChange(True, subject, detail)
        elif key.startswith("/tags/"):
            # The generated client files an operation under api/<its first tag>/.
            removed = attribute["change"] == "removed"
            tag = before if removed else after
            detail = (
                f"tag {tag!r} removed: the generated module may move"
                if removed
                else (f"tag {tag!r} added")
            )
            yield SpecChange(removed, subject, detail)
        else:
            rest.append(attribute)
    yield from _part_changes(subject, "operation", {"attributes": rest}, request=True)


def _part_changes(
    subject: str, part: str, diff: Mapping[str, Any], *, request: bool
) -> Iterator[SpecChange]:
    """The changes of one parameter, body, response or header: its attributes."""
    attributes = diff.get("attributes", [])
    conditional = {
        node
        for attribute in attributes
        for node in _conditional_nodes(
            [segment for segment in attribute["key"].split("/") if segment],
            attribute.get("before"),
            attribute.get("after"),
        )
    }
    for attribute in attributes:
        segments = [segment for segment in attribute["key"].split("/") if segment]
        if _is_documentation(segments):
            continue
        before, after = attribute.get("before"), attribute.get("after")
        change = attribute["change"]
        if (
            change == "changed"
            and tuple(segments[:-2]) in conditional
            and segments[-2:-1] == ["properties"]
        ):
            # The property's "required" flag: its node's conditions compare it.
            before, after = _unflagged(before), _unflagged(after)
        if change in ("added", "removed") and not segments:
            yield _whole_part_change(subject, part, change, after, request=request)
            continue
        if not segments and (isinstance(before, dict) or isinstance(after, dict)):
            # The media type or parameter itself: its schema is the node reported on.
            before = before.get("schema") if isinstance(before, dict) else None
            after = after.get("schema") if isinstance(after, dict) else None
            segments = ["schema"]
        if (
            segments
            and segments[-1] not in ("schema", "properties", "items")
            and not (isinstance(before, dict) or isinstance(after, dict))
        ):
            # A single keyword, e.g. "/schema/maxLength": compare it as a one-keyword schema.
            keyword = segments.pop()
            before = None if before is None else {keyword: before}
            after = None if after is None else {keyword: after}
        field = _field_path(segments)
        where = f"{part} field `{field}`" if field else part
        if change == "added" and "properties" in segments:
            # A new field breaks only a request that must now send it.
            required = isinstance(after, dict) and after.get("required") is True
            kind = ("required " if required else "optional ") if request else ""
            yield SpecChange(request and required, subject, f"{where}: new {kind}field")
        elif change == "removed" and "properties" in segments:
            # Sent, the server no longer takes it; received, the client no longer gets it.
            yield SpecChange(True, subject, f"{where}: removed")
        else:
            for breaking, detail in keyword_changes(before or {}, after or {}, request=request):
                yield SpecChange(breaking, subject, f"{where}: {detail}")


def _conditional_nodes(segments: list[str], before: Any, after: Any) -> Iterator[tuple[str, ...]]:
    """The paths, Optic's way, of the nodes with conditionals in one attribute's two values."""
    if not segments and (isinstance(before, dict) or isinstance(after, dict)):
        # The media type itself: its schema is the node.
        segments = ["schema"]
        before = before.get("schema") if isinstance(before, dict) else None
        after = after.get("schema") if isinstance(after, dict) else None
    if not (isinstance(before, dict) or isinstance(after, dict)):
        return
    if has_conditionals(before) or has_conditionals(after):
        yield tuple(segments)
    old, new = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    yield from _conditional_nodes([*segments, "items"], old.get("items"), new.get("items"))
    old_fields, new_fields = old.get("properties") or {}, new.get("properties") or {}
    for name in set(old_fields) | set(new_fields):
        where = [*segments, "properties", name]
        yield from _conditional_nodes(where, old_fields.get(name), new_fields.get(name))


def _unflagged(value: Any) -> Any:
    return {k: v for k, v in value.items() if k != "required"} if isinstance(value, dict) else value


def _is_documentation(segments: Sequence[str]) -> bool:
    """Descriptions and x- extensions: not part of what a client sends or reads.

    A segment right after ``properties`` is a field name, whatever it is called.
    """
    return any(
        (segment in _DOC_KEYWORDS or segment.startswith("x-"))
        and (index == 0 or segments[index - 1] != "properties")
        for index, segment in enumerate(segments)
    )


def _whole_part_change(
    subject: str, part: str, change: str, after: Any, *, request: bool
) -> SpecChange:
    if change == "removed":
        return SpecChange(True, subject, f"{part} removed")
    required = isinstance(after, dict) and after.get("required") is True
    if request and required:
        return SpecChange(True, subject, f"new required {part}")
    return SpecChange(False, subject, f"new {'optional ' if request else ''}{part}")


def _field_path(segments: Sequence[str]) -> str:
    """``schema/properties/data/items/properties/url`` -> ``data[].url``."""
    path = ""
    rest = list(segments[1:] if segments and segments[0] == "schema" else segments)
    while rest:
        segment = rest.pop(0)
        if segment == "properties" and rest:
            path += ("." if path else "") + rest.pop(0)
        elif segment == "items":
            path += "[]"
        elif segment in ("oneOf", "anyOf", "allOf") and rest:
            path += f"<{segment} {rest.pop(0)}>"
        else:
            path += ("." if path else "") + segment
    return path


def keyword_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    request: bool,
    at: str = "",
    negated: bool = False,
) -> Iterator[tuple[bool, str]]:
    """(breaking, what) for each keyword that differs between two schema nodes."""
    if has_conditionals(before) or has_conditionals(after):
        # Where each field is required, conditions and all, is compared once here.
        rule = _RULE_OF["then"]
        for effect, detail in rule.compare(at, before, after):
            yield rule.breaking(_negate(effect) if negated else effect, request=request), detail
        before, after = without_requirements(before), without_requirements(after)
        if before.get("if") != after.get("if") and not (
            _applies_under_if(before) and _applies_under_if(after)
        ):
            # Only one side applies anything under its if: the then/else compare that.
            before, after = {**before, "if": None}, {**after, "if": None}
    for keyword in sorted(set(before) | set(after)):
        if keyword in _DOC_KEYWORDS or keyword.startswith("x-"):
            continue
        old, new = before.get(keyword), after.get(keyword)
        top = set(at.split(".")) <= {"", "items"}
        if top and (keyword == "properties" or (keyword == "required" and not _flag(old, new))):
            # Optic lists each property of the node it reports on, and of its
            # items, by itself with its "required" flag (compared); beneath
            # oneOf, then or else it does not.
            continue
        if old == new:
            continue
        name = f"{at}{keyword}"
        if (
            keyword in ("oneOf", "anyOf", "allOf")
            and isinstance(old, list)
            and isinstance(new, list)
        ):
            # The members both sides have are compared keyword by keyword.
            for index, (old_member, new_member) in enumerate(zip(old, new, strict=False)):
                yield from keyword_changes(
                    old_member, new_member, request=request, at=f"{name}[{index}].", negated=negated
                )
        elif keyword not in ("additionalProperties", "if") and (
            keyword in ("items", "not") or isinstance(old, dict) or isinstance(new, dict)
        ):
            # A subschema: narrowing what `not` excludes widens what the node accepts.
            yield from keyword_changes(
                old if isinstance(old, dict) else {},
                new if isinstance(new, dict) else {},
                request=request,
                at=f"{name}.",
                negated=negated != (keyword == "not"),
            )
            continue
        rule = _RULE_OF.get(keyword, _UNKNOWN)
        for effect, detail in rule.compare(name, old, new):
            yield rule.breaking(_negate(effect) if negated else effect, request=request), detail


def _flag(old: Any, new: Any) -> bool:
    """Whether ``required`` is Optic's flag on one property, not a node's list of them."""
    return isinstance(old, bool | None) and isinstance(new, bool | None)


def _applies_under_if(node: Mapping[str, Any]) -> bool:
    return bool(node.get("then") or node.get("else"))


def _negate(effect: Effect) -> Effect:
    swapped = {Effect.NARROWED: Effect.WIDENED, Effect.WIDENED: Effect.NARROWED}
    return swapped.get(effect, effect)
