"""schemathesis proves the mock and openapi.yaml agree: every phase, every check.

The app runs in-process. The config gives the key plenty of credits and a
rate limit that fuzzing cannot reach, so every answer is one the spec
documents for a well-behaved client; tests/test_mock.py covers 402 and 429.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import schemathesis

from api_in_one._spec import spec_path
from api_in_one.mock import DEMO_KEY, MockConfig, create_app

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
LONG = os.environ.get("CONTRACT_LONG") == "1"
"""`make contract-long` sets it: many more examples per operation."""

schema = schemathesis.openapi.from_path(spec_path())
schema.app = create_app(
    MockConfig(keys={DEMO_KEY: 1e12}, requests_per_minute=10**9, time_scale=0.0)
)
schema.config.update(base_url="http://localhost/api/v1")

SETTINGS: dict[str, Any] = {
    "max_examples": 400 if LONG else 25,
    "deadline": None,
    "derandomize": not LONG,
    "suppress_health_check": list(hypothesis.HealthCheck),
    "database": None,
}


@schema.parametrize()
@hypothesis.settings(**SETTINGS)
def test_operations_conform_to_the_spec(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers=AUTH)


class ChainedCalls(schema.as_state_machine()):  # type: ignore[misc]
    """Create -> getTask chains, following the spec's links."""

    def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
        return {"headers": AUTH}


TestChainedCalls = ChainedCalls.TestCase
TestChainedCalls.settings = hypothesis.settings(
    max_examples=200 if LONG else 15,
    stateful_step_count=6,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
)


def test_every_phase_and_check_is_enabled() -> None:
    phases = schema.config.phases_for(operation=None)
    assert all(
        phase.enabled
        for phase in (phases.examples, phases.coverage, phases.fuzzing, phases.stateful)
    )
