"""The task commands: one per task operation of the spec (``aio image ...``), and ``aio task``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._command import EXIT_OK, Commands, UsageError
from ._options import Command, add_schema_options, body_from, command_of, create_commands

if TYPE_CHECKING:
    from rich.console import Console

    from .._client import ApiInOneClient

__all__ = ["connect_from", "register"]


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add a command per task-creating operation, and ``task get`` and ``task wait``."""
    for command in create_commands():
        summary = command.operation.summary
        sub = commands.add_parser(command.name, help=summary, description=summary, parents=[shared])
        add_schema_options(sub, command.schema_name)
        _wait_options(sub)
        sub.set_defaults(run=_create, create=command)

    task = commands.add_parser(command_of("task-status").name, help="Get or wait for a task")
    task_commands = task.add_subparsers(dest="task_command", required=True, metavar="ACTION")
    get = task_commands.add_parser("get", help="Print a task's status", parents=[shared])
    get.add_argument("task_id")
    get.set_defaults(run=_task_get)
    wait = task_commands.add_parser("wait", help="Wait for a task to finish", parents=[shared])
    wait.add_argument("task_id")
    _wait_options(wait, always_waits=True)
    wait.set_defaults(run=_task_wait)


def _wait_options(parser: argparse.ArgumentParser, *, always_waits: bool = False) -> None:
    if not always_waits:
        parser.add_argument("--wait", action="store_true", help="wait for the task to finish")
    parser.add_argument("--download", metavar="DIR", type=Path, help="save the results here")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait [default: 600]"
    )


def connect_from(args: argparse.Namespace, **settings: Any) -> ApiInOneClient:
    """The client for ``--api-key``, ``--base-url`` and ``--record``; a bad setting is a
    ``UsageError``."""
    from .._client import connect
    from .._errors import ApiInOneError

    try:
        return connect(args.api_key, base_url=args.base_url, record=args.record, **settings)
    except ApiInOneError as error:
        raise UsageError(error.message) from None


def _create(args: argparse.Namespace, console: Console) -> int:
    from api_in_one_client.models import TaskCreated

    from ._output import print_json, shown

    command: Command = args.create
    call = command.operation.call(body_from(args))
    with connect_from(args) as client:
        created = call.sync(client)
        assert isinstance(created, TaskCreated)
        if not (args.wait or args.download):
            if args.json:
                print_json(console, created.to_dict())
            else:
                console.print(f"Created task [bold]{shown(created.data.task_id)}[/bold]")
            return EXIT_OK
        return _finish(args, console, client, created.data.task_id)


def _finish(
    args: argparse.Namespace, console: Console, client: ApiInOneClient, task_id: str
) -> int:
    from ..tasks._downloads import download_results
    from ..tasks._polling import wait_for_task
    from ._output import TaskProgress, print_json, shown

    with TaskProgress(console, task_id, enabled=not args.json) as progress:
        task = wait_for_task(client, task_id, timeout=args.timeout, on_progress=progress)
    paths = download_results(client, task, args.download) if args.download else []
    if args.json:
        print_json(console, {**task.to_dict(), "files": [str(p) for p in paths]})
        return EXIT_OK
    for url in task.response if isinstance(task.response, list) else []:
        console.print(f"  result  {shown(url)}")
    for path in paths:
        console.print(f"  saved   {shown(path)}")
    return EXIT_OK


def _task_get(args: argparse.Namespace, console: Console) -> int:
    from api_in_one_client.api.tasks import get_task
    from api_in_one_client.models import TaskStatusResponse

    from ._output import print_json, shown

    with connect_from(args) as client:
        answer = get_task.sync(args.task_id, client=client)
    assert isinstance(answer, TaskStatusResponse)
    task = answer.data
    if args.json:
        print_json(console, task.to_dict())
    else:
        console.print(f"[bold]{shown(task.task_id)}[/bold]  {shown(task.status)}")
        for url in task.response if isinstance(task.response, list) else []:
            console.print(f"  result  {shown(url)}")
    return EXIT_OK


def _task_wait(args: argparse.Namespace, console: Console) -> int:
    with connect_from(args) as client:
        return _finish(args, console, client, args.task_id)
