"""Shared test settings; the api_in_one pytest plugin provides the mock fixtures."""

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop the SDK supports."""
    return "asyncio"
