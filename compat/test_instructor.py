"""instructor, TOOLS and JSON modes: the reply validates against the response model."""

from __future__ import annotations

import instructor
import openai
import pytest
from _models import PERSON_QUESTION, Person
from conftest import DEMO_KEY, MODEL

MODES = [instructor.Mode.TOOLS, instructor.Mode.JSON, instructor.Mode.JSON_SCHEMA]


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.name)
def test_a_response_model_is_filled(base_url: str, mode: instructor.Mode) -> None:
    client = instructor.from_openai(
        openai.OpenAI(base_url=base_url, api_key=DEMO_KEY, max_retries=0), mode=mode
    )
    person = client.chat.completions.create(
        model=MODEL,
        response_model=Person,
        messages=[{"role": "user", "content": PERSON_QUESTION}],
        max_retries=0,
        stream=False,
    )
    assert isinstance(person, Person)


@pytest.mark.parametrize("mode", MODES[:2], ids=lambda mode: mode.name)
async def test_async_response_model(base_url: str, mode: instructor.Mode) -> None:
    client = instructor.from_openai(
        openai.AsyncOpenAI(base_url=base_url, api_key=DEMO_KEY, max_retries=0), mode=mode
    )
    person = await client.chat.completions.create(
        model=MODEL,
        response_model=Person,
        messages=[{"role": "user", "content": PERSON_QUESTION}],
        max_retries=0,
        stream=False,
    )
    assert isinstance(person, Person)
