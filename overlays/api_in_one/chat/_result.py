"""Result assembly: the text, reasoning, tool calls, usage and credits of a stream's chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from api_in_one_client.models import ChatCompletionChunk, CompletionUsage, FunctionCall, ToolCall

__all__ = ["Assembler", "ChatResult"]


@dataclass
class ChatResult:
    """A finished chat stream, put together.

    ``tool_calls`` holds the calls the model asked for, each assembled from
    its pieces: the ``id``, ``type`` and function ``name`` of its first
    delta, and the ``arguments`` of every delta joined in order.
    """

    text: str = ""
    reasoning: str = ""
    usage: CompletionUsage | None = None
    credits_consumed: float | None = None
    finish_reason: str | None = None
    chunks: int = field(default=0, repr=False)
    tool_calls: list[ToolCall] = field(default_factory=list)


class _CallPieces:
    """One tool call of the result as its deltas arrive; argument pieces wait for ``gather``."""

    def __init__(self) -> None:
        self.function = FunctionCall(arguments="")
        self.call = ToolCall(function=self.function)
        self._joined = ""
        self._arguments: list[str] = []

    def add(self, piece: ToolCall) -> None:
        """Take one delta's piece of the call (its fields' types are checked already)."""
        call_id, kind, function = piece.id, piece.type_, piece.function
        if type(call_id) is str:
            self.call.id = call_id
        if type(kind) is str:
            self.call.type_ = kind
        if type(function) is FunctionCall:
            name, arguments = function.name, function.arguments
            if type(name) is str:
                self.function.name = name
            if type(arguments) is str:
                self._arguments.append(arguments)

    def gather(self) -> None:
        if self._arguments:
            self._joined += "".join(self._arguments)
            self.function.arguments = self._joined
            self._arguments.clear()


class Assembler:
    """Adds typed chunks to a ``ChatResult``.

    Text and reasoning pieces are kept in lists until ``gather``, called
    once per read: ``result.text += piece`` for every chunk would copy the
    whole text each time.
    """

    def __init__(self) -> None:
        self.result = ChatResult()
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _CallPieces] = {}
        self._calls_changed = False

    def add(self, chunk: ChatCompletionChunk) -> None:
        result = self.result
        for choice in chunk.choices:
            delta = choice.delta
            content, reasoning, finish = (
                delta.content,
                delta.reasoning_content,
                choice.finish_reason,
            )
            if content:
                self._text.append(content)
            if reasoning:
                self._reasoning.append(reasoning)
            if finish:
                result.finish_reason = finish
            if delta.tool_calls:
                self._add_calls(delta.tool_calls)
        usage = chunk.usage
        if isinstance(usage, CompletionUsage):
            result.usage = usage
            credits = chunk.credits_consumed
            if isinstance(credits, int | float):
                result.credits_consumed = float(credits)
        result.chunks += 1

    def _add_calls(self, pieces: list[ToolCall]) -> None:
        for piece in pieces:
            index = cast(int, piece.index)  # checked by typed_chunk
            call = self._calls.get(index)  # checked: int
            if call is None:
                call = self._calls[index] = _CallPieces()
                self.result.tool_calls = [self._calls[i].call for i in sorted(self._calls)]
            call.add(piece)
        self._calls_changed = True

    def gather(self) -> None:
        """Add the gathered text, reasoning and tool call arguments to the result."""
        result = self.result
        if self._text:
            result.text += "".join(self._text)
            self._text.clear()
        if self._reasoning:
            result.reasoning += "".join(self._reasoning)
            self._reasoning.clear()
        if self._calls_changed:
            for pieces in self._calls.values():
                pieces.gather()
            self._calls_changed = False
