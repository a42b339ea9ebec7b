"""The generated client sends what the spec describes and parses every answer the spec shows.

Cases come from openapi.yaml itself: each operation is called once per named
response example, sync and async, through an ``httpx.MockTransport`` that
answers with that example.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import api_in_one_client.models as models
from api_in_one._operations import operation as operation_facts
from api_in_one._spec import load_spec
from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import ChatCompletion, Error, TaskStatusResponse

SPEC = load_spec()
BASE_URL = "https://apiin.one/api/v1"
KEY = "aio_generated_client_test"


def _ref_name(node: dict[str, Any]) -> str:
    return str(node["$ref"]).rsplit("/", 1)[-1]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return dict(SPEC["components"]["responses"][_ref_name(node)])
    return node


def _module(operation: dict[str, Any]) -> ModuleType:
    return importlib.import_module(operation_facts(operation["operationId"]).module)


def _path_parameters(operation: dict[str, Any]) -> dict[str, Any]:
    """The path parameters' own examples, by name."""
    parameters = [
        SPEC["components"]["parameters"][_ref_name(p)] if "$ref" in p else p
        for p in operation.get("parameters", [])
    ]
    return {p["name"]: p["example"] for p in parameters if p["in"] == "path"}


class Case:
    """One operation answered with one named JSON response example."""

    def __init__(self, path: str, method: str, operation: dict[str, Any], status: str, name: str):
        self.path, self.method, self.operation = path, method, operation
        self.status, self.example_name = int(status), name
        content = _resolve(operation["responses"][status])["content"]["application/json"]
        self.answer = content["examples"][name]["value"]
        self.model = getattr(models, _ref_name(content["schema"]))
        self.id = f"{operation['operationId']}-{status}-{name}"

    def kwargs(self) -> dict[str, Any]:
        if "requestBody" in self.operation:
            content = self.operation["requestBody"]["content"]["application/json"]
            body_model = getattr(models, _ref_name(content["schema"]))
            example = next(iter(content["examples"].values()))["value"]
            return {"body": body_model.from_dict(example)}
        return _path_parameters(self.operation)

    def expected_body(self) -> dict[str, Any] | None:
        """The request example: a model parsed from it sends exactly it back."""
        if "requestBody" not in self.operation:
            return None
        content = self.operation["requestBody"]["content"]["application/json"]
        return dict(next(iter(content["examples"].values()))["value"])

    def expected_path(self) -> str:
        path = self.path
        for name, value in _path_parameters(self.operation).items():
            path = path.replace("{" + name + "}", str(value))
        return "/api/v1" + path


def _cases() -> Iterator[Case]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                content = _resolve(response)["content"]
                for name in content["application/json"]["examples"]:
                    yield Case(path, method, operation, status, name)


CASES = list(_cases())


def _same_instant_spelling(value: Any) -> Any:
    """The example with RFC 3339 `Z` written as Python's isoformat writes it back (`+00:00`)."""
    if isinstance(value, dict):
        return {key: _same_instant_spelling(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_same_instant_spelling(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", value):
        return value[:-1] + "+00:00"
    return value


def _transport(case: Case, sent: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(case.status, json=case.answer)

    return httpx.MockTransport(answer)


def _check(case: Case, result: Any, sent: list[httpx.Request]) -> None:
    assert isinstance(result, case.model)
    assert result.to_dict() == _same_instant_spelling(case.answer)
    [request] = sent
    assert request.method == case.method.upper()
    assert request.url.path == case.expected_path()
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    expected = case.expected_body()
    if expected is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_sync_call_sends_the_operation_and_parses_the_example(case: Case) -> None:
    sent: list[httpx.Request] = []
    transport = _transport(case, sent)
    client = AuthenticatedClient(base_url=BASE_URL, token=KEY, httpx_args={"transport": transport})
    with client:
        result = _module(case.operation).sync(client=client, **case.kwargs())
    _check(case, result, sent)


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_async_call_sends_the_operation_and_parses_the_example(case: Case) -> None:
    sent: list[httpx.Request] = []
    transport = _transport(case, sent)
    client = AuthenticatedClient(base_url=BASE_URL, token=KEY, httpx_args={"transport": transport})
    async with client:
        result = await _module(case.operation).asyncio(client=client, **case.kwargs())
    _check(case, result, sent)


def test_every_operation_has_smoke_cases() -> None:
    covered = {case.operation["operationId"] for case in CASES}
    declared = {op["operationId"] for item in SPEC["paths"].values() for op in item.values()}
    assert covered == declared


def test_task_with_unknown_status_parses() -> None:
    answer = {"code": 200, "message": "success", "data": {"task_id": "t1", "status": "QUEUED"}}
    parsed = TaskStatusResponse.from_dict(answer)
    assert parsed.data.status == "QUEUED"


def test_chat_completion_with_extra_fields_parses_and_keeps_them() -> None:
    answer = {
        "id": "chatcmpl_1",
        "model": "gemini",
        "system_fingerprint": "fp_1",
        "x_region": "eu",
        "choices": [
            {"message": {"role": "assistant", "content": "hi", "refusal": None}, "logprobs": None}
        ],
        "credits_consumed": 2,
    }
    parsed = ChatCompletion.from_dict(answer)
    assert parsed.additional_properties == {"x_region": "eu"}
    assert parsed.choices[0].message.content == "hi"
    assert parsed.to_dict() == answer


def test_error_with_unknown_type_parses() -> None:
    parsed = Error.from_dict({"error": {"code": 409, "message": "busy", "type": "conflict"}})
    assert (parsed.error.code, parsed.error.type_) == (409, "conflict")


def test_provenance_records_generator_and_input_hashes() -> None:
    import hashlib

    from api_in_one_client import _provenance

    root = Path(__file__).resolve().parent.parent
    assert _provenance.GENERATOR == "openapi-python-client 0.29.1"
    for name, attr in (
        ("openapi.yaml", "OPENAPI_SHA256"),
        ("generator-config.yaml", "CONFIG_SHA256"),
    ):
        assert getattr(_provenance, attr) == hashlib.sha256((root / name).read_bytes()).hexdigest()
