"""A stateful mock of the API in One gateway, driven by openapi.yaml.

It checks auth, validates every request against the spec, charges credits,
enforces the rate limit, runs tasks on a configurable clock, streams chat,
serves result files and injects failures on demand::

    from api_in_one.mock import MockConfig, serve

    with serve(MockConfig(time_scale=0.01)) as mock:
        ...  # point a client at mock.base_url with DEMO_KEY

Needs the ``mock`` extra (``pip install 'api-in-one[mock]'``). Names are
imported on first use, so ``python -m api_in_one.mock`` and the pytest
plugin can say so in one line when it is missing.
"""

# No other module-level names: dir() of the package is its public names.
import typing as _typing

from .._lazy import lazy_exports as _lazy_exports

if _typing.TYPE_CHECKING:
    from ._app import create_app
    from ._config import DEMO_KEY, Faults, MockConfig
    from ._drift import DRIFTS
    from ._server import RunningMock, serve
    from ._state import MockState, MockTask, Stats, served_responses

__all__ = [
    "DEMO_KEY",
    "DRIFTS",
    "Faults",
    "MockConfig",
    "MockState",
    "MockTask",
    "RunningMock",
    "Stats",
    "create_app",
    "serve",
    "served_responses",
]

# Where each public name lives, for the lazy imports (see _lazy.py).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "._app": ("create_app",),
    "._config": ("DEMO_KEY", "Faults", "MockConfig"),
    "._drift": ("DRIFTS",),
    "._server": ("RunningMock", "serve"),
    "._state": ("MockState", "MockTask", "Stats", "served_responses"),
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
