"""api_in_one: the Python SDK for the API in One gateway.

``connect()`` returns a client with one attribute per tag of the spec,
generated from it, and retries that never double-charge, a shared rate budget
and typed errors on every call; ``aconnect()`` returns its async twin::

    with connect() as client:  # API_IN_ONE_API_KEY
        created = client.images.create_image_generation(model=slug, prompt="A fox")
        paths = client.tasks.download(client.tasks.wait(created), "out")

The generated functions (``create_image_generation.sync(client=client, ...)``)
and the module-level helpers (``wait_for_task``, ``stream_chat``, ...) take the
same clients.
"""

from ._budget import RateBudget, TokenBucket
from ._client import (
    DEFAULT_BASE_URL,
    ApiInOneClient,
    AsyncApiInOneClient,
    SyncApiInOneClient,
    aconnect,
    connect,
)
from ._errors import (
    APIConnectionError,
    ApiInOneError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CreditLimitError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    StreamError,
    StreamInterruptedError,
    StreamTimeoutError,
    TaskFailedError,
    TaskTimeoutError,
)
from ._guard import CreditGuard
from ._redis_budget import RedisRateBudget
from ._task_log import TaskCreation, TaskLog
from ._task_status import task_id_of
from ._version import __version__ as __version__
from .batch import (
    BatchEstimate,
    BatchInputError,
    BatchProgress,
    BatchReport,
    JournalError,
    JournalSummary,
    LineRecord,
    RedisJournal,
    SqliteJournal,
    async_run_batch,
    estimate_batch,
    open_journal,
    run_batch,
)
from .chat import AsyncChatStream, ChatResult, ChatStream, async_stream_chat, stream_chat
from .tasks import (
    as_completed,
    async_as_completed,
    async_download_results,
    async_wait_for_task,
    async_wait_for_tasks,
    download_results,
    wait_for_task,
    wait_for_tasks,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiInOneClient",
    "ApiInOneError",
    "AsyncApiInOneClient",
    "AsyncChatStream",
    "AuthenticationError",
    "BadRequestError",
    "BatchEstimate",
    "BatchInputError",
    "BatchProgress",
    "BatchReport",
    "ChatResult",
    "ChatStream",
    "CreditGuard",
    "CreditLimitError",
    "InsufficientCreditsError",
    "InternalServerError",
    "JournalError",
    "JournalSummary",
    "LineRecord",
    "NotFoundError",
    "RateBudget",
    "RateLimitError",
    "RedisJournal",
    "RedisRateBudget",
    "SqliteJournal",
    "StreamError",
    "StreamInterruptedError",
    "StreamTimeoutError",
    "SyncApiInOneClient",
    "TaskCreation",
    "TaskFailedError",
    "TaskLog",
    "TaskTimeoutError",
    "TokenBucket",
    "aconnect",
    "as_completed",
    "async_as_completed",
    "async_download_results",
    "async_run_batch",
    "async_stream_chat",
    "async_wait_for_task",
    "async_wait_for_tasks",
    "connect",
    "download_results",
    "estimate_batch",
    "open_journal",
    "run_batch",
    "stream_chat",
    "task_id_of",
    "wait_for_task",
    "wait_for_tasks",
]
