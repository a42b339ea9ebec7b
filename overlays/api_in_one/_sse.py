"""Server-Sent Events framing: bytes in, one text block per event out, in time linear in the bytes.

As the SSE standard says: lines end with LF, CRLF or a bare CR (a CR that
ends a read waits, as it may be half of a CRLF), a UTF-8 byte order mark
before the first line is dropped, a blank line ends an event, and the text
is UTF-8 with bad bytes decoded as U+FFFD. An event cut off by the end of
the stream is dropped.

Each read is scanned once: the bytes of an unfinished event are kept as
pieces and joined once, when the blank line that ends it arrives, so one
64 MB event costs what reading it does, whatever the size of the reads.
``block_data`` reads the data of a block and ``block_fields`` all of its fields.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SSEFramer", "block_data", "block_fields"]

_BOM = b"\xef\xbb\xbf"


class SSEFramer:
    """Cuts a byte stream into event blocks: each the text of one event's lines, LF-joined.

    ``scanned`` counts the bytes the framer has searched and copied: about
    twice what it was fed, never more, however the stream is split.
    """

    def __init__(self) -> None:
        self.scanned = 0
        self._pending: list[bytes] = []
        self._last = b""  # the last byte of the pending bytes, if it ends a line
        self._held_cr = False
        self._start: bytes | None = b""  # the first bytes, until they are known not to be a BOM

    def feed(self, data: bytes) -> list[str]:
        """The blocks of the events ``data`` completes."""
        if self._start is not None:
            data = self._start + data
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._start = data  # maybe the start of a byte order mark
                return []
            self._start = None
            data = data.removeprefix(_BOM)
        if self._held_cr:
            data, self._held_cr = b"\r" + data, False
        if b"\r" in data:
            if data.endswith(b"\r"):
                data, self._held_cr = data[:-1], True
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        window = self._last + data
        self.scanned += len(window)
        found = window.rfind(b"\n\n")
        if found < 0:
            if data:
                self._pending.append(data)
                self._last = b"\n" if data.endswith(b"\n") else b""
            return []
        # The blank line ends at ``end + 2`` of ``data``; end == -1 when its first LF was pending.
        end = found - len(self._last)
        pending = b"".join(self._pending)
        events = pending[:-1] if end == -1 else pending + data[:end]
        rest = data[end + 2 :]
        self.scanned += len(events)
        self._pending = [rest] if rest else []
        self._last = b"\n" if rest.endswith(b"\n") else b""
        return [block for block in events.decode("utf-8", "replace").split("\n\n") if block]

    def end(self) -> list[str]:
        """The blocks the stream's last bytes complete: a held CR ends a line after all."""
        if self._held_cr:
            self._held_cr = False
            return self.feed(b"\n")
        return []


def block_data(block: str) -> str | None:
    """The data of an event block, or None for an event with no data.

    Comments (":"), keep-alives, "event:", "id:" and "retry:" lines carry
    no data; the data of an event may span several lines.
    """
    if block.startswith("data: ") and "\n" not in block:
        return block[6:]  # the usual event: one data line
    lines = [
        line[6:] if line[5:6] == " " else line[5:]
        for line in block.split("\n")
        if line.startswith("data:") or line == "data"
    ]
    return "\n".join(lines) if lines else None


def block_fields(block: str) -> dict[str, Any]:
    """Every field of an event block: ``data`` (lines joined), ``event``, ``id``, ``retry``.

    ``retry`` is an int when it is all digits, as the standard wants it; a
    field named twice keeps its last value, ``data`` each of its lines.
    """
    event: dict[str, Any] = {}
    data: list[str] = []
    for line in block.split("\n"):
        if not line or line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "retry" and value.isdigit():
            event["retry"] = int(value)
        elif field in {"event", "id", "retry"}:
            event[field] = value
    if data:
        event["data"] = "\n".join(data)
    return event
