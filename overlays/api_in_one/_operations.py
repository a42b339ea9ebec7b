"""What each operation of openapi.yaml is, read from the spec and its ``x-`` extensions.

This is the one module that knows the extensions (documented in the spec's
``info.description``): the mock, the CLI, the demo, the benchmarks and the
tests learn from here whether an operation creates a task, its command name,
its results, its credit cost and its models, so that an operation added to
the spec is served, offered and tested without a change anywhere else.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any

from ._spec import load_spec

if TYPE_CHECKING:
    import httpx

    from api_in_one_client import AuthenticatedClient, Client

__all__ = [
    "DEFAULT_MOCK_SECONDS",
    "KINDS",
    "GeneratedCall",
    "ModelFacts",
    "OperationFacts",
    "PathMatch",
    "ResultFacts",
    "Routes",
    "SpecExtensionError",
    "of_kind",
    "operation",
    "operation_for",
    "operations",
    "routes",
]

KINDS = frozenset({"task", "task-status", "chat"})
"""The values of ``x-operation-kind``."""
DEFAULT_MOCK_SECONDS = 5.0
"""How long the mock takes to finish a task whose operation or model names no ``mock-seconds``."""


class SpecExtensionError(ValueError):
    """An ``x-`` extension of openapi.yaml is missing a part or has a value of the wrong type."""


@dataclass(frozen=True)
class ModelFacts:
    """One model slug an operation knows (an entry of ``x-models``)."""

    slug: str
    credits: float
    """Credits one request with this model costs."""
    mock_seconds: float = DEFAULT_MOCK_SECONDS
    """How long the bundled mock takes to finish a task of this model."""
    documented: bool = False
    """True when the docs page states the cost."""


@dataclass(frozen=True)
class ResultFacts:
    """What a finished task's ``response`` lists (``x-results``)."""

    media_type: str
    extension: str
    count: int = 1
    format_from: str | None = None
    """A request property whose value is the files' extension instead (e.g. ``output_format``)."""

    def extension_for(self, request: Mapping[str, Any]) -> str:
        """The file extension of a task created from ``request``."""
        chosen = request.get(self.format_from) if self.format_from else None
        return chosen if isinstance(chosen, str) and chosen else self.extension

    def media_type_for(self, request: Mapping[str, Any]) -> str:
        """The media type of a task's files created from ``request``."""
        extension = self.extension_for(request)
        if extension == self.extension:
            return self.media_type
        return f"{self.media_type.partition('/')[0]}/{extension}"


@dataclass(frozen=True)
class OperationFacts:
    """One operation of the spec, with what every hand-written layer needs to know about it."""

    operation_id: str
    method: str
    """Upper case, e.g. ``POST``."""
    path: str
    """The path template under the base URL, e.g. ``/tasks/{task_id}``."""
    tag: str
    summary: str
    kind: str | None
    """``task``, ``task-status``, ``chat``, or None without ``x-operation-kind``."""
    command: str | None
    """The ``aio`` command name (``x-cli-command``)."""
    request_schema: str | None
    """The component name of the JSON request body's schema, if it is a reference."""
    results: ResultFacts | None
    credits: float | None
    """The cost of an operation without models (``x-credits``)."""
    mock_seconds: float
    models: Mapping[str, ModelFacts] = field(default_factory=dict)
    examples: Mapping[str, Any] = field(default_factory=dict)
    """The request body examples, by name."""
    unreachable_responses: Mapping[str, str] = field(default_factory=dict)
    """Declared responses the bundled mock cannot produce: status -> why (contract coverage)."""

    @property
    def creates_task(self) -> bool:
        """True when the answer is a task id to poll."""
        return self.kind == "task"

    @property
    def default_model(self) -> str | None:
        """The model of the first request example, else the first ``x-models`` slug."""
        for example in self.examples.values():
            if isinstance(example, Mapping) and isinstance(example.get("model"), str):
                return str(example["model"])
        return next(iter(self.models), None)

    @property
    def module(self) -> str:
        """The generated module of the operation, e.g. ``api_in_one_client.api.tasks.get_task``."""
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation_id).lower()
        return f"api_in_one_client.api.{self.tag}.{snake}"

    def model(self, request: Mapping[str, Any]) -> ModelFacts | None:
        """The facts of the model ``request`` names, or None (no model, or one not in the spec)."""
        slug = request.get("model")
        return self.models.get(slug) if isinstance(slug, str) else None

    def cost(self, request: Mapping[str, Any]) -> float | None:
        """The credits ``request`` will cost, or None when the spec does not say."""
        facts = self.model(request)
        if facts is not None:
            return facts.credits
        return self.credits if not self.models else None

    def call(self, body: Mapping[str, Any] | None = None, **parameters: Any) -> GeneratedCall:
        """The generated call of this operation: ``body`` built into its request model, and
        the path ``parameters`` (``task_id=...``).

        Raises what the model's ``from_dict`` raises for a body of another shape
        (``KeyError``, ``TypeError``, ``ValueError``, ``AttributeError``).
        """
        arguments = dict(parameters)
        if self.request_schema is not None:
            models = importlib.import_module("api_in_one_client.models")
            arguments["body"] = getattr(models, self.request_schema).from_dict(dict(body or {}))
        return GeneratedCall(importlib.import_module(self.module), MappingProxyType(arguments))


