"""Tiny but real result files, so downloads can be checked end to end."""

from __future__ import annotations

import base64
import io
import struct
import wave
import zlib
from typing import Any

__all__ = ["RESULT_FILES", "result_extension", "result_file"]


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


# The PNG's 2x2 image as Pillow writes it in the other formats face-swap offers.
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4"
    "UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAIDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcI"
    "CQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRol"
    "JicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ip"
    "qrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAA"
    "AAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLR"
    "ChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaX"
    "mJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEA"
    "PwCWiiivLPVP/9k="
)
_WEBP = base64.b64decode("UklGRh4AAABXRUJQVlA4TBEAAAAvAUAAAAdQvCKXp/+BiOh/AAA=")

RESULT_FILES: dict[str, tuple[str, str, bytes]] = {
    "images": ("png", "image/png", _png()),
    "remove-bg": ("png", "image/png", _png()),
    "face-swap": ("jpeg", "image/jpeg", _JPEG),
    "music": ("wav", "audio/wav", _wav()),
    "speech": ("wav", "audio/wav", _wav()),
    "videos": ("mp4", "video/mp4", _mp4()),
    "video-bg-remover": ("mp4", "video/mp4", _mp4()),
}
"""Task kind -> (extension, media type, bytes)."""

_BY_EXTENSION = {ext: (media_type, data) for ext, media_type, data in RESULT_FILES.values()}
_BY_EXTENSION["webp"] = ("image/webp", _WEBP)


def result_extension(kind: str, request: dict[str, Any]) -> str:
    """The file extension of a task's results: face-swap's follows its ``output_format``."""
    if kind == "face-swap":
        chosen = request.get("output_format")
        if isinstance(chosen, str) and chosen in _BY_EXTENSION:
            return chosen
    return RESULT_FILES[kind][0]


def result_file(name: str) -> tuple[str, bytes] | None:
    """(media type, bytes) for a result file name such as ``n1abc_flux2-0.png``."""
    return _BY_EXTENSION.get(name.rsplit(".", 1)[-1]) if "." in name else None
