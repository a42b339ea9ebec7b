"""Result assembly: the text, reasoning, tool calls, usage and credits of a stream's chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    __slots__ = ("_arguments", "_joined", "call", "function")

    def __init__(self) -> None:
        self.function = FunctionCall(arguments="")
        self.call = ToolCall(function=self.function)
        self._joined = ""
        self._arguments: list[str] = []

    def gather(self) -> None:
        if self._arguments:
            self._joined += "".join(self._arguments)
            self.function.arguments = self._joined
            self._arguments.clear()


class Assembler:
    """Adds typed chunks to a ``ChatResult``, a read's chunks at a time.

    One call per read, its loop over local names, keeps the per-chunk cost
    to a few attribute reads. Text, reasoning and argument pieces are joined
    once per read: ``result.text += piece`` for every chunk would copy the
    whole text each time.
    """

    def __init__(self) -> None:
        self.result = ChatResult()
        self._calls: dict[int, _CallPieces] = {}

    def take(self, chunks: list[ChatCompletionChunk]) -> None:
        """Add one read's chunks (their fields' types are checked already) to the result."""
        result = self.result
        text: list[str] = []
        reasoning: list[str] = []
        calls_changed = False
        for chunk in chunks:
            for choice in chunk.choices:
                delta = choice.delta
                piece = delta.content
                if piece:
                    text.append(piece)
                piece = delta.reasoning_content
                if piece:
                    reasoning.append(piece)
                finish = choice.finish_reason
                if finish:
                    result.finish_reason = finish
                if delta.tool_calls:
                    self._add_calls(delta.tool_calls)
                    calls_changed = True
            usage = chunk.usage
            if type(usage) is CompletionUsage:
                result.usage = usage
                credits = chunk.credits_consumed
                if type(credits) is int or type(credits) is float:
                    result.credits_consumed = float(credits)
        result.chunks += len(chunks)
        if text:
            result.text += "".join(text)
        if reasoning:
            result.reasoning += "".join(reasoning)
        if calls_changed:
            for pieces in self._calls.values():
                pieces.gather()

    def _add_calls(self, deltas: list[ToolCall]) -> None:
        calls = self._calls
        for delta in deltas:
            index: int = delta.index  # type: ignore[assignment]  # checked: an int
            pieces = calls.get(index)
            if pieces is None:
                pieces = calls[index] = _CallPieces()
                self.result.tool_calls = [calls[i].call for i in sorted(calls)]
            call = pieces.call
            call_id, kind, function = delta.id, delta.type_, delta.function
            if type(call_id) is str:
                call.id = call_id
            if type(kind) is str:
                call.type_ = kind
            if type(function) is FunctionCall:
                name, arguments = function.name, function.arguments
                if type(name) is str:
                    pieces.function.name = name
                if type(arguments) is str:
                    pieces._arguments.append(arguments)