@dataclass(frozen=True)
class GeneratedCall:
    """One generated operation with its arguments, to send through a client in either mode."""

    module: ModuleType
    """The generated module, e.g. ``api_in_one_client.api.tasks.get_task``."""
    arguments: Mapping[str, Any]
    """``body`` (a request model) and the path parameters."""

    def sync(self, client: AuthenticatedClient | Client) -> Any:
        """The parsed answer of ``sync()``."""
        return self.module.sync(client=client, **self.arguments)

    def sync_detailed(self, client: AuthenticatedClient | Client) -> Any:
        """The generated ``Response`` of ``sync_detailed()``."""
        return self.module.sync_detailed(client=client, **self.arguments)

    async def asyncio(self, client: AuthenticatedClient | Client) -> Any:
        """The parsed answer of ``asyncio()``."""
        return await self.module.asyncio(client=client, **self.arguments)


@dataclass(frozen=True)
class PathMatch:
    """A request path matched to one path template of the spec."""

    template: str
    parameters: Mapping[str, str]
    """The path parameters, by name."""
    by_method: Mapping[str, OperationFacts]
    """The operations of the template, by upper-case method."""


class Routes:
    """The spec's path templates, matched against request paths.

    The one matcher of a request path to its operation: the client's
    transport stack (through ``operation_for``) and the mock both ask here.
    A template without parameters wins over one with, so ``/tasks/batch``
    would not be read as the task ``batch``.
    """

    def __init__(self, found: tuple[OperationFacts, ...]) -> None:
        by_template: dict[str, dict[str, OperationFacts]] = {}
        for facts in found:
            by_template.setdefault(facts.path, {})[facts.method] = facts
        ordered = sorted(by_template, key=lambda template: template.count("{"))
        self._routes = [
            (_template_pattern(template), template, MappingProxyType(by_template[template]))
            for template in ordered
        ]

    def match(self, path: str, *, under_prefix: bool = True) -> PathMatch | None:
        """The template ``path`` ends with (under any base URL prefix), or None.

        ``under_prefix=False`` matches the whole path, for a server that has
        already removed its prefix.
        """
        for pattern, template, by_method in self._routes:
            found = pattern.fullmatch(path)
            if found is not None and (under_prefix or not found.group(1)):
                return PathMatch(template, MappingProxyType(found.groupdict()), by_method)
        return None


def _template_pattern(template: str) -> re.Pattern[str]:
    # The unnamed first group is the base URL's path, e.g. ``/api/v1``.
    body = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"(.*?){body}")


def routes(spec: Mapping[str, Any] | None = None) -> Routes:
    """The path matcher of a spec's operations (the bundled spec's is made once)."""
    return _default_routes() if spec is None else Routes(operations(spec))


@functools.cache
def _default_routes() -> Routes:
    return Routes(operations())


def operation_for(request: httpx.Request) -> OperationFacts | None:
    """The bundled spec's operation of ``request``, by method and path template, under any
    base URL prefix; None for a request the spec does not describe."""
    found = _default_routes().match(request.url.path)
    return None if found is None else found.by_method.get(request.method)


@functools.cache
def _default_operations() -> tuple[OperationFacts, ...]:
    return _read(load_spec())


def operations(spec: Mapping[str, Any] | None = None) -> tuple[OperationFacts, ...]:
    """Every operation, in the order the spec lists them (the bundled spec by default)."""
    return _default_operations() if spec is None else _read(spec)


def operation(name: str, spec: Mapping[str, Any] | None = None) -> OperationFacts:
    """The operation with this operationId or ``aio`` command name.

    Raises ``KeyError`` naming the known ones.
    """
    found = operations(spec)
    for facts in found:
        if name in (facts.operation_id, facts.command):
            return facts
    known = ", ".join(sorted(f.command or f.operation_id for f in found))
    raise KeyError(f"No operation {name!r} in openapi.yaml; known: {known}")


