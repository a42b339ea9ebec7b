"""Batches from a JSONL file that survive a crash, never pay twice and never overspend.

Each create (``_files`` reads the lines) is recorded in a journal before it
is sent and its task id as soon as the answer arrives, so running the same
batch again resumes it: finished lines are skipped, created tasks are waited
for, and a create whose outcome is unknown is never sent again on its own.
A create that failed before its request left the process (a rate-budget
outage) was not sent: its line stays pending. One that would pass a credit
cap (``max_credits``, or the client's guard) ends ``refused``, unsent, and a
later run sends it. One line's
failure, saving its files say, ends that line only. Creates, polls and
downloads all go through the client, under its one rate budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import Task

from .._errors import (
    ApiInOneError,
    AuthenticationError,
    CreditLimitError,
    InsufficientCreditsError,
    TaskFailedError,
)
from .._operations import GeneratedCall, OperationFacts, operation
from .._outbound import watching
from .._task_log import last_request_id
from .._task_status import SUCCESS, task_id_of
from ..tasks._downloads import async_download_results, download_results
from ..tasks._polling import as_completed, async_as_completed
from . import _lines
from ._files import batch_of_output, input_identity, read_batch, write_output
from ._journal import NOT_OURS, OVER_LIMIT, Journal, JournalSummary
from ._lines import CREATED, DONE, FAILED, PENDING, REFUSED, UNKNOWN, LineRecord
from ._open import open_journal

__all__ = ["BatchProgress", "BatchReport", "async_run_batch", "run_batch"]

ProgressCallback = Callable[["BatchProgress"], None]
JournalLike = Journal | str | os.PathLike[str]


@dataclass
class BatchProgress:
    """Counts a progress bar shows; updated as lines end."""

    total: int
    done: int = 0
    failed: int = 0
    unknown: int = 0
    spent: float = 0.0
    refused: int = 0
    """Lines refused unsent: their create would pass a credit cap."""

    @property
    def finished(self) -> int:
        """Lines done, failed, refused or unknown."""
        return self.done + self.failed + self.refused + self.unknown


@dataclass
class BatchReport:
    """How a run left the batch: the journal's summary, and whether the run was stopped."""

    summary: JournalSummary
    stopped: bool = False
    """The run was asked to stop before the batch ended."""
    error: ApiInOneError | None = None
    """What ended the run early while waiting for tasks (a ``TaskTimeoutError``, say)."""
    spent_by_run: float = 0.0
    """Credits the gateway reported consumed by the lines this run finished: 0 for a
    resume that had nothing left to send (``summary.spent`` counts every run)."""

    @property
    def all_done(self) -> bool:
        """True when every line of the batch is done."""
        return self.summary.count(DONE) == self.summary.total

    @property
    def succeeded(self) -> bool:
        """The same as ``all_done``, whose name says it is a yes or no, not a count."""
        return self.all_done


def _error(error: BaseException) -> dict[str, Any]:
    return {
        "type": type(error).__name__,
        "message": getattr(error, "message", str(error)),
        "status": getattr(error, "status", None),
    }


class _Stopped(Exception):
    """Raised from a poll's progress callback to stop waiting when the run is asked to stop."""


