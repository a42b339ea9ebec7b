"""Contains endpoint functions for accessing the API, and the ``images`` resources.

``Images`` (``client.images`` of a sync client) and ``AsyncImages``
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
from . import create_image_generation

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncImages",
    "AsyncImagesWithRawResponse",
    "Images",
    "ImagesWithRawResponse",
    "create_image_generation",
)


class ImagesWithRawResponse:
    """The ``images`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def create_image_generation(
        self,
        *,
        model: str,
        prompt: str,
        aspect_ratio: str | Unset = "1:1",
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> RawResponse[TaskReference]: ...

    def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        aspect_ratio: str | Unset = UNSET,
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Images.create_image_generation``, returning the ``RawResponse``."""
        body = request_body(
            ImageGenerationRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "aspect_ratio": aspect_ratio,
                "type": type_,
                "resolution": resolution,
                "quality": quality,
                "input_urls": input_urls,
                "negative_prompt": negative_prompt,
                "seed": seed,
            },
        )
        response = self._client.get_httpx_client().request(
            **create_image_generation._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_image_generation._build_response, TaskCreated
        )


class Images:
    """The ``images`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> ImagesWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return ImagesWithRawResponse(self._client)

    @overload
    def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest,
    ) -> TaskReference: ...

    @overload
    def create_image_generation(
        self,
        *,
        model: str,
        prompt: str,
        aspect_ratio: str | Unset = "1:1",
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> TaskReference: ...

    def create_image_generation(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate images

        Generate images with the engine named by `model`. Returns a task id at
        once; poll `getTask` for the result URLs. The page's example `flux-2`
        task consumed 5 credits.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the image to generate (3–5000 characters).
            aspect_ratio (str | Unset): Output aspect ratio, e.g. `1:1`, `16:9`, `9:16`. The page gives
                examples, not a format, and the values are model-specific (some
                engines take `auto` or `2.39:1`), so any string is accepted here
                and one the model does not take is answered 400 by the gateway.
                 Default: '1:1'.
            type_ (str | Unset): Generation mode. Model-specific, e.g. `pro`/`flex` for Flux 2, `text-to-
                image`/`edit` for Seedream.
            resolution (str | Unset): Output resolution. Model-specific, e.g. `1K`/`2K` for Flux 2.
            quality (str | Unset): Quality level. Model-specific, e.g. `medium`/`high` for GPT Image.
            input_urls (list[str] | Unset): Image URLs for image-to-image or editing mode.
            negative_prompt (str | Unset): Elements to avoid in the image (not all models support this).
            seed (int | Unset): Random seed for reproducibility (not all models support this). The
                page types it `number`, the one numeric type its parameter lists
                use (the face index `target_index` is a `number` there too). A
                seed is a whole number, so this document decides on `integer`:
                `7` and `7.0` are accepted, and `1.5` is answered 400 rather than
                passed to an engine that might round it unseen.
            body (ImageGenerationRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.create_image_generation(*args, **kwargs).parsed


class AsyncImagesWithRawResponse:
    """The ``images`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def create_image_generation(
        self,
        *,
        model: str,
        prompt: str,
        aspect_ratio: str | Unset = "1:1",
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> RawResponse[TaskReference]: ...

    async def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        aspect_ratio: str | Unset = UNSET,
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncImages.create_image_generation``, returning the ``RawResponse``."""
        body = request_body(
            ImageGenerationRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "aspect_ratio": aspect_ratio,
                "type": type_,
                "resolution": resolution,
                "quality": quality,
                "input_urls": input_urls,
                "negative_prompt": negative_prompt,
                "seed": seed,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **create_image_generation._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_image_generation._build_response, TaskCreated
        )


class AsyncImages:
    """The ``images`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncImagesWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncImagesWithRawResponse(self._client)

    @overload
    async def create_image_generation(
        self,
        *,
        body: ImageGenerationRequest,
    ) -> TaskReference: ...

    @overload
    async def create_image_generation(
        self,
        *,
        model: str,
        prompt: str,
        aspect_ratio: str | Unset = "1:1",
        type_: str | Unset = UNSET,
        resolution: str | Unset = UNSET,
        quality: str | Unset = UNSET,
        input_urls: list[str] | Unset = UNSET,
        negative_prompt: str | Unset = UNSET,
        seed: int | Unset = UNSET,
    ) -> TaskReference: ...

    async def create_image_generation(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate images

        Generate images with the engine named by `model`. Returns a task id at
        once; poll `getTask` for the result URLs. The page's example `flux-2`
        task consumed 5 credits.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the image to generate (3–5000 characters).
            aspect_ratio (str | Unset): Output aspect ratio, e.g. `1:1`, `16:9`, `9:16`. The page gives
                examples, not a format, and the values are model-specific (some
                engines take `auto` or `2.39:1`), so any string is accepted here
                and one the model does not take is answered 400 by the gateway.
                 Default: '1:1'.
            type_ (str | Unset): Generation mode. Model-specific, e.g. `pro`/`flex` for Flux 2, `text-to-
                image`/`edit` for Seedream.
            resolution (str | Unset): Output resolution. Model-specific, e.g. `1K`/`2K` for Flux 2.
            quality (str | Unset): Quality level. Model-specific, e.g. `medium`/`high` for GPT Image.
            input_urls (list[str] | Unset): Image URLs for image-to-image or editing mode.
            negative_prompt (str | Unset): Elements to avoid in the image (not all models support this).
            seed (int | Unset): Random seed for reproducibility (not all models support this). The
                page types it `number`, the one numeric type its parameter lists
                use (the face index `target_index` is a `number` there too). A
                seed is a whole number, so this document decides on `integer`:
                `7` and `7.0` are accepted, and `1.5` is answered 400 rather than
                passed to an engine that might round it unseen.
            body (ImageGenerationRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (
            await self.with_raw_response.create_image_generation(*args, **kwargs)
        ).parsed
