"""pytest fixtures for testing code that uses api_in_one, against the bundled mock.

Installed as a pytest plugin (entry point ``api_in_one``), so the fixtures
are available in any project that installs ``api-in-one[mock]``::

    def test_my_feature(aio_client, aio_mock):
        ...  # aio_client talks to a fresh mock; aio_mock.state has its counters

Override ``aio_mock_config`` in a conftest.py or a test module to change
credits, the rate limit, failures or the time scale. The clients wait on the
mock's clock: ``wait_for_task``'s ``poll_interval`` and ``timeout`` and the
retries' backoff are multiplied by its ``time_scale``, so a test costs a few
milliseconds, not the gateway's seconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from ._extras import missing_extra

if TYPE_CHECKING:
    from api_in_one import ApiInOneClient, AsyncApiInOneClient, SyncApiInOneClient
    from api_in_one.mock import MockConfig, RunningMock
    from api_in_one.mock._server import MockHost

__all__ = ["aio_async_client", "aio_client", "aio_mock", "aio_mock_config"]

_Client = TypeVar("_Client", bound="ApiInOneClient")


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """The mock's configuration: tasks run 100x faster than the real gateway's."""
    _require_mock_extra()
    from api_in_one.mock import MockConfig

    return MockConfig(time_scale=0.01)


@pytest.fixture(scope="session")
def _aio_mock_host() -> Iterator[MockHost]:
    """One loopback server for the session; each test mounts a fresh mock on it."""
    _require_mock_extra()
    from api_in_one.mock._server import mock_host

    with mock_host() as host:
        yield host


@pytest.fixture
def aio_mock(aio_mock_config: MockConfig, _aio_mock_host: MockHost) -> Iterator[RunningMock]:
    """A fresh mock gateway on a loopback port; ``.base_url`` and ``.state`` (counters, faults)."""
    yield _aio_mock_host.mount(aio_mock_config)
    _aio_mock_host.unmount()


@pytest.fixture
def aio_client(aio_mock: RunningMock) -> Iterator[SyncApiInOneClient]:
    """A ``connect()`` client for the mock, with the demo key and the mock's rate limit."""
    from api_in_one import connect
    from api_in_one.mock import DEMO_KEY

    client = _on_mock_clock(connect(DEMO_KEY, **_settings(aio_mock)), aio_mock)
    with client:
        yield client


@pytest.fixture
async def aio_async_client(aio_mock: RunningMock) -> AsyncIterator[AsyncApiInOneClient]:
    """An ``aconnect()`` client for the mock (use in ``@pytest.mark.anyio`` tests)."""
    from api_in_one import aconnect
    from api_in_one.mock import DEMO_KEY

    client = _on_mock_clock(aconnect(DEMO_KEY, **_settings(aio_mock)), aio_mock)
    async with client:
        yield client


def _require_mock_extra() -> None:
    """Stop the session with the one line to run when the mock extra is missing (exit 2)."""
    missing = missing_extra("mock", "The api_in_one pytest plugin")
    if missing:
        pytest.exit(missing, returncode=2)


def _settings(mock: RunningMock) -> dict[str, Any]:
    """The mock's address, a budget of its whole rate limit, retries backing off on its clock.

    Each test has a fresh mock, whose sliding window allows the whole limit at once:
    a burst of all but one request never meets a 429, where connect()'s burst of 5
    would make the sixth request of a test wait seconds for a token.
    """
    config = mock.state.config
    return {
        "base_url": mock.base_url,
        "requests_per_minute": config.requests_per_minute,
        "burst": max(1, config.requests_per_minute - 1),
        "backoff_base": 0.5 * config.time_scale,  # connect()'s default, on the mock's clock
    }


def _on_mock_clock(client: _Client, mock: RunningMock) -> _Client:
    # A mock whose tasks take no time at all still needs a poll interval over zero.
    client.time_scale = max(mock.state.config.time_scale, 1e-4)
    return client