class _BatchRun:
    """The decisions of one batch run, shared by the sync and async drivers."""

    def __init__(
        self,
        client: AuthenticatedClient,
        journal: Journal,
        *,
        download: str | os.PathLike[str] | None,
        max_credits: float | None,
        stop: threading.Event | None,
        on_progress: ProgressCallback | None,
        timeout: float,
        poll_interval: float,
        claim_size: int,
    ) -> None:
        self.client, self.journal = client, journal
        self.download = None if download is None else Path(download)
        self.max_credits = max_credits
        self.stop = stop or threading.Event()
        self.on_progress = on_progress
        self.timeout, self.poll_interval, self.claim_size = timeout, poll_interval, claim_size
        self.error: ApiInOneError | None = None
        summary = journal.summary()
        self.progress = BatchProgress(
            total=summary.total,
            done=summary.count(DONE),
            failed=summary.count(FAILED),
            unknown=summary.count(UNKNOWN),
            spent=summary.spent,
            refused=summary.count(REFUSED),
        )
        self._spent_before = summary.spent
        self._report()

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def end(
        self,
        record: LineRecord,
        state: str,
        error: dict[str, Any] | None = None,
        credit_change: float = 0.0,
    ) -> None:
        """Record that a line ended in ``state`` (with the error that ended it) and count it."""
        _lines.end(record, state, error)
        self.journal.save(record, credit_change)
        if state == DONE:
            self.progress.done += 1
        elif state == FAILED:
            self.progress.failed += 1
        elif state == REFUSED:
            self.progress.refused += 1
        elif state == UNKNOWN:
            self.progress.unknown += 1
        self._report()

    def prepare(self, record: LineRecord) -> GeneratedCall | None:
        """The generated call of a pending line, now sending; or None.

        None when it was refused before sending (the line is then recorded as
        failed for a bad body, refused over the cap, or left alone when it is
        no longer ours).
        """
        facts: OperationFacts = operation(record.operation)
        try:
            call = facts.call(record.body)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            message = f"The body does not fit {facts.request_schema}: {error!r}"
            self.end(
                record, FAILED, {"type": "BadRequestError", "message": message, "status": None}
            )
            return None
        estimate = facts.cost(record.body)
        if self.max_credits is not None and estimate is None:
            self._refuse(record, estimate, "the spec states no cost for it")
            return None
        sending = dataclasses.replace(record)
        _lines.begin_sending(sending, estimate)
        begun = self.journal.begin_create(sending, self.max_credits)
        if begun == NOT_OURS:  # another worker took it over: it is theirs to send
            return None
        if begun == OVER_LIMIT:
            self._refuse(record, estimate, "it would pass the batch's limit")
            return None
        vars(record).update(vars(sending))  # what the journal now holds
        return call

    def _refuse(self, record: LineRecord, estimate: float | None, why: str) -> None:
        committed = self.journal.committed()
        error = CreditLimitError(
            f"Not sent: {estimate or 0:g} credits on top of {committed:g} committed, "
            f"but {why} ({self.max_credits:g} credits).",
            limit=self.max_credits or 0.0,
            committed=committed,
            estimate=estimate,
        )
        self.end(record, REFUSED, _error(error))

    def created(self, record: LineRecord, answer: Any) -> str | None:
        """Record the task id of a create's answer; None, and the line unknown, if it has none.

        A server that answers a create with something else may still have created the task.
        """
        try:
            task_id = task_id_of(answer)
        except TypeError as error:
            message = f"The create was answered without a task id: {error}"
            self.create_failed(
                record, ApiInOneError(message, may_have_created_task=True), left=True
            )
            return None
        _lines.mark_created(record, task_id)
        self.journal.save(record)
        return task_id

    def create_failed(self, record: LineRecord, error: BaseException, *, left: bool) -> None:
        """Record a create that raised; ``left`` when its request was handed to the network.

        Unknown when it may have created a task. A create whose request never
        left the process was not sent: refused by the client's credit guard
        it is ``refused``, by the SDK's other checks ``failed`` (both are
        tried again by a later run); failed on anything else (a
        rate-budget outage) it goes back to pending and the run stops, as
        every other line would fail alike. So does a refused key or an empty
        account.
        """
        if not left and not isinstance(error, ApiInOneError):
            self.journal.save(record, -_lines.give_back_unsent(record))
            self.journal.release(record)
            self.fail(
                ApiInOneError(
                    f"A create was not sent: {type(error).__name__}: {error}. Lines not yet "
                    "sent stay pending: run again once that is fixed."
                )
            )
        elif isinstance(error, CreditLimitError) and not left:
            self.end(record, REFUSED, _error(error), -(record.estimate or 0.0))
        elif isinstance(error, ApiInOneError) and not (left and error.may_have_created_task):
            self.end(record, FAILED, _error(error), -(record.estimate or 0.0))
        else:
            self.end(record, UNKNOWN, _error(error))
        if isinstance(error, AuthenticationError | InsufficientCreditsError):
            self.fail(error)

    def finished(self, record: LineRecord, task: Task) -> bool:
        """Record a finished task; True when its files are to be downloaded."""
        record.task_status = task.status
        consumed = task.consumed_credits
        if isinstance(consumed, int | float) and record.credits is None:
            # Counted once, though a rerun may see the task again after a failed download.
            record.credits = float(consumed)
            change = record.credits - (record.estimate or 0.0)
            self.progress.spent += record.credits
        else:
            change = 0.0
        record.results = task.response if isinstance(task.response, list) else []
        if task.status.upper() != SUCCESS:
            message = task.error_message if isinstance(task.error_message, str) else None
            last_poll = last_request_id(self.client, task.task_id)
            error = TaskFailedError(task.task_id, task.status, message, task, request_id=last_poll)
            self.end(record, FAILED, _error(error), change)
            return False
        if self.download is None:
            self.end(record, DONE, None, change)
            return False
        if change:
            self.journal.save(record, change)
        return True

    def downloaded(self, record: LineRecord, paths: list[Path] | BaseException) -> None:
        """Record the saved files, or the error that kept them from being saved."""
        if isinstance(paths, BaseException):
            self.end(record, FAILED, _error(paths))
        else:
            record.files = [str(path) for path in paths]
            self.end(record, DONE)

    def check_stop(self, _task: Task) -> None:
        """The polls' progress callback: stop waiting as soon as the run is asked to stop."""
        if self.stop.is_set():
            raise _Stopped

    def release(self, records: list[LineRecord]) -> None:
        """Give unfinished lines back to the journal."""
        for record in records:
            self.journal.release(record)

    def fail(self, error: ApiInOneError) -> None:
        """End the run on an error no other line would escape (a timeout waiting, a bad key)."""
        self.error = error
        self.stop.set()

    def claim(self) -> list[LineRecord] | None:
        """The next lines to work on: empty while other workers hold the rest, None at the end."""
        claimed = self.journal.claim(self.claim_size)
        if not claimed and self.journal.summary().unfinished == 0:
            return None
        return claimed

    def polling(self) -> _Polling:
        """How ``as_completed`` waits for this run's tasks."""
        return {
            "timeout": self.timeout,
            "poll_interval": self.poll_interval,
            "on_progress": self.check_stop,
        }

    @contextlib.contextmanager
    def waiting(self, waiting: dict[str, LineRecord]) -> Iterator[None]:
        """Around a wait: a stop or an error ends it, and what is left is given back."""
        try:
            yield
        except _Stopped:
            pass
        except ApiInOneError as error:
            self.fail(error)
        except Exception as error:  # a poll failed before it was sent (a budget outage, say)
            self.fail(
                ApiInOneError(
                    f"Waiting for the tasks stopped: {type(error).__name__}: "
                    f"{error}. Created tasks stay recorded: run again."
                )
            )
        finally:
            self.release(list(waiting.values()))

    def report(self, out: str | os.PathLike[str] | None) -> BatchReport:
        """The journal's summary after the run; with ``out``, the output lines written there."""
        if out is not None:
            rows = (record.output() for record in self.journal.records())
            write_output(rows, self.journal.batch or "", out)
        stopped = self.stop.is_set() and self.error is None
        spent = self.progress.spent - self._spent_before
        return BatchReport(self.journal.summary(), stopped, self.error, spent_by_run=spent)


