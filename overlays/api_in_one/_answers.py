"""Answer validation and recording: every answer checked against openapi.yaml as it arrives.

``connect(validate="warn")`` checks each answer's status, media type,
declared headers and body (each event of a stream as it passes) with the
rules of ``aio conformance`` (``_contract``). Each mismatch is a
``DriftRecord``: ``warn`` logs it (rate-limited) and counts it in
``client.drift``, then hands the answer on as if nothing happened; ``raise``
raises ``APIResponseValidationError`` carrying it. ``record=`` appends each
exchange to a JSON Lines file with its verdict (``_recording``).

The layer sits under the retry transport, around the connection, so it
sees every answer the server sent: the 429 that was retried, the error the
transport turns into an exception. Checking needs ``jsonschema`` (the
``validate`` extra); without it ``warn`` checks nothing and says so once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import httpx

from ._errors import ApiInOneError, APIResponseValidationError
from ._logs import logger
from ._operations import OperationFacts
from ._recording import Recorder
from ._request_facts import facts_of
from ._wire import EVENT_STREAM, media_type, request_id_of

if TYPE_CHECKING:
    from ._contract import Contract, EventCheck, Expectation, Problem

__all__ = [
    "VALIDATE_VARIABLE",
    "AnswerLayer",
    "AnswerTransport",
    "AsyncAnswerTransport",
    "DriftRecord",
    "DriftSummary",
    "ValidateMode",
    "answer_layer",
]

ValidateMode = Literal["off", "warn", "raise"]
VALIDATE_VARIABLE = "API_IN_ONE_VALIDATE"
"""``off``, ``warn`` or ``raise``: the ``validate`` of a ``connect()`` that passes none."""
DEFAULT_MODE: ValidateMode = "warn"
_MODES = ("off", "warn", "raise")
_EXTRA = "pip install 'api-in-one[validate]'"
MAX_CHECKED_BYTES = 8 << 20
"""A body that decodes to more (8 MiB) is neither checked nor recorded: the layer never holds
more of an answer than this, and the transport's own size cap judges the rest."""
_LOG_EVERY = 60.0
"""After its first line, a mismatch at one place is logged at most once a minute."""

drift_logger = logger.getChild("drift")


