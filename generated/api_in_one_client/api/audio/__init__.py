"""Contains endpoint functions for accessing the API, and the ``audio`` resources.

``Audio`` (``client.audio`` of a sync client) and ``AsyncAudio``
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
from . import create_music, create_speech

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncAudio",
    "AsyncAudioWithRawResponse",
    "Audio",
    "AudioWithRawResponse",
    "create_music",
    "create_speech",
)


class AudioWithRawResponse:
    """The ``audio`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def create_music(
        self,
        *,
        body: MusicRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def create_music(
        self,
        *,
        model: str,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = False,
    ) -> RawResponse[TaskReference]: ...

    def create_music(
        self,
        *,
        body: MusicRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Audio.create_music``, returning the ``RawResponse``."""
        body = request_body(
            MusicRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "gpt_description_prompt": gpt_description_prompt,
                "style": style,
                "title": title,
                "make_instrumental": make_instrumental,
            },
        )
        response = self._client.get_httpx_client().request(
            **create_music._get_kwargs(body=body)
        )
        return unwrap(self._client, response, create_music._build_response, TaskCreated)

    @overload
    def create_speech(
        self,
        *,
        body: SpeechRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    def create_speech(
        self,
        *,
        model: str,
        dialogue: Sequence[DialogueLine | DialogueLineParam],
        stability: float | Unset = 0.5,
        language_code: str | Unset = "auto",
    ) -> RawResponse[TaskReference]: ...

    def create_speech(
        self,
        *,
        body: SpeechRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        dialogue: Sequence[DialogueLine | DialogueLineParam] | Unset = UNSET,
        stability: float | Unset = UNSET,
        language_code: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``Audio.create_speech``, returning the ``RawResponse``."""
        body = request_body(
            SpeechRequest.from_dict,
            body,
            {
                "model": model,
                "dialogue": dialogue,
                "stability": stability,
                "language_code": language_code,
            },
        )
        response = self._client.get_httpx_client().request(
            **create_speech._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_speech._build_response, TaskCreated
        )


class Audio:
    """The ``audio`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AudioWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AudioWithRawResponse(self._client)

    @overload
    def create_music(
        self,
        *,
        body: MusicRequest,
    ) -> TaskReference: ...

    @overload
    def create_music(
        self,
        *,
        model: str,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = False,
    ) -> TaskReference: ...

    def create_music(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate music

        Original music from text. Suno has an "inspiration mode"
        (`gpt_description_prompt`) and a "custom mode" (`prompt` as lyrics,
        `style`, `title`); MiniMax Music takes `prompt` as a style description.

        **Suno versions.** The page says "suno (defaults to chirp-v3-5)" and
        gives `prompt` limits per version (3000 characters for v3.5 and v4,
        5000 for v4.5 and later), but names no way to choose one. Decision:
        the version is chosen with `model`, as every other engine is. `suno`
        is Suno at its default version, `chirp-v3-5`; `chirp-v3-5`,
        `chirp-v4` and `chirp-v4-5` name a version. Only `chirp-v3-5` is
        spelled on the page; the other two follow its pattern and are an
        assumption of this document, so a gateway that spells them otherwise
        answers `404 not_found`. The `prompt` limit follows the version:
        3000 for `suno`, `chirp-v3-5` and `chirp-v4`, 5000 for any other
        `chirp-` slug.

        **MiniMax Music.** The page calls it "lyrics-driven", yet its
        parameter list says `prompt` is the "style description (MiniMax)" and
        names no lyrics field for it. This document follows the parameter
        list; properties MiniMax takes beyond it (such as lyrics) are passed
        through unchecked, like every model-specific property.

        The docs page's example request is cut off before its first lines; the
        `sunoCustom` example below completes it with `"model": "suno"`.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str | Unset): Lyrics (Suno custom mode) or style description (MiniMax Music). At
                most 3000 characters for Suno v3.5 and v4 (`suno`, `chirp-v3-5`,
                `chirp-v4`), 5000 for Suno v4.5 and later (`chirp-v4-5` and any
                other `chirp-` slug). The page gives no limit for MiniMax Music.
            gpt_description_prompt (str | Unset): Text description for Suno inspiration mode (at most 400
                characters).
            style (str | Unset): Musical style or genre (Suno custom mode, at most 1000 characters).
            title (str | Unset): Song title (Suno, at most 80 characters).
            make_instrumental (bool | Unset): Instrumental only, no vocals (Suno). Default: False.
            body (MusicRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.create_music(*args, **kwargs).parsed

    @overload
    def create_speech(
        self,
        *,
        body: SpeechRequest,
    ) -> TaskReference: ...

    @overload
    def create_speech(
        self,
        *,
        model: str,
        dialogue: Sequence[DialogueLine | DialogueLineParam],
        stability: float | Unset = 0.5,
        language_code: str | Unset = "auto",
    ) -> TaskReference: ...

    def create_speech(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Convert text to speech

        Multi-voice dialogue speech with ElevenLabs V3 (30+ languages,
        automatic language detection). Returns a task id at once.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            dialogue (list[DialogueLine]): The lines to speak, in order. The page gives no minimum, so an
                empty list is not refused here; it is the gateway's to refuse.
            stability (float | Unset): Voice stability; lower varies more, higher is more consistent.
                Default: 0.5.
            language_code (str | Unset): Language code (e.g. `en`, `zh`, `ja`) or `auto` for detection.
                Default: 'auto'.
            body (SpeechRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return self.with_raw_response.create_speech(*args, **kwargs).parsed


class AsyncAudioWithRawResponse:
    """The ``audio`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def create_music(
        self,
        *,
        body: MusicRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def create_music(
        self,
        *,
        model: str,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = False,
    ) -> RawResponse[TaskReference]: ...

    async def create_music(
        self,
        *,
        body: MusicRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncAudio.create_music``, returning the ``RawResponse``."""
        body = request_body(
            MusicRequest.from_dict,
            body,
            {
                "model": model,
                "prompt": prompt,
                "gpt_description_prompt": gpt_description_prompt,
                "style": style,
                "title": title,
                "make_instrumental": make_instrumental,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **create_music._get_kwargs(body=body)
        )
        return unwrap(self._client, response, create_music._build_response, TaskCreated)

    @overload
    async def create_speech(
        self,
        *,
        body: SpeechRequest,
    ) -> RawResponse[TaskReference]: ...

    @overload
    async def create_speech(
        self,
        *,
        model: str,
        dialogue: Sequence[DialogueLine | DialogueLineParam],
        stability: float | Unset = 0.5,
        language_code: str | Unset = "auto",
    ) -> RawResponse[TaskReference]: ...

    async def create_speech(
        self,
        *,
        body: SpeechRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        dialogue: Sequence[DialogueLine | DialogueLineParam] | Unset = UNSET,
        stability: float | Unset = UNSET,
        language_code: str | Unset = UNSET,
    ) -> RawResponse[TaskReference]:
        """``AsyncAudio.create_speech``, returning the ``RawResponse``."""
        body = request_body(
            SpeechRequest.from_dict,
            body,
            {
                "model": model,
                "dialogue": dialogue,
                "stability": stability,
                "language_code": language_code,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **create_speech._get_kwargs(body=body)
        )
        return unwrap(
            self._client, response, create_speech._build_response, TaskCreated
        )


class AsyncAudio:
    """The ``audio`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncAudioWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncAudioWithRawResponse(self._client)

    @overload
    async def create_music(
        self,
        *,
        body: MusicRequest,
    ) -> TaskReference: ...

    @overload
    async def create_music(
        self,
        *,
        model: str,
        prompt: str | Unset = UNSET,
        gpt_description_prompt: str | Unset = UNSET,
        style: str | Unset = UNSET,
        title: str | Unset = UNSET,
        make_instrumental: bool | Unset = False,
    ) -> TaskReference: ...

    async def create_music(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Generate music

        Original music from text. Suno has an "inspiration mode"
        (`gpt_description_prompt`) and a "custom mode" (`prompt` as lyrics,
        `style`, `title`); MiniMax Music takes `prompt` as a style description.

        **Suno versions.** The page says "suno (defaults to chirp-v3-5)" and
        gives `prompt` limits per version (3000 characters for v3.5 and v4,
        5000 for v4.5 and later), but names no way to choose one. Decision:
        the version is chosen with `model`, as every other engine is. `suno`
        is Suno at its default version, `chirp-v3-5`; `chirp-v3-5`,
        `chirp-v4` and `chirp-v4-5` name a version. Only `chirp-v3-5` is
        spelled on the page; the other two follow its pattern and are an
        assumption of this document, so a gateway that spells them otherwise
        answers `404 not_found`. The `prompt` limit follows the version:
        3000 for `suno`, `chirp-v3-5` and `chirp-v4`, 5000 for any other
        `chirp-` slug.

        **MiniMax Music.** The page calls it "lyrics-driven", yet its
        parameter list says `prompt` is the "style description (MiniMax)" and
        names no lyrics field for it. This document follows the parameter
        list; properties MiniMax takes beyond it (such as lyrics) are passed
        through unchecked, like every model-specific property.

        The docs page's example request is cut off before its first lines; the
        `sunoCustom` example below completes it with `"model": "suno"`.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str | Unset): Lyrics (Suno custom mode) or style description (MiniMax Music). At
                most 3000 characters for Suno v3.5 and v4 (`suno`, `chirp-v3-5`,
                `chirp-v4`), 5000 for Suno v4.5 and later (`chirp-v4-5` and any
                other `chirp-` slug). The page gives no limit for MiniMax Music.
            gpt_description_prompt (str | Unset): Text description for Suno inspiration mode (at most 400
                characters).
            style (str | Unset): Musical style or genre (Suno custom mode, at most 1000 characters).
            title (str | Unset): Song title (Suno, at most 80 characters).
            make_instrumental (bool | Unset): Instrumental only, no vocals (Suno). Default: False.
            body (MusicRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (await self.with_raw_response.create_music(*args, **kwargs)).parsed

    @overload
    async def create_speech(
        self,
        *,
        body: SpeechRequest,
    ) -> TaskReference: ...

    @overload
    async def create_speech(
        self,
        *,
        model: str,
        dialogue: Sequence[DialogueLine | DialogueLineParam],
        stability: float | Unset = 0.5,
        language_code: str | Unset = "auto",
    ) -> TaskReference: ...

    async def create_speech(self, *args: Any, **kwargs: Any) -> TaskReference:
        """Convert text to speech

        Multi-voice dialogue speech with ElevenLabs V3 (30+ languages,
        automatic language detection). Returns a task id at once.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            dialogue (list[DialogueLine]): The lines to speak, in order. The page gives no minimum, so an
                empty list is not refused here; it is the gateway's to refuse.
            stability (float | Unset): Voice stability; lower varies more, higher is more consistent.
                Default: 0.5.
            language_code (str | Unset): Language code (e.g. `en`, `zh`, `ja`) or `auto` for detection.
                Default: 'auto'.
            body (SpeechRequest): the whole request body, instead of its fields.

        Returns:
            TaskReference: the ``data`` of the ``TaskCreated`` answer.
        """

        return (await self.with_raw_response.create_speech(*args, **kwargs)).parsed
