"""What every library case asks of the model: one tool to run, one record to fill in."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Address(BaseModel):
    street: str
    city: str
    country: Literal["FR", "DE", "IT"]


class Person(BaseModel):
    """A person the model describes: nested, with enums, numbers and a list."""

    model_config = ConfigDict(extra="forbid")

    name: str
    age: int = Field(ge=0, le=150)
    role: Literal["admin", "editor", "viewer"]
    height_m: float
    active: bool
    address: Address
    tags: list[str]


class GetWeather(BaseModel):
    """The current weather in a city."""

    model_config = ConfigDict(extra="forbid")

    city: str
    unit: Literal["celsius", "fahrenheit"]
    days: int = Field(ge=1, le=7)


def get_weather(city: str, unit: str, days: int) -> str:
    """The tool itself: it runs with exactly the arguments the model chose."""
    return json.dumps({"city": city, "unit": unit, "days": days, "forecast": "sunny"})


WEATHER_QUESTION = "What is the weather in Paris for the next days?"
PERSON_QUESTION = "Describe Ada, an editor living in Paris."
