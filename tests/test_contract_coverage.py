"""The contract coverage check: it adds up every worker's answers and names what is missing."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
from contract_coverage import coverage, read_counts, write_counts

from api_in_one._operations import SpecExtensionError, operation, operations
from api_in_one._spec import load_spec


def _declared() -> Counter[tuple[str, str]]:
    spec = load_spec()
    return Counter(
        {
            (facts.operation_id, status): 1
            for facts in operations()
            for status in spec["paths"][facts.path][facts.method.lower()]["responses"]
        }
    )


def test_counts_of_every_worker_are_added_up(tmp_path: Path) -> None:
    write_counts(tmp_path, "gw0", Counter({("getTask", 404): 2, ("getTask", 200): 1}))
    write_counts(tmp_path, "gw1", Counter({("getTask", 404): 3}))

    assert read_counts(tmp_path) == Counter({("getTask", "404"): 5, ("getTask", "200"): 1})


def test_a_declared_response_never_produced_is_missing_and_shown() -> None:
    produced = _declared()
    never = next(iter(produced))
    del produced[never]
    produced["getTask", "418"] = 1

    lines, missing = coverage(produced)

    assert missing == [" ".join(never)]
    row = next(line for line in lines if line.startswith(never[0] + " "))
    assert f"{never[1]}:NEVER" in row.split()
    task_row = next(line for line in lines if line.startswith("getTask "))
    assert task_row.endswith("undeclared: 418")


def test_a_response_the_spec_marks_unreachable_is_not_missing() -> None:
    spec = copy.deepcopy(load_spec())
    facts = next(facts for facts in operations(spec) if facts.kind == "task-status")
    raw = spec["paths"][facts.path][facts.method.lower()]
    raw["x-unreachable-responses"] = {500: "the mock never fails"}
    produced = _declared()
    del produced[facts.operation_id, "500"]

    lines, missing = coverage(produced, spec)

    assert missing == []
    assert any("500:unreachable" in line.split() for line in lines)


def test_unreachable_responses_must_be_declared_statuses_with_a_reason() -> None:
    spec = copy.deepcopy(load_spec())
    facts = next(facts for facts in operations(spec) if facts.kind == "task-status")
    raw = spec["paths"][facts.path][facts.method.lower()]
    raw["x-unreachable-responses"] = {418: "not declared"}

    with pytest.raises(SpecExtensionError, match="must be a declared status"):
        operation(facts.operation_id, spec)
