"""Tiny but real result files, so downloads can be checked end to end."""

from __future__ import annotations

import io
import struct
import wave
import zlib

__all__ = ["RESULT_FILES", "result_file"]


def _png() -> bytes:
    """A 2x2 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([200, 120, 60] * 2) for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _wav() -> bytes:
    """A tenth of a second of silence, 8 kHz mono 16-bit."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def _mp4() -> bytes:
    """An ISO base media file: an ``ftyp`` box and an empty ``mdat``."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8) + b"mdat"


RESULT_FILES: dict[str, tuple[str, str, bytes]] = {
    "images": ("png", "image/png", _png()),
    "remove-bg": ("png", "image/png", _png()),
    "face-swap": ("png", "image/png", _png()),
    "music": ("wav", "audio/wav", _wav()),
    "speech": ("wav", "audio/wav", _wav()),
    "videos": ("mp4", "video/mp4", _mp4()),
    "video-bg-remover": ("mp4", "video/mp4", _mp4()),
}
"""Task kind -> (extension, media type, bytes)."""

_BY_EXTENSION = {ext: (media_type, data) for ext, media_type, data in RESULT_FILES.values()}


def result_file(name: str) -> tuple[str, bytes] | None:
    """(media type, bytes) for a result file name such as ``n1abc_flux2-0.png``."""
    return _BY_EXTENSION.get(name.rsplit(".", 1)[-1]) if "." in name else None
