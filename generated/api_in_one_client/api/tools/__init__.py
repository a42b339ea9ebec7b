"""Contains endpoint functions for accessing the API, and the ``tools`` resources.

``Tools`` (``client.tools`` of a sync client) and ``AsyncTools``
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
from . import remove_image_background, remove_video_background, swap_face

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncTools",
    "AsyncToolsWithRawResponse",
    "Tools",
    "ToolsWithRawResponse",
    "remove_image_background",
    "remove_video_background",
    "swap_face",
)


class ToolsWithRawResponse:
    """The ``tools`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def remove_image_background(
        self,
        *,
        image: str,
    ) -> RawResponse[TaskReference]: ...

    def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest | Unset = UNSET,
        image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Tools.remove_image_background``, returning the ``RawResponse``."""
        body = request_body(
            RemoveBackgroundRequest.from_dict,
            body,
            {
                "image": image,
            },
        )
        response = self._client.get_httpx_client().request(
            **remove_image_background._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, remove_image_background._build_response, TaskCreated
        )

    @overload
    def swap_face(
        self,
        *,
        body: FaceSwapRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def swap_face(
        self,
        *,
        image: str,
        face_image: str,
        target_index: int | Unset = 0,
        output_format: FaceSwapRequestOutputFormat | Unset = "jpeg",
    ) -> RawResponse[TaskReference]: ...

    def swap_face(
        self,
        *,
        body: FaceSwapRequest | Unset = UNSET,
        image: str | Unset = UNSET,
        face_image: str | Unset = UNSET,
        target_index: int | Unset = UNSET,
        output_format: FaceSwapRequestOutputFormat | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Tools.swap_face``, returning the ``RawResponse``."""
        body = request_body(
            FaceSwapRequest.from_dict,
            body,
            {
                "image": image,
                "face_image": face_image,
                "target_index": target_index,
                "output_format": output_format,
            },
        )
        response = self._client.get_httpx_client().request(
            **swap_face._get_kwargs(body=body)
        )
        return unwrap(self._client, response, swap_face._build_response, TaskCreated)

    @overload
    def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def remove_video_background(
        self,
        *,
        video: str,
        background_image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]: ...

    def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest | Unset = UNSET,
        video: str | Unset = UNSET,
        background_image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Tools.remove_video_background``, returning the ``RawResponse``."""
        body = request_body(
            VideoBackgroundRemovalRequest.from_dict,
            body,
            {
                "video": video,
                "background_image": background_image,
            },
        )
        response = self._client.get_httpx_client().request(
            **remove_video_background._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, remove_video_background._build_response, TaskCreated
        )


class Tools:
    """The ``tools`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> ToolsWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return ToolsWithRawResponse(self._client)

    @overload
    def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest,
    ) -> TaskReference: ...

    @overload
    def remove_image_background(
        self,
        *,
        image: str,
    ) -> TaskReference: ...

    def remove_image_background(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Remove an image background

        Remove the background of an image. No `model` field. 1 credit per
        image. Returns a task id at once. The page's header for this section is
        cut off; method and path come from its example request.

        Args:
            image (str): URL of the image.
            body (RemoveBackgroundRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.remove_image_background(*args, **kwargs).parsed

    @overload
    def swap_face(
        self,
        *,
        body: FaceSwapRequest,
    ) -> TaskReference: ...

    @overload
    def swap_face(
        self,
        *,
        image: str,
        face_image: str,
        target_index: int | Unset = 0,
        output_format: FaceSwapRequestOutputFormat | Unset = "jpeg",
    ) -> TaskReference: ...

    def swap_face(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Swap a face into an image

        Put the face from `face_image` onto a face in `image`. No `model`
        field. 4 credits per swap. Returns a task id at once. The page's
        example is cut off after its first line; the example below is built
        from the parameter list.

        Args:
            image (str): URL of the target image (the body or scene to modify).
            face_image (str): URL of the source face image (the face to swap in).
            target_index (int | Unset): Which face in the target image, when it has several (0–10). The
                page types it `number`, its one numeric type; an index is whole,
                so this document decides on `integer` (`2.0` is accepted, `1.5`
                is answered 400).
                 Default: 0.
            output_format (FaceSwapRequestOutputFormat | Unset): Output image format. Default: 'jpeg'.
            body (FaceSwapRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.swap_face(*args, **kwargs).parsed

    @overload
    def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest,
    ) -> TaskReference: ...

    @overload
    def remove_video_background(
        self,
        *,
        video: str,
        background_image: str | Unset = UNSET,
    ) -> TaskReference: ...

    def remove_video_background(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Remove or replace a video background

        Remove a video's background, or replace it with `background_image`.
        No `model` field. 10 credits per video. Returns a task id at once. The
        page's header for this section is cut off; method and path come from
        its example request.

        Args:
            video (str): URL of the video.
            background_image (str | Unset): URL of an image to use as the new background; without it the
                background is removed.
            body (VideoBackgroundRemovalRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.remove_video_background(*args, **kwargs).parsed


class AsyncToolsWithRawResponse:
    """The ``tools`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def remove_image_background(
        self,
        *,
        image: str,
    ) -> RawResponse[TaskReference]: ...

    async def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest | Unset = UNSET,
        image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncTools.remove_image_background``, returning the ``RawResponse``."""
        body = request_body(
            RemoveBackgroundRequest.from_dict,
            body,
            {
                "image": image,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **remove_image_background._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, remove_image_background._build_response, TaskCreated
        )

    @overload
    async def swap_face(
        self,
        *,
        body: FaceSwapRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def swap_face(
        self,
        *,
        image: str,
        face_image: str,
        target_index: int | Unset = 0,
        output_format: FaceSwapRequestOutputFormat | Unset = "jpeg",
    ) -> RawResponse[TaskReference]: ...

    async def swap_face(
        self,
        *,
        body: FaceSwapRequest | Unset = UNSET,
        image: str | Unset = UNSET,
        face_image: str | Unset = UNSET,
        target_index: int | Unset = UNSET,
        output_format: FaceSwapRequestOutputFormat | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncTools.swap_face``, returning the ``RawResponse``."""
        body = request_body(
            FaceSwapRequest.from_dict,
            body,
            {
                "image": image,
                "face_image": face_image,
                "target_index": target_index,
                "output_format": output_format,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **swap_face._get_kwargs(body=body)
        )
        return unwrap(self._client, response, swap_face._build_response, TaskCreated)

    @overload
    async def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def remove_video_background(
        self,
        *,
        video: str,
        background_image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]: ...

    async def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest | Unset = UNSET,
        video: str | Unset = UNSET,
        background_image: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncTools.remove_video_background``, returning the ``RawResponse``."""
        body = request_body(
            VideoBackgroundRemovalRequest.from_dict,
            body,
            {
                "video": video,
                "background_image": background_image,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **remove_video_background._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, remove_video_background._build_response, TaskCreated
        )


class AsyncTools:
    """The ``tools`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncToolsWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncToolsWithRawResponse(self._client)

    @overload
    async def remove_image_background(
        self,
        *,
        body: RemoveBackgroundRequest,
    ) -> TaskReference: ...

    @overload
    async def remove_image_background(
        self,
        *,
        image: str,
    ) -> TaskReference: ...

    async def remove_image_background(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Remove an image background

        Remove the background of an image. No `model` field. 1 credit per
        image. Returns a task id at once. The page's header for this section is
        cut off; method and path come from its example request.

        Args:
            image (str): URL of the image.
            body (RemoveBackgroundRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (
            await self.with_raw_response.remove_image_background(*args, **kwargs)
        ).parsed

    @overload
    async def swap_face(
        self,
        *,
        body: FaceSwapRequest,
    ) -> TaskReference: ...

    @overload
    async def swap_face(
        self,
        *,
        image: str,
        face_image: str,
        target_index: int | Unset = 0,
        output_format: FaceSwapRequestOutputFormat | Unset = "jpeg",
    ) -> TaskReference: ...

    async def swap_face(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Swap a face into an image

        Put the face from `face_image` onto a face in `image`. No `model`
        field. 4 credits per swap. Returns a task id at once. The page's
        example is cut off after its first line; the example below is built
        from the parameter list.

        Args:
            image (str): URL of the target image (the body or scene to modify).
            face_image (str): URL of the source face image (the face to swap in).
            target_index (int | Unset): Which face in the target image, when it has several (0–10). The
                page types it `number`, its one numeric type; an index is whole,
                so this document decides on `integer` (`2.0` is accepted, `1.5`
                is answered 400).
                 Default: 0.
            output_format (FaceSwapRequestOutputFormat | Unset): Output image format. Default: 'jpeg'.
            body (FaceSwapRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (await self.with_raw_response.swap_face(*args, **kwargs)).parsed

    @overload
    async def remove_video_background(
        self,
        *,
        body: VideoBackgroundRemovalRequest,
    ) -> TaskReference: ...

    @overload
    async def remove_video_background(
        self,
        *,
        video: str,
        background_image: str | Unset = UNSET,
    ) -> TaskReference: ...

    async def remove_video_background(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Remove or replace a video background

        Remove a video's background, or replace it with `background_image`.
        No `model` field. 10 credits per video. Returns a task id at once. The
        page's header for this section is cut off; method and path come from
        its example request.

        Args:
            video (str): URL of the video.
            background_image (str | Unset): URL of an image to use as the new background; without it the
                background is removed.
            body (VideoBackgroundRemovalRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (
            await self.with_raw_response.remove_video_background(*args, **kwargs)
        ).parsed
