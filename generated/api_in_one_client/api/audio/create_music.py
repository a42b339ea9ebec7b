from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.music_request import MusicRequest
from ...models.task_created import TaskCreated
from ...types import Response


def _get_kwargs(
    *,
    body: MusicRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/audio/music",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TaskCreated | None:
    if response.status_code == 200:
        response_200 = TaskCreated.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | TaskCreated]:
    try:
        parsed = _parse_response(client=client, response=response)
    except Exception as error:
        raise client.unparsable_answer(response, error) from error
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: MusicRequest,
) -> Response[Error | TaskCreated]:
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
        body (MusicRequest): Music generation. Suno inspiration mode uses
            `gpt_description_prompt`;
            Suno custom mode uses `prompt` (lyrics), `style` and `title`; MiniMax
            Music uses `prompt` (a style description). `model` also chooses the
            Suno version, and the version sets `prompt`'s limit (see
            `createMusic`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TaskCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: MusicRequest,
) -> Error | TaskCreated | None:
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
        body (MusicRequest): Music generation. Suno inspiration mode uses
            `gpt_description_prompt`;
            Suno custom mode uses `prompt` (lyrics), `style` and `title`; MiniMax
            Music uses `prompt` (a style description). `model` also chooses the
            Suno version, and the version sets `prompt`'s limit (see
            `createMusic`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TaskCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: MusicRequest,
) -> Response[Error | TaskCreated]:
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
        body (MusicRequest): Music generation. Suno inspiration mode uses
            `gpt_description_prompt`;
            Suno custom mode uses `prompt` (lyrics), `style` and `title`; MiniMax
            Music uses `prompt` (a style description). `model` also chooses the
            Suno version, and the version sets `prompt`'s limit (see
            `createMusic`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TaskCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: MusicRequest,
) -> Error | TaskCreated | None:
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
        body (MusicRequest): Music generation. Suno inspiration mode uses
            `gpt_description_prompt`;
            Suno custom mode uses `prompt` (lyrics), `style` and `title`; MiniMax
            Music uses `prompt` (a style description). `model` also chooses the
            Suno version, and the version sets `prompt`'s limit (see
            `createMusic`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TaskCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
