"""pytest fixtures for testing code that uses api_in_one, against the bundled mock.

Installed as a pytest plugin (entry point ``api_in_one``), so the fixtures
are available in any project that installs ``api-in-one[mock]``::

    def test_my_feature(aio_client, aio_mock):
        ...  # aio_client talks to a fresh mock; aio_mock.state has its counters

Override ``aio_mock_config`` in a conftest.py or a test module to change
credits, the rate limit, failures or the time scale.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from api_in_one import AsyncApiInOneClient, SyncApiInOneClient
    from api_in_one.mock import MockConfig, RunningMock
    from api_in_one.mock._server import MockHost

__all__ = ["aio_async_client", "aio_client", "aio_mock", "aio_mock_config"]


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """The mock's configuration: tasks run 100x faster than the real gateway's."""
    from api_in_one.mock import MockConfig

    return MockConfig(time_scale=0.01)


@pytest.fixture(scope="session")
def _aio_mock_host() -> Iterator[MockHost]:
    """One loopback server for the session; each test mounts a fresh mock on it."""
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

    limit = aio_mock.state.config.requests_per_minute
    client = connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=limit)
    with client:
        yield client


@pytest.fixture
async def aio_async_client(aio_mock: RunningMock) -> AsyncIterator[AsyncApiInOneClient]:
    """An ``aconnect()`` client for the mock (use in ``@pytest.mark.anyio`` tests)."""
    from api_in_one import aconnect
    from api_in_one.mock import DEMO_KEY

    limit = aio_mock.state.config.requests_per_minute
    client = aconnect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=limit)
    async with client:
        yield client
