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

Importing the package costs almost nothing: each name is imported from its
module on first use (``__getattr__`` below), so ``aio --help`` or a program
using only ``connect`` does not pay for the batch runner or the mock.
"""

# No other module-level names: dir() of the package is its public names.
import typing as _typing

from ._lazy import lazy_exports as _lazy_exports

if _typing.TYPE_CHECKING:
    from api_in_one_client.api import request_id_of

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
    from ._outbound import ForkedClientError
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
    "ForkedClientError",
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
    "request_id_of",
    "run_batch",
    "stream_chat",
    "task_id_of",
    "wait_for_task",
    "wait_for_tasks",
]

# Where each public name lives, for the lazy imports (see _lazy.py).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "api_in_one_client.api": ("request_id_of",),
    "._budget": (
        "RateBudget",
        "TokenBucket",
    ),
    "._client": (
        "DEFAULT_BASE_URL",
        "ApiInOneClient",
        "AsyncApiInOneClient",
        "SyncApiInOneClient",
        "aconnect",
        "connect",
    ),
    "._errors": (
        "APIConnectionError",
        "ApiInOneError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "CreditLimitError",
        "InsufficientCreditsError",
        "InternalServerError",
        "NotFoundError",
        "RateLimitError",
        "StreamError",
        "StreamInterruptedError",
        "StreamTimeoutError",
        "TaskFailedError",
        "TaskTimeoutError",
    ),
    "._guard": ("CreditGuard",),
    "._outbound": ("ForkedClientError",),
    "._redis_budget": ("RedisRateBudget",),
    "._task_log": (
        "TaskCreation",
        "TaskLog",
    ),
    "._task_status": ("task_id_of",),
    "._version": ("__version__",),
    ".batch": (
        "BatchEstimate",
        "BatchInputError",
        "BatchProgress",
        "BatchReport",
        "JournalError",
        "JournalSummary",
        "LineRecord",
        "RedisJournal",
        "SqliteJournal",
        "async_run_batch",
        "estimate_batch",
        "open_journal",
        "run_batch",
    ),
    ".chat": (
        "AsyncChatStream",
        "ChatResult",
        "ChatStream",
        "async_stream_chat",
        "stream_chat",
    ),
    ".tasks": (
        "as_completed",
        "async_as_completed",
        "async_download_results",
        "async_wait_for_task",
        "async_wait_for_tasks",
        "download_results",
        "wait_for_task",
        "wait_for_tasks",
    ),
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