class _Polling(TypedDict):
    timeout: float
    poll_interval: float
    on_progress: Callable[[Task], None]


@contextlib.contextmanager
def _opened(
    journal: JournalLike,
    input: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    *,
    resend_unknown: bool,
    add_lines: bool,
) -> Iterator[Journal]:
    """The journal with the input made its current one; closed after if opened here.

    The input is read whole before the journal is opened: a bad line is
    reported with nothing written.
    """
    identity, _ = input_identity(read_batch(input))
    with contextlib.ExitStack() as opened:
        if isinstance(journal, str | os.PathLike):
            journal = opened.enter_context(contextlib.closing(open_journal(journal)))
        journal.register(
            read_batch(input), identity, add_lines=add_lines, output_batch=batch_of_output(out)
        )
        if resend_unknown:
            journal.resend_unknown()
        yield journal


def run_batch(
    client: AuthenticatedClient,
    input: str | os.PathLike[str],
    journal: JournalLike,
    *,
    out: str | os.PathLike[str] | None = None,
    download: str | os.PathLike[str] | None = None,
    max_credits: float | None = None,
    resend_unknown: bool = False,
    add_lines: bool = False,
    stop: threading.Event | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    claim_size: int = 50,
) -> BatchReport:
    """Run (or resume) the batch in ``input``, recording everything in ``journal``.

    ``journal`` is a SQLite path, a ``redis://`` URL or an open journal.
    Lines are claimed ``claim_size`` at a time, created, then waited for with
    ``as_completed``; with ``download`` each result is saved there.
    ``max_credits`` caps the journal's committed credits over all its runs:
    a line whose create could pass it ends ``refused`` with
    ``CreditLimitError``, unsent, and is tried again by a later run. Setting ``stop`` ends the run
    after the creates in flight are recorded. ``out`` gets the output lines,
    each naming the batch. Only the input's lines are sent and written out;
    a journal made for another input is refused (``JournalError``) unless
    ``add_lines`` adds the input's new lines to it, and a journal found empty
    or damaged where a batch ran is refused too.
    """
    opening = _opened(journal, input, out, resend_unknown=resend_unknown, add_lines=add_lines)
    with opening as found:
        run = _BatchRun(
            client,
            found,
            download=download,
            max_credits=max_credits,
            stop=stop,
            on_progress=on_progress,
            timeout=timeout,
            poll_interval=poll_interval,
            claim_size=claim_size,
        )
        _drive(run)
        return run.report(out)


