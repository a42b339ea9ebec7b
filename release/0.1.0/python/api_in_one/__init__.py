"""api_in_one: the Python SDK for the API in One gateway.

``connect()`` returns the generated, typed client (``api_in_one_client``)
with retries that never double-charge, a shared rate budget and typed
errors on every call. The helpers here wait for tasks, stream chat and
download results; each I/O helper has an ``async_`` twin for clients made
with ``aconnect()``::

    client = connect()  # API_IN_ONE_API_KEY
    created = create_image_generation.sync(client=client, body=...)
    paths = download_results(client, wait_for_task(client, created), "out")
"""

from ._budget import RateBudget, TokenBucket
from ._client import DEFAULT_BASE_URL, ApiInOneClient, aconnect, connect
from ._downloads import async_download_results, download_results
from ._errors import (
    APIConnectionError,
    ApiInOneError,
    APITimeout,
    AuthenticationFailed,
    BadRequest,
    InsufficientCredits,
    NotFound,
    RateLimited,
    ServerError,
    StreamInterrupted,
    StreamTimeout,
    TaskFailed,
    TaskTimeout,
)
from ._polling import (
    as_completed,
    async_as_completed,
    async_wait_for_task,
    async_wait_for_tasks,
    wait_for_task,
    wait_for_tasks,
)
from ._redis_budget import RedisRateBudget
from ._streaming import AsyncChatStream, ChatResult, ChatStream, async_stream_chat, stream_chat
from ._task_log import TaskCreation, TaskLog
from ._tasks import task_id_of

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APITimeout",
    "ApiInOneClient",
    "ApiInOneError",
    "AsyncChatStream",
    "AuthenticationFailed",
    "BadRequest",
    "ChatResult",
    "ChatStream",
    "InsufficientCredits",
    "NotFound",
    "RateBudget",
    "RateLimited",
    "RedisRateBudget",
    "ServerError",
    "StreamInterrupted",
    "StreamTimeout",
    "TaskCreation",
    "TaskFailed",
    "TaskLog",
    "TaskTimeout",
    "TokenBucket",
    "aconnect",
    "as_completed",
    "async_as_completed",
    "async_download_results",
    "async_stream_chat",
    "async_wait_for_task",
    "async_wait_for_tasks",
    "connect",
    "download_results",
    "stream_chat",
    "task_id_of",
    "wait_for_task",
    "wait_for_tasks",
]