@dataclass(frozen=True)
class DriftRecord:
    """One way one answer broke the spec: the operation, a JSON pointer into the answer as
    recorded (``/body/data/status``, ``/headers/retry-after``, ``/events/0/data/choices``),
    what the spec says, what came, and the request id to quote."""

    operation: str
    pointer: str
    expected: str
    received: str
    request_id: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON a log line or a recording carries."""
        return {
            "operation": self.operation,
            "pointer": self.pointer,
            "expected": self.expected,
            "received": self.received,
            "request_id": self.request_id,
            "message": self.message,
        }


class DriftSummary:
    """``client.drift``: the mismatches seen so far, counted per operation and pointer.

    ``print(client.drift)`` shows a line per place; ``to_dict()`` (or
    ``json.dumps(client.drift.to_dict())``) exports the counts and the first
    record of each. ``len(client.drift)`` is the number of records. Thread-safe.
    """

    def __init__(self, mode: ValidateMode, checking: bool = True, note: str = "") -> None:
        self.mode, self.checking, self.note = mode, checking, note
        self._counts: dict[tuple[str, str], int] = {}
        self._first: dict[tuple[str, str], DriftRecord] = {}
        self._logged: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    @property
    def records(self) -> list[DriftRecord]:
        """The first record of each place that drifted, in the order first seen."""
        with self._lock:
            return list(self._first.values())

    def count(self, operation: str, pointer: str) -> int:
        """How many answers of ``operation`` drifted at ``pointer``."""
        with self._lock:
            return self._counts.get((operation, pointer), 0)

    def add(self, record: DriftRecord) -> None:
        """Count ``record`` and log it unless its place was logged less than a minute ago."""
        place = (record.operation, record.pointer)
        now = time.monotonic()
        with self._lock:
            self._counts[place] = self._counts.get(place, 0) + 1
            self._first.setdefault(place, record)
            last, unlogged = self._logged.get(place, (-_LOG_EVERY, 0))
            if now - last < _LOG_EVERY:
                self._logged[place] = (last, unlogged + 1)
                return
            self._logged[place] = (now, 0)
        since = f" ({unlogged} more since the last line)" if unlogged else ""
        drift_logger.warning(
            "drift in %s at %s: %s%s (request id %s)",
            record.operation,
            record.pointer,
            record.message,
            since,
            record.request_id,
            extra={"drift": record.to_dict()},
        )

    def to_dict(self) -> dict[str, Any]:
        """The mode, the total and each place with its count and first record."""
        with self._lock:
            places = [
                {**self._first[place].to_dict(), "count": count}
                for place, count in self._counts.items()
            ]
        return {
            "mode": self.mode,
            "checking": self.checking,
            "note": self.note,
            "total": sum(place["count"] for place in places),
            "places": places,
        }

    def __str__(self) -> str:
        summary = self.to_dict()
        if not self.checking:
            return f"drift: not checked ({self.note})"
        lines = [f"drift: {summary['total']} record(s) at {len(summary['places'])} place(s)"]
        for place in summary["places"]:
            lines.append(
                f"  {place['count']:>5}  {place['operation']} {place['pointer']}: "
                f"expected {place['expected']}, received {place['received']}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"DriftSummary(mode={self.mode!r}, total={len(self)})"


def _mode(validate: str | None) -> tuple[ValidateMode, bool]:
    """The mode and whether the caller chose it (argument or environment)."""
    chosen = validate if validate is not None else os.environ.get(VALIDATE_VARIABLE)
    if chosen is None or not chosen.strip():
        return DEFAULT_MODE, False
    value = chosen.strip().lower()
    if value not in _MODES:
        source = "validate" if validate is not None else VALIDATE_VARIABLE
        raise ApiInOneError(f"{source} must be one of off, warn, raise; got {chosen!r}")
    return cast(ValidateMode, value), True


def _load_contract() -> Contract | None:
    try:
        from ._contract import Contract
    except ImportError:
        return None
    from ._spec import load_spec

    return Contract(load_spec())


_CONTRACT: list[Contract | None] = []
_CONTRACT_LOCK = threading.Lock()
_MISSING_SAID: list[bool] = []


def _shared_contract() -> Contract | None:
    """One contract (and so one compiled check per schema) for every client of the process."""
    with _CONTRACT_LOCK:
        if not _CONTRACT:
            _CONTRACT.append(_load_contract())
        return _CONTRACT[0]


@dataclass
class AnswerLayer:
    """What the answer transports share: the mode, the contract, the summary, the recorder."""

    mode: ValidateMode
    contract: Contract | None
    summary: DriftSummary
    recorder: Recorder | None
    max_checked_bytes: int = MAX_CHECKED_BYTES
    """The most of a body held to check it: ``MAX_CHECKED_BYTES``, or the client's
    ``max_answer_bytes`` when lower, so the transport's cap refuses a larger one in time."""

    def exchange(self, request: httpx.Request, response: httpx.Response) -> Exchange | None:
        """The checks and recording of one answer, or None when there is nothing to do."""
        if self.contract is None and self.recorder is None:
            return None
        facts = facts_of(request).operation
        if facts is None:
            return None
        return Exchange(self, facts, request, response)


def answer_layer(
    validate: str | None,
    record: str | os.PathLike[str] | None,
    secret: str,
    max_answer_bytes: int = MAX_CHECKED_BYTES,
) -> AnswerLayer:
    """The layer ``connect`` installs; ``secret`` (the key) is never written to a recording.

    Raises ``ApiInOneError`` for an unknown mode, and for ``raise`` without ``jsonschema``.
    """
    mode, chosen = _mode(validate)
    contract = None if mode == "off" else _shared_contract()
    if mode != "off" and contract is None:
        note = f"jsonschema is not installed: {_EXTRA}"
        if mode == "raise":
            raise ApiInOneError(f"validate='raise' needs jsonschema to check answers: {_EXTRA}")
        if not _MISSING_SAID:
            _MISSING_SAID.append(True)
            level = logging.WARNING if chosen else logging.INFO
            drift_logger.log(level, "answers are not checked against the spec: %s", note)
        summary = DriftSummary(mode, checking=False, note=note)
    else:
        summary = DriftSummary(mode, checking=mode != "off", note="" if mode != "off" else "off")
    recorder = None if record is None else Recorder(Path(record), secret)
    held = min(MAX_CHECKED_BYTES, max_answer_bytes)
    return AnswerLayer(mode, contract, summary, recorder, max_checked_bytes=held)


