"""A stateful mock of the API in One gateway, driven by openapi.yaml.

It checks auth, validates every request against the spec, charges credits,
enforces the rate limit, runs tasks on a configurable clock, streams chat,
serves result files and injects failures on demand::

    from api_in_one.mock import MockConfig, serve

    with serve(MockConfig(time_scale=0.01)) as mock:
        ...  # point a client at mock.base_url with DEMO_KEY
"""

from ._app import create_app
from ._catalogue import CATALOGUE, CatalogueEntry
from ._config import DEMO_KEY, Faults, MockConfig
from ._server import RunningMock, serve
from ._state import MockState, MockTask, Stats

__all__ = [
    "CATALOGUE",
    "DEMO_KEY",
    "CatalogueEntry",
    "Faults",
    "MockConfig",
    "MockState",
    "MockTask",
    "RunningMock",
    "Stats",
    "create_app",
    "serve",
]
