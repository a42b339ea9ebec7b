"""Contains endpoint functions for accessing the API, and the ``videos`` resources.

``Videos`` (``client.videos`` of a sync client) and ``AsyncVideos``
(of an async client) have one method per operation of the tag, generated from the spec.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

# typing_extensions' overload records the overloads on 3.10 too (get_overloads).
from typing_extensions import overload

from ...client import AuthenticatedClient

# Every model, TypedDict and literal alias a signature may name.
from ...models import *
from ...types import UNSET, Unset
from .. import RawResponse, request_body, unwrap
from . import create_video_generation

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncVideos",
    "AsyncVideosWithRawResponse",
    "Videos",
    "VideosWithRawResponse",
    "create_video_generation",
)


class VideosWithRawResponse:
    """The ``videos`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def create_video_generation(
        self,
        *,
        model: str,
        prompt: str,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = 5.0,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = "16:9",
        resolution: str | Unset = UNSET,
        sound: bool | Unset = True,
        generate_audio: bool | Unset = False,
        generate_audio_switch: bool | Unset = False,
    ) -> RawResponse[TaskReference]: ...

    def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = UNSET,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = UNSET,
        resolution: str | Unset = UNSET,
        sound: bool | Unset = UNSET,
        generate_audio: bool | Unset = UNSET,
        generate_audio_switch: bool | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Videos.create_video_generation``, returning the ``RawResponse``."""
        body = request_body(
            VideoGenerationRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "image": image,
                "mode": mode,
                "duration": duration,
                "aspect_ratio": aspect_ratio,
                "resolution": resolution,
                "sound": sound,
                "generateAudio": generate_audio,
                "generate_audio_switch": generate_audio_switch,
            },
        )
        response = self._client.get_httpx_client().request(
            **create_video_generation._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_video_generation._build_response, TaskCreated
        )


class Videos:
    """The ``videos`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> VideosWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return VideosWithRawResponse(self._client)

    @overload
    def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest,
    ) -> TaskReference: ...

    @overload
    def create_video_generation(
        self,
        *,
        model: str,
        prompt: str,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = 5.0,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = "16:9",
        resolution: str | Unset = UNSET,
        sound: bool | Unset = True,
        generate_audio: bool | Unset = False,
        generate_audio_switch: bool | Unset = False,
    ) -> TaskReference: ...

    def create_video_generation(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate a video

        Text-to-video, or image-to-video when `image` is given. Returns a task
        id at once; poll `getTask` for the result URLs.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the video. The page gives "max 2500 chars for
                most models"; 2500 is the limit stated here, and a model with a
                lower one answers 400. The page gives no minimum, so none is
                stated here.
            image (str | Unset): Image URL for image-to-video mode; auto-detected by most models.
            mode (str | Unset): Quality mode. Model-specific, e.g. `std`/`pro` for Kling 3.
            duration (float | str | Unset): Video duration in seconds, as a number or a numeric string (the
                page types it `number | string`). Model-specific: Kling 3 takes
                3–15 s, other models vary, so only positivity is checked here, in
                both forms: `0` and `"0"` are refused alike.
                 Default: 5.0.
            aspect_ratio (VideoGenerationRequestAspectRatio | Unset): Output aspect ratio. Default: '16:9'.
            resolution (str | Unset): Output resolution. Model-specific; the page's examples are
                `480p`, `720p` and `1080p`, not a closed list, so any string is
                accepted here and one the model does not offer is answered 400 by
                the gateway.
            sound (bool | Unset): Generate audio in the video (Kling 3). Default: True.
            generate_audio (bool | Unset): Generate audio (Seedance). Spelled in camelCase on the wire.
                Default: False.
            generate_audio_switch (bool | Unset): Generate audio (PixVerse). Default: False.
            body (VideoGenerationRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.create_video_generation(*args, **kwargs).parsed


class AsyncVideosWithRawResponse:
    """The ``videos`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def create_video_generation(
        self,
        *,
        model: str,
        prompt: str,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = 5.0,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = "16:9",
        resolution: str | Unset = UNSET,
        sound: bool | Unset = True,
        generate_audio: bool | Unset = False,
        generate_audio_switch: bool | Unset = False,
    ) -> RawResponse[TaskReference]: ...

    async def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = UNSET,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = UNSET,
        resolution: str | Unset = UNSET,
        sound: bool | Unset = UNSET,
        generate_audio: bool | Unset = UNSET,
        generate_audio_switch: bool | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncVideos.create_video_generation``, returning the ``RawResponse``."""
        body = request_body(
            VideoGenerationRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "image": image,
                "mode": mode,
                "duration": duration,
                "aspect_ratio": aspect_ratio,
                "resolution": resolution,
                "sound": sound,
                "generateAudio": generate_audio,
                "generate_audio_switch": generate_audio_switch,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **create_video_generation._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_video_generation._build_response, TaskCreated
        )


class AsyncVideos:
    """The ``videos`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncVideosWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncVideosWithRawResponse(self._client)

    @overload
    async def create_video_generation(
        self,
        *,
        body: VideoGenerationRequest,
    ) -> TaskReference: ...

    @overload
    async def create_video_generation(
        self,
        *,
        model: str,
        prompt: str,
        image: str | Unset = UNSET,
        mode: str | Unset = UNSET,
        duration: float | str | Unset = 5.0,
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset = "16:9",
        resolution: str | Unset = UNSET,
        sound: bool | Unset = True,
        generate_audio: bool | Unset = False,
        generate_audio_switch: bool | Unset = False,
    ) -> TaskReference: ...

    async def create_video_generation(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate a video

        Text-to-video, or image-to-video when `image` is given. Returns a task
        id at once; poll `getTask` for the result URLs.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the video. The page gives "max 2500 chars for
                most models"; 2500 is the limit stated here, and a model with a
                lower one answers 400. The page gives no minimum, so none is
                stated here.
            image (str | Unset): Image URL for image-to-video mode; auto-detected by most models.
            mode (str | Unset): Quality mode. Model-specific, e.g. `std`/`pro` for Kling 3.
            duration (float | str | Unset): Video duration in seconds, as a number or a numeric string (the
                page types it `number | string`). Model-specific: Kling 3 takes
                3–15 s, other models vary, so only positivity is checked here, in
                both forms: `0` and `"0"` are refused alike.
                 Default: 5.0.
            aspect_ratio (VideoGenerationRequestAspectRatio | Unset): Output aspect ratio. Default: '16:9'.
            resolution (str | Unset): Output resolution. Model-specific; the page's examples are
                `480p`, `720p` and `1080p`, not a closed list, so any string is
                accepted here and one the model does not offer is answered 400 by
                the gateway.
            sound (bool | Unset): Generate audio in the video (Kling 3). Default: True.
            generate_audio (bool | Unset): Generate audio (Seedance). Spelled in camelCase on the wire.
                Default: False.
            generate_audio_switch (bool | Unset): Generate audio (PixVerse). Default: False.
            body (VideoGenerationRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (
            await self.with_raw_response.create_video_generation(*args, **kwargs)
        ).parsed
