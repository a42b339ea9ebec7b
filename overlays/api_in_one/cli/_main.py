"""The ``aio`` command: create tasks, wait, download, stream chat, and run the mock."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import Task, TaskCreated, TaskStatusResponse

from .. import _client
from .._errors import ApiInOneError
from ..chat._stream import stream_chat
from ..tasks._downloads import download_results
from ..tasks._polling import wait_for_task
from ._batch import add_batch_commands
from ._conformance import add_conformance_command
from ._options import (
    Command,
    add_schema_options,
    body_from,
    command_of,
    create_commands,
)
from ._output import TaskProgress, echo_stream, print_json, printable, shown
from ._usage import UsageError

__all__ = ["main"]

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command: `aio image ... --json`.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        help="API key (aio_...); default $API_IN_ONE_API_KEY",
    )
    shared.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        help="API base URL; default $API_IN_ONE_BASE_URL or the gateway",
    )
    shared.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print machine-readable JSON only",
    )
    shared.add_argument(
        "--record",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="append every exchange with the server to this JSON Lines file (never the key)",
    )
    parser = argparse.ArgumentParser(
        prog="aio",
        description="API in One from the command line: create tasks, wait, download, chat.",
        epilog="The key and base URL default to API_IN_ONE_API_KEY and API_IN_ONE_BASE_URL.",
        parents=[shared],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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

    chat_command = command_of("chat")
    chat = commands.add_parser(
        chat_command.name,
        help="Chat with a model; the reply streams as it arrives",
        parents=[shared],
    )
    chat.add_argument("message", help="what to say")
    model = chat_command.operation.default_model
    chat.add_argument("--model", default=model, help=f"model slug [default: {model}]")
    chat.add_argument("--system", help="a system message to send first")
    chat.add_argument("--no-stream", action="store_true", help="wait for one whole response")
    chat.set_defaults(run=_chat)

    add_batch_commands(commands, shared)

    demo = commands.add_parser(
        "demo", help="Tour the API against the bundled mock", parents=[shared]
    )
    demo.add_argument("--full", action="store_true", help="every step, also against a real server")
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="download folder")
    demo.set_defaults(run=_demo)

    add_conformance_command(commands, shared)

    # The mock's own parser reads the rest of the line (see ``aio mock --help``).
    mock = commands.add_parser("mock", help="Serve the bundled mock gateway", add_help=False)
    mock.set_defaults(run=_mock)
    return parser


def _wait_options(parser: argparse.ArgumentParser, *, always_waits: bool = False) -> None:
    if not always_waits:
        parser.add_argument("--wait", action="store_true", help="wait for the task to finish")
    parser.add_argument("--download", metavar="DIR", type=Path, help="save the results here")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait [default: 600]"
    )


def _connect(args: argparse.Namespace) -> AuthenticatedClient:
    try:
        return _client.connect(args.api_key, base_url=args.base_url, record=args.record)
    except ApiInOneError as error:
        raise UsageError(str(error)) from None


def _create(args: argparse.Namespace, console: Console) -> int:
    command: Command = args.create
    module = importlib.import_module(command.operation.module)
    models = importlib.import_module("api_in_one_client.models")
    body = getattr(models, command.schema_name).from_dict(body_from(args))
    with _connect(args) as client:
        created = module.sync(client=client, body=body)
        assert isinstance(created, TaskCreated)
        if not (args.wait or args.download):
            if args.json:
                print_json(console, created.to_dict())
            else:
                console.print(f"Created task [bold]{shown(created.data.task_id)}[/bold]")
            return EXIT_OK
        return _finish(args, console, client, created.data.task_id)


def _finish(
    args: argparse.Namespace, console: Console, client: AuthenticatedClient, task_id: str
) -> int:
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
    with _connect(args) as client:
        answer = get_task.sync(args.task_id, client=client)
    assert isinstance(answer, TaskStatusResponse)
    task: Task = answer.data
    if args.json:
        print_json(console, task.to_dict())
    else:
        console.print(f"[bold]{shown(task.task_id)}[/bold]  {shown(task.status)}")
        for url in task.response if isinstance(task.response, list) else []:
            console.print(f"  result  {shown(url)}")
    return EXIT_OK


def _task_wait(args: argparse.Namespace, console: Console) -> int:
    with _connect(args) as client:
        return _finish(args, console, client, args.task_id)


def _chat(args: argparse.Namespace, console: Console) -> int:
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": args.message})
    body: dict[str, Any] = {"model": args.model, "messages": messages}
    body["stream_options"] = {"include_usage": True}
    with _connect(args) as client, stream_chat(client, body) as stream:
        if args.no_stream or args.json:
            result = stream.until_done()
        else:
            result = echo_stream(console, stream)
    if args.json:
        usage = result.usage.to_dict() if result.usage is not None else None
        print_json(
            console,
            {"text": result.text, "usage": usage, "credits_consumed": result.credits_consumed},
        )
    elif args.no_stream:
        console.print(result.text, highlight=False, markup=False, soft_wrap=True)
    return EXIT_OK


def _demo(args: argparse.Namespace, console: Console) -> int:
    from ._demo import run_demo

    return run_demo(console, full=args.full, output=args.output)


def _mock(args: argparse.Namespace, console: Console) -> int:
    from ..mock.__main__ import main as serve_mock

    try:
        return serve_mock(args.mock_args)
    except SystemExit as exit_:  # the mock's own parser: --help or a bad option
        return int(exit_.code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aio``; returns the exit code (0 ok, 1 API error, 2 usage error)."""
    parser = _parser()
    try:
        args, rest = parser.parse_known_args(argv)
        if rest and args.command != "mock":
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    args.mock_args = rest
    # Set here, not as parser defaults: the shared actions' defaults must stay SUPPRESS
    # so that a subcommand does not reset what was given before it.
    defaults = (("api_key", None), ("base_url", None), ("json", False), ("record", None))
    for name, default in defaults:
        if not hasattr(args, name):
            setattr(args, name, default)
    console = Console(highlight=False)
    errors = Console(stderr=True, highlight=False)
    try:
        code: int = args.run(args, console)
        return code
    except UsageError as error:
        errors.print(f"aio: error: {printable(error)}", markup=False)
        return EXIT_USAGE
    except ApiInOneError as error:
        errors.print(f"aio: {type(error).__name__}: {printable(error.message)}", markup=False)
        return EXIT_API_ERROR
    except OSError as error:  # a download folder that cannot be written, say
        errors.print(f"aio: {type(error).__name__}: {printable(error)}", markup=False)
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