@dataclass
class Exchange:
    """One request and its answer, checked and recorded once the whole answer is in.

    In ``raise`` mode the first problems found raise, after the exchange is recorded:
    the status and headers before the body is read, a stream's at the event that broke.
    """

    layer: AnswerLayer
    facts: OperationFacts
    request: httpx.Request
    response: httpx.Response
    problems: list[Problem] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    content: bytes | None = None
    expected: Expectation | None = None
    stream_check: EventCheck | None = None
    recorded: bool = False
    omitted: int | None = None
    """The bytes read of a body too large to check, when it was."""
    media_type: str = ""
    streams: bool = False
    """An event stream: checked event by event as the caller reads it."""

    def __post_init__(self) -> None:
        self.media_type = media_type(self.response)
        self.streams = self.response.status_code < 400 and self.media_type == EVENT_STREAM

    def start(self) -> None:
        """Check what is known before the body: status, media type, headers."""
        contract = self.layer.contract
        if contract is None:
            return
        self.expected = contract.expect(self.facts, self.response.status_code, self.media_type)
        found = [*self.expected.problems]
        found += contract.header_problems(self.expected, self.response.headers)
        if self.expected.body == "stream":
            self.stream_check = contract.events(self.expected)
            self._found(found)
        elif found:
            self._count(found)

    def too_large(self, size: int) -> bool:
        """Whether ``size`` bytes of body read so far pass what is checked; if so, it is
        recorded as omitted and handed on unchecked, for the transport's own size cap."""
        if size <= self.layer.max_checked_bytes:
            return False
        self.omitted = size
        self._record(False)
        return True

    def body(self, content: bytes) -> None:
        """Check and record a whole body."""
        self.content = content
        contract, expected = self.layer.contract, self.expected
        if contract is not None and expected is not None and expected.body == "json":
            try:
                value = json.loads(content)
            except (ValueError, RecursionError) as error:
                from ._contract import Problem

                excerpt = content[:120].decode("utf-8", errors="replace")
                message = f"the body is not JSON: {error}"
                self._count([Problem("/body", "JSON", excerpt, message)])
            else:
                self._count(contract.body_problems(expected, value))
        self._found([])

    def event(self, event: dict[str, Any]) -> None:
        """Check the next event of a stream, and keep it for the recording."""
        if self.layer.recorder is not None:
            self.events.append(event)
        if self.stream_check is not None:
            self._found(self.stream_check.event(event))

    def ended(self, complete: bool) -> None:
        """The stream ended (``complete``) or the caller closed it early."""
        if complete and self.stream_check is not None:
            self._count(self.stream_check.end())
        self._record(complete)

    def _count(self, problems: list[Problem]) -> None:
        self.problems += problems
        for problem in problems:
            self.layer.summary.add(self._drift(problem))

    def _found(self, problems: list[Problem]) -> None:
        """Count ``problems``; in ``raise`` mode raise for the exchange's first ones."""
        self._count(problems)
        if self.layer.mode != "raise" or not self.problems:
            if not self.streams:
                self._record(True)
            return
        self._record(False)
        records = [self._drift(problem) for problem in self.problems]
        first = records[0]
        raise APIResponseValidationError(
            f"The HTTP {self.response.status_code} answer to {self.request.method} "
            f"{self.request.url.path} breaks the spec at {first.pointer}: {first.message} "
            f"(expected {first.expected}, received {first.received})",
            status=self.response.status_code,
            body=[record.to_dict() for record in records],
            request_id=first.request_id,
        )

    def _drift(self, problem: Problem) -> DriftRecord:
        return DriftRecord(
            self.facts.operation_id,
            problem.pointer,
            problem.expected,
            problem.received,
            request_id_of(self.response, self.request),
            problem.message,
        )

    def _record(self, complete: bool) -> None:
        recorder = self.layer.recorder
        if recorder is None or self.recorded:
            return
        self.recorded = True
        verdict = None if self.layer.contract is None else [p.to_dict() for p in self.problems]
        recorder.write(
            self.facts,
            self.request,
            self.response,
            body=self.content,
            events=self.events if self.streams else None,
            complete=complete,
            drift=verdict,
            omitted=self.omitted,
        )


class _Inflater:
    """The bytes of a gzip- or deflate-encoded stream as the events are read from them."""

    def __init__(self, encoding: str) -> None:
        self._decoder = (
            zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding in {"gzip", "deflate"} else None
        )
        self.readable = encoding in {"", "identity"} or self._decoder is not None

    def __call__(self, chunk: bytes) -> bytes:
        if self._decoder is None:
            return chunk
        try:
            return self._decoder.decompress(chunk)
        except zlib.error:
            self.readable = False
            return b""


class _EventFeed:
    """Splits a stream's raw chunks into events for the exchange; an encoding it cannot read
    (brotli, say) leaves the events unchecked."""

    def __init__(self, exchange: Exchange) -> None:
        from ._contract import SSESplitter

        self.exchange, self.splitter = exchange, SSESplitter()
        self.inflate = _Inflater(exchange.response.headers.get("content-encoding", "").lower())
        self.complete = False

    def feed(self, chunk: bytes) -> None:
        if not self.inflate.readable:
            return
        exchange = self.exchange
        if exchange.layer.recorder is None and exchange.stream_check is not None:
            # Unrecorded: events that fit a learned frame pass without being decoded.
            problems = exchange.stream_check.blocks(self.splitter.blocks(self.inflate(chunk)))
            if problems:
                exchange._found(problems)
            return
        for event in self.splitter.feed(self.inflate(chunk)):
            exchange.event(event)

    def finish(self) -> None:
        if self.inflate.readable:
            for event in self.splitter.end():
                self.exchange.event(event)
        self.complete = True


