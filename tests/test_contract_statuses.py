"""Every operation's declared 402, 429 and 500 answers, produced by the mock and valid per the spec.

The other statuses come from the rest of the suite (the mock, contract and
conformance tests); together they make the contract coverage that
``tests/contract_coverage.py`` checks at the end of a run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from api_in_one._contract import Answer, Contract
from api_in_one._operations import OperationFacts, operations
from api_in_one._spec import load_spec
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock

POOR_KEY = "aio_poor_key_without_credits"
LIMIT = 2
CONTRACT = Contract(load_spec())


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(keys={DEMO_KEY: 1000.0, POOR_KEY: 0.0}, requests_per_minute=LIMIT)


@pytest.fixture
def http(aio_mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=aio_mock.base_url) as client:
        yield client


def _send(http: httpx.Client, facts: OperationFacts, key: str) -> httpx.Response:
    path = re.sub(r"\{\w+\}", "n0unknown_task", facts.path)
    body = next(iter(facts.examples.values()), None)
    headers = {"Authorization": f"Bearer {key}"}
    return http.request(facts.method, path, json=body, headers=headers)


def _over_the_limit(http: httpx.Client, mock: RunningMock, facts: OperationFacts) -> httpx.Response:
    for _ in range(LIMIT):
        _send(http, facts, DEMO_KEY)
    return _send(http, facts, DEMO_KEY)


def _without_credits(
    http: httpx.Client, mock: RunningMock, facts: OperationFacts
) -> httpx.Response:
    return _send(http, facts, POOR_KEY)


def _server_error(http: httpx.Client, mock: RunningMock, facts: OperationFacts) -> httpx.Response:
    mock.state.faults.error_burst, mock.state.faults.error_status = 1, 500
    return _send(http, facts, DEMO_KEY)


Producer = Callable[[httpx.Client, RunningMock, OperationFacts], httpx.Response]
PRODUCE: dict[str, Producer] = {
    "402": _without_credits,
    "429": _over_the_limit,
    "500": _server_error,
}
"""How to make the mock answer each of these statuses, whatever the operation."""


def _cases() -> list[Any]:
    spec = load_spec()
    return [
        pytest.param(facts, status, id=f"{facts.operation_id}-{status}")
        for facts in operations()
        for status in spec["paths"][facts.path][facts.method.lower()]["responses"]
        if status in PRODUCE
    ]


@pytest.mark.parametrize(("facts", "status"), _cases())
def test_the_mock_produces_each_declared_error_as_the_spec_says(
    http: httpx.Client, aio_mock: RunningMock, facts: OperationFacts, status: str
) -> None:
    response = PRODUCE[status](http, aio_mock, facts)

    assert response.status_code == int(status), response.text
    answer = Answer(
        facts.method, facts.path, response.status_code, response.headers, response.content
    )
    assert CONTRACT.check(facts, answer) == []
    assert aio_mock.state.stats.responses[facts.operation_id, int(status)] == 1
    assert not aio_mock.state.stats.tasks_created[POOR_KEY]
