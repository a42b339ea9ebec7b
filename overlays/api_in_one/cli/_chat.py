"""``aio chat``: one message to a chat model, the reply streamed as it arrives."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._command import EXIT_OK, Commands
from ._options import command_of
from ._tasks import connect_from

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["register"]


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add ``chat``, named by the spec's chat operation."""
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


def _chat(args: argparse.Namespace, console: Console) -> int:
    from ..chat._stream import stream_chat
    from ._output import echo_stream, print_json

    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": args.message})
    body: dict[str, Any] = {"model": args.model, "messages": messages}
    body["stream_options"] = {"include_usage": True}
    with connect_from(args) as client, stream_chat(client, body) as stream:
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
