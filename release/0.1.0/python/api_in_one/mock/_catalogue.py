"""Models and tools the mock knows, with their cost in credits and how long a task takes.

Costs on the docs page: flux-2 5, chat 2, remove-bg 1, face-swap 4, video
bg-remover 10. Every other cost and every duration is an assumption of the
mock, chosen to look like the real engines (video slow, images fast).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "CatalogueEntry"]


@dataclass(frozen=True)
class CatalogueEntry:
    """One model or tool: which endpoint it belongs to, its cost and its task duration."""

    kind: str
    """images, videos, music, speech, chat, remove-bg, face-swap or video-bg-remover."""
    cost: float
    duration: float
    """Seconds from creation to the end of the task, before ``time_scale``."""
    documented: bool = False
    """True when the cost is stated on the docs page."""


CATALOGUE: dict[str, CatalogueEntry] = {
    "flux-2": CatalogueEntry("images", 5, 8.0, documented=True),
    "seedream": CatalogueEntry("images", 4, 6.0),
    "gpt-image": CatalogueEntry("images", 8, 12.0),
    "kling-3": CatalogueEntry("videos", 30, 40.0),
    "seedance": CatalogueEntry("videos", 25, 35.0),
    "pixverse": CatalogueEntry("videos", 20, 30.0),
    "suno": CatalogueEntry("music", 10, 20.0),
    "minimax-music": CatalogueEntry("music", 8, 18.0),
    "elevenlabs-v3": CatalogueEntry("speech", 3, 5.0),
    "gemini": CatalogueEntry("chat", 2, 0.0, documented=True),
    "remove-bg": CatalogueEntry("remove-bg", 1, 3.0, documented=True),
    "face-swap": CatalogueEntry("face-swap", 4, 5.0, documented=True),
    "video-bg-remover": CatalogueEntry("video-bg-remover", 10, 25.0, documented=True),
}