class _CheckedStream(httpx.SyncByteStream):
    """A stream's bytes passed on unchanged, each event checked as it completes."""

    def __init__(self, inner: httpx.SyncByteStream, exchange: Exchange) -> None:
        self.inner, self.events = inner, _EventFeed(exchange)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.events.feed(chunk)
            yield chunk
        self.events.finish()

    def close(self) -> None:
        self.inner.close()
        self.events.exchange.ended(self.events.complete)


class _AsyncCheckedStream(httpx.AsyncByteStream):
    """The async ``_CheckedStream``."""

    def __init__(self, inner: httpx.AsyncByteStream, exchange: Exchange) -> None:
        self.inner, self.events = inner, _EventFeed(exchange)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.events.feed(chunk)
            yield chunk
        self.events.finish()

    async def aclose(self) -> None:
        await self.inner.aclose()
        self.events.exchange.ended(self.events.complete)


def _decoded(response: httpx.Response, **body: Any) -> httpx.Response:
    """The answer with its body as decoded here (``content=`` or ``stream=``): without the
    ``Content-Encoding`` and ``Content-Length`` of the bytes that crossed the wire."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in {"content-encoding", "content-length"}
    ]
    return httpx.Response(
        response.status_code, headers=headers, extensions=response.extensions, **body
    )


class _Remainder(httpx.SyncByteStream):
    """A body too large to check: what was read of it, then the rest, decoded."""

    def __init__(self, head: list[bytes], rest: Iterator[bytes], response: httpx.Response):
        self.head, self.rest, self.response = head, rest, response

    def __iter__(self) -> Iterator[bytes]:
        yield from self.head
        yield from self.rest

    def close(self) -> None:
        self.response.close()


class _AsyncRemainder(httpx.AsyncByteStream):
    """The async ``_Remainder``."""

    def __init__(self, head: list[bytes], rest: AsyncIterator[bytes], response: httpx.Response):
        self.head, self.rest, self.response = head, rest, response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.head:
            yield chunk
        async for chunk in self.rest:
            yield chunk

    async def aclose(self) -> None:
        await self.response.aclose()


def _passed_on(
    response: httpx.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
) -> httpx.Response:
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=stream,
        extensions=response.extensions,
    )


class AnswerTransport(httpx.BaseTransport):
    """Checks and records every answer of the transport it wraps (sync)."""

    def __init__(self, inner: httpx.BaseTransport, layer: AnswerLayer) -> None:
        self.inner, self.layer = inner, layer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; check (and record) its answer before handing it on."""
        response = self.inner.handle_request(request)
        exchange = self.layer.exchange(request, response)
        if exchange is None:
            return response
        try:
            exchange.start()
            if exchange.streams:
                assert isinstance(response.stream, httpx.SyncByteStream)
                return _passed_on(response, _CheckedStream(response.stream, exchange))
            head: list[bytes] = []
            size = 0
            chunks = response.iter_bytes()
            for chunk in chunks:
                head.append(chunk)
                size += len(chunk)
                if exchange.too_large(size):
                    return _decoded(response, stream=_Remainder(head, chunks, response))
        except BaseException:
            response.close()
            raise
        exchange.body(b"".join(head))
        return _decoded(response, content=b"".join(head))

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


class AsyncAnswerTransport(httpx.AsyncBaseTransport):
    """Checks and records every answer of the transport it wraps (async twin)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, layer: AnswerLayer) -> None:
        self.inner, self.layer = inner, layer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; check (and record) its answer before handing it on."""
        response = await self.inner.handle_async_request(request)
        exchange = self.layer.exchange(request, response)
        if exchange is None:
            return response
        try:
            exchange.start()
            if exchange.streams:
                assert isinstance(response.stream, httpx.AsyncByteStream)
                return _passed_on(response, _AsyncCheckedStream(response.stream, exchange))
            head: list[bytes] = []
            size = 0
            chunks = response.aiter_bytes()
            async for chunk in chunks:
                head.append(chunk)
                size += len(chunk)
                if exchange.too_large(size):
                    return _decoded(response, stream=_AsyncRemainder(head, chunks, response))
        except BaseException:
            await response.aclose()
            raise
        exchange.body(b"".join(head))
        return _decoded(response, content=b"".join(head))

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


def wrapped(inner: Any, layer: AnswerLayer) -> Any:
    """``inner`` under the layer, or ``inner`` itself when the layer has nothing to do."""
    if layer.contract is None and layer.recorder is None:
        return inner
    if isinstance(inner, httpx.AsyncBaseTransport):
        return AsyncAnswerTransport(inner, layer)
    return AnswerTransport(inner, layer)
