"""Command-line options derived from openapi.yaml's request schemas, so they cannot drift."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from typing import Any

from .._spec import load_spec

__all__ = ["CreateCommand", "add_schema_options", "body_from", "create_commands"]


@dataclass(frozen=True)
class CreateCommand:
    """One ``aio`` subcommand for a create operation of the spec."""

    name: str
    operation_id: str
    tag: str
    summary: str
    schema_name: str


# Subcommand names; everything else about them comes from the spec.
_NAMES = {
    "createImageGeneration": "image",
    "createVideoGeneration": "video",
    "createMusic": "music",
    "createSpeech": "speech",
    "removeImageBackground": "remove-bg",
    "swapFace": "face-swap",
    "removeVideoBackground": "video-bg",
}


def create_commands() -> list[CreateCommand]:
    """The create operations of the spec, in the order the spec lists them."""
    found = []
    for item in load_spec()["paths"].values():
        for operation in item.values():
            name = _NAMES.get(operation["operationId"])
            if name is None:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            found.append(
                CreateCommand(
                    name=name,
                    operation_id=operation["operationId"],
                    tag=operation["tags"][0],
                    summary=operation["summary"],
                    schema_name=schema["$ref"].rsplit("/", 1)[-1],
                )
            )
    return found


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = load_spec()["components"]["schemas"][name]
    return schema


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    return _schema(node["$ref"].rsplit("/", 1)[-1]) if "$ref" in node else node


def _flag(name: str) -> str:
    return "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower().replace("_", "-")


def _help(node: dict[str, Any]) -> str:
    text = " ".join(str(node.get("description", "")).split())
    if "default" in node:
        text += f" [default: {node['default']}]"
    return text.replace("%", "%%")


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _duration(text: str) -> float | int | str:
    try:
        return _number(text)
    except ValueError:
        return text


def _json_object(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg}): {text!r}") from None


def _dialogue_line(text: str) -> dict[str, str]:
    voice, sep, line = text.partition(":")
    if sep and voice.strip() and " " not in voice.strip():
        return {"voice": voice.strip(), "text": line.strip()}
    return {"text": text}


def add_schema_options(parser: argparse.ArgumentParser, schema_name: str) -> None:
    """One option per property of the request schema, with its type, choices and help."""
    schema = _schema(schema_name)
    required = set(schema.get("required", []))
    for name, raw in schema["properties"].items():
        node = _resolved(raw)
        kwargs: dict[str, Any] = {"dest": name, "help": _help(node) or _help(raw)}
        kind = node.get("type")
        if name == "dialogue":
            kwargs.update(
                action="append",
                type=_dialogue_line,
                metavar="[VOICE:] TEXT",
                help="A line to speak, optionally prefixed by its voice (repeatable). "
                + kwargs["help"],
            )
        elif name == "messages":
            continue
        elif kind == "boolean":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif kind == "array":
            kwargs.update(action="append", metavar="URL")
        elif kind == "object":
            kwargs.update(type=_json_object, metavar="JSON")
        elif kind == "integer":
            kwargs["type"] = int
        elif kind == "number":
            kwargs["type"] = _number
        elif "oneOf" in node:
            kwargs["type"] = _duration
        if "enum" in node:
            kwargs["choices"] = node["enum"]
        parser.add_argument(_flag(name), required=name in required, **kwargs)
    parser.set_defaults(_schema_name=schema_name)


def body_from(args: argparse.Namespace) -> dict[str, Any]:
    """The request body: only the options given, so the server applies its own defaults."""
    schema = _schema(args._schema_name)
    return {
        name: getattr(args, name)
        for name in schema["properties"]
        if getattr(args, name, None) is not None
    }