def of_kind(kind: str, spec: Mapping[str, Any] | None = None) -> OperationFacts:
    """The one operation of this ``x-operation-kind`` (``chat``, ``task-status``).

    Raises ``KeyError`` unless the spec has exactly one.
    """
    return _default_of_kind(kind) if spec is None else _one_of_kind(kind, operations(spec))


@functools.cache
def _default_of_kind(kind: str) -> OperationFacts:
    # The transport asks on every POST; the bundled spec's answer never changes.
    return _one_of_kind(kind, operations())


def _one_of_kind(kind: str, found_in: tuple[OperationFacts, ...]) -> OperationFacts:
    found = [facts for facts in found_in if facts.kind == kind]
    if len(found) != 1:
        raise KeyError(f"openapi.yaml has {len(found)} operations of kind {kind!r}, not one")
    return found[0]


def _read(spec: Mapping[str, Any]) -> tuple[OperationFacts, ...]:
    found = []
    for path, item in spec["paths"].items():
        for method, raw in item.items():
            if isinstance(raw, dict) and "operationId" in raw:
                found.append(_facts(spec, method, path, raw))
    return tuple(found)


def _facts(spec: Mapping[str, Any], method: str, path: str, raw: dict[str, Any]) -> OperationFacts:
    where = f"{method.upper()} {path} ({raw['operationId']})"
    kind = raw.get("x-operation-kind")
    if kind is not None and kind not in KINDS:
        raise SpecExtensionError(
            f"{where}: x-operation-kind {kind!r} is not one of {sorted(KINDS)}"
        )
    body = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    reference = body.get("schema", {}).get("$ref")
    results = raw.get("x-results")
    models = raw.get("x-models", {})
    return OperationFacts(
        operation_id=raw["operationId"],
        method=method.upper(),
        path=path,
        tag=(raw.get("tags") or ["default"])[0],
        summary=str(raw.get("summary", "")),
        kind=kind,
        command=_optional(where, raw, "x-cli-command", str),
        request_schema=reference.rsplit("/", 1)[-1] if isinstance(reference, str) else None,
        results=None if results is None else _results(where, results),
        credits=_optional(where, raw, "x-credits", float),
        mock_seconds=_optional(where, raw, "x-mock-seconds", float) or DEFAULT_MOCK_SECONDS,
        models=MappingProxyType(
            {
                slug: _model(f"{where} x-models.{slug}", slug, facts)
                for slug, facts in models.items()
            }
        ),
        examples=MappingProxyType(
            {name: example.get("value") for name, example in body.get("examples", {}).items()}
        ),
        unreachable_responses=MappingProxyType(_unreachable(where, raw)),
    )


def _unreachable(where: str, raw: Mapping[str, Any]) -> dict[str, str]:
    node = _optional(where, raw, "x-unreachable-responses", dict) or {}
    for status, reason in node.items():
        if str(status) not in raw.get("responses", {}) or not isinstance(reason, str):
            raise SpecExtensionError(
                f"{where} x-unreachable-responses: {status!r} must be a declared status "
                f"with the reason as text, got {reason!r}"
            )
    return {str(status): reason for status, reason in node.items()}


def _optional(where: str, node: Mapping[str, Any], key: str, kind: type) -> Any:
    value = node.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind):
        raise SpecExtensionError(f"{where}: {key} must be a {kind.__name__}, got {value!r}")
    return value


def _results(where: str, node: Any) -> ResultFacts:
    where += " x-results"
    if not isinstance(node, dict) or "media-type" not in node or "extension" not in node:
        raise SpecExtensionError(f"{where}: needs media-type and extension, got {node!r}")
    return ResultFacts(
        media_type=_optional(where, node, "media-type", str),
        extension=_optional(where, node, "extension", str),
        count=_optional(where, node, "count", int) or 1,
        format_from=_optional(where, node, "format-from", str),
    )


def _model(where: str, slug: str, node: Any) -> ModelFacts:
    if not isinstance(node, dict) or "credits" not in node:
        raise SpecExtensionError(f"{where}: needs credits, got {node!r}")
    return ModelFacts(
        slug=slug,
        credits=_optional(where, node, "credits", float),
        mock_seconds=_optional(where, node, "mock-seconds", float) or DEFAULT_MOCK_SECONDS,
        documented=bool(_optional(where, node, "documented", bool)),
    )