def _drive(run: _BatchRun) -> None:
    while not run.stop.is_set():
        claimed = run.claim()
        if claimed is None:
            return
        if not claimed:
            run.stop.wait(run.poll_interval)
            continue
        waiting: dict[str, LineRecord] = {}
        for record in claimed:
            if run.stop.is_set():
                run.release([record])
            elif record.state == CREATED and record.task_id is not None:
                waiting[record.task_id] = record
            elif (call := run.prepare(record)) is not None:
                with watching() as outbound:
                    try:
                        answer = call.sync(run.client)
                    except BaseException as error:  # unknown unless it surely created nothing
                        run.create_failed(record, error, left=outbound.left)
                        if not isinstance(error, Exception):
                            raise
                        continue
                if (task_id := run.created(record, answer)) is not None:
                    waiting[task_id] = record
        _wait(run, waiting)


def _wait(run: _BatchRun, waiting: dict[str, LineRecord]) -> None:
    with run.waiting(waiting):
        for task in as_completed(run.client, list(waiting), **run.polling()):
            record = waiting.pop(task.task_id)
            if run.finished(record, task):
                run.downloaded(record, _download(run, task))


def _download(run: _BatchRun, task: Task) -> list[Path] | Exception:
    assert run.download is not None
    try:
        return download_results(run.client, task, run.download)
    except Exception as error:  # any: it is this line's failure, and the batch goes on
        return error


async def async_run_batch(
    client: AuthenticatedClient,
    input: str | os.PathLike[str],
    journal: JournalLike,
    *,
    out: str | os.PathLike[str] | None = None,
    download: str | os.PathLike[str] | None = None,
    max_credits: float | None = None,
    resend_unknown: bool = False,
    add_lines: bool = False,
    stop: threading.Event | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    claim_size: int = 50,
) -> BatchReport:
    """Async ``run_batch`` for an ``aconnect()`` client.

    Cancelling it waits for the creates in flight and records them first.
    Journal writes are short and stay on the event loop.
    """
    opening = _opened(journal, input, out, resend_unknown=resend_unknown, add_lines=add_lines)
    with opening as found:
        run = _BatchRun(
            client,
            found,
            download=download,
            max_credits=max_credits,
            stop=stop,
            on_progress=on_progress,
            timeout=timeout,
            poll_interval=poll_interval,
            claim_size=claim_size,
        )
        await _async_drive(run)
        return run.report(out)


async def _async_drive(run: _BatchRun) -> None:
    while not run.stop.is_set():
        claimed = run.claim()
        if claimed is None:
            return
        if not claimed:
            await asyncio.sleep(run.poll_interval)
            continue
        waiting: dict[str, LineRecord] = {}
        try:
            for index, record in enumerate(claimed):
                if run.stop.is_set():
                    run.release(claimed[index:])
                    break
                if record.state == CREATED and record.task_id is not None:
                    waiting[record.task_id] = record
                elif (call := run.prepare(record)) is not None:
                    task_id = await _async_create(run, record, call)
                    if task_id is not None:
                        waiting[task_id] = record
        except asyncio.CancelledError:
            run.release([r for r in claimed if r.state in (PENDING, CREATED)])
            raise
        await _async_wait(run, waiting)


async def _async_create(run: _BatchRun, record: LineRecord, call: GeneratedCall) -> str | None:
    # Shielded: a cancelled run still learns, and records, what its create did.
    with watching() as outbound:
        sending = asyncio.ensure_future(call.asyncio(run.client))
    try:
        answer = await asyncio.shield(sending)
    except asyncio.CancelledError:
        try:
            answer = await sending
        except BaseException as error:
            run.create_failed(record, error, left=outbound.left)
            raise asyncio.CancelledError from None
        run.created(record, answer)
        raise
    except Exception as error:  # unknown unless it surely created nothing
        run.create_failed(record, error, left=outbound.left)
        return None
    return run.created(record, answer)


async def _async_wait(run: _BatchRun, waiting: dict[str, LineRecord]) -> None:
    with run.waiting(waiting):
        async for task in async_as_completed(run.client, list(waiting), **run.polling()):
            record = waiting.pop(task.task_id)
            if run.finished(record, task):
                run.downloaded(record, await _async_download(run, task))


async def _async_download(run: _BatchRun, task: Task) -> list[Path] | Exception:
    assert run.download is not None
    try:
        return await async_download_results(run.client, task, run.download)
    except Exception as error:  # any: it is this line's failure, and the batch goes on
        return error
