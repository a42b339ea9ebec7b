from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chat_completion import ChatCompletion
from ...models.chat_completion_request import ChatCompletionRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: ChatCompletionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/chat/completions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChatCompletion | Error | None:
    if response.status_code == 200:
        response_200 = ChatCompletion.from_dict(response.json())

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
) -> Response[ChatCompletion | Error]:
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
    body: ChatCompletionRequest,
) -> Response[ChatCompletion | Error]:
    """Create a chat completion

     OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
    default). Synchronous: no task is created. 2 credits per completion.

    `stream` defaults to **true**: without `"stream": false` the answer is
    an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
    one per `data:` line, ending with `data: [DONE]`. The page names no
    chunk format and has no example; OpenAI's chat completion chunk format
    is the reference. With `"stream": false` the answer is one
    `ChatCompletion` JSON object.

    **Decided here (the page is silent):** an error after the stream has
    started arrives as a `data:` line holding the `Error` envelope, as
    OpenAI's streams do; the HTTP status is already 200 by then, so the
    envelope's `code` carries the status.

    **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
    OpenAI's function calling: the answer's message carries `tool_calls`
    (`finish_reason: tool_calls`), each with an `id`; the caller runs the
    functions and sends the results back as `tool` messages naming that
    `tool_call_id`, after the assistant message that asked for them. A
    stream sends a call's `id` and `name` in its first delta and the
    `arguments` JSON text in pieces, matched by `index`.

    The bundled mock answers as a model would, deterministically: with
    `tools`, it calls functions when `tool_choice` is `required` or names
    one, or when it is `auto` and the last message is the user's (`none`,
    or a `tool` message last under `auto`, gets text); a named function
    alone, else every tool whose name the user's message mentions (the
    first tool if none), or only the first of them with
    `parallel_tool_calls: false`. Each call's `arguments` satisfy the
    function's `parameters` schema. `response_format` `json_schema` makes
    the content an instance of its schema, `json_object` a JSON object.
    docs/mock.md has the rules in full.

    Args:
        body (ChatCompletionRequest): OpenAI-compatible chat completion request. Properties of
            OpenAI's
            request not listed here are passed through.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChatCompletion | Error]
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
    body: ChatCompletionRequest,
) -> ChatCompletion | Error | None:
    """Create a chat completion

     OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
    default). Synchronous: no task is created. 2 credits per completion.

    `stream` defaults to **true**: without `"stream": false` the answer is
    an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
    one per `data:` line, ending with `data: [DONE]`. The page names no
    chunk format and has no example; OpenAI's chat completion chunk format
    is the reference. With `"stream": false` the answer is one
    `ChatCompletion` JSON object.

    **Decided here (the page is silent):** an error after the stream has
    started arrives as a `data:` line holding the `Error` envelope, as
    OpenAI's streams do; the HTTP status is already 200 by then, so the
    envelope's `code` carries the status.

    **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
    OpenAI's function calling: the answer's message carries `tool_calls`
    (`finish_reason: tool_calls`), each with an `id`; the caller runs the
    functions and sends the results back as `tool` messages naming that
    `tool_call_id`, after the assistant message that asked for them. A
    stream sends a call's `id` and `name` in its first delta and the
    `arguments` JSON text in pieces, matched by `index`.

    The bundled mock answers as a model would, deterministically: with
    `tools`, it calls functions when `tool_choice` is `required` or names
    one, or when it is `auto` and the last message is the user's (`none`,
    or a `tool` message last under `auto`, gets text); a named function
    alone, else every tool whose name the user's message mentions (the
    first tool if none), or only the first of them with
    `parallel_tool_calls: false`. Each call's `arguments` satisfy the
    function's `parameters` schema. `response_format` `json_schema` makes
    the content an instance of its schema, `json_object` a JSON object.
    docs/mock.md has the rules in full.

    Args:
        body (ChatCompletionRequest): OpenAI-compatible chat completion request. Properties of
            OpenAI's
            request not listed here are passed through.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChatCompletion | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> Response[ChatCompletion | Error]:
    """Create a chat completion

     OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
    default). Synchronous: no task is created. 2 credits per completion.

    `stream` defaults to **true**: without `"stream": false` the answer is
    an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
    one per `data:` line, ending with `data: [DONE]`. The page names no
    chunk format and has no example; OpenAI's chat completion chunk format
    is the reference. With `"stream": false` the answer is one
    `ChatCompletion` JSON object.

    **Decided here (the page is silent):** an error after the stream has
    started arrives as a `data:` line holding the `Error` envelope, as
    OpenAI's streams do; the HTTP status is already 200 by then, so the
    envelope's `code` carries the status.

    **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
    OpenAI's function calling: the answer's message carries `tool_calls`
    (`finish_reason: tool_calls`), each with an `id`; the caller runs the
    functions and sends the results back as `tool` messages naming that
    `tool_call_id`, after the assistant message that asked for them. A
    stream sends a call's `id` and `name` in its first delta and the
    `arguments` JSON text in pieces, matched by `index`.

    The bundled mock answers as a model would, deterministically: with
    `tools`, it calls functions when `tool_choice` is `required` or names
    one, or when it is `auto` and the last message is the user's (`none`,
    or a `tool` message last under `auto`, gets text); a named function
    alone, else every tool whose name the user's message mentions (the
    first tool if none), or only the first of them with
    `parallel_tool_calls: false`. Each call's `arguments` satisfy the
    function's `parameters` schema. `response_format` `json_schema` makes
    the content an instance of its schema, `json_object` a JSON object.
    docs/mock.md has the rules in full.

    Args:
        body (ChatCompletionRequest): OpenAI-compatible chat completion request. Properties of
            OpenAI's
            request not listed here are passed through.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChatCompletion | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> ChatCompletion | Error | None:
    """Create a chat completion

     OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
    default). Synchronous: no task is created. 2 credits per completion.

    `stream` defaults to **true**: without `"stream": false` the answer is
    an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
    one per `data:` line, ending with `data: [DONE]`. The page names no
    chunk format and has no example; OpenAI's chat completion chunk format
    is the reference. With `"stream": false` the answer is one
    `ChatCompletion` JSON object.

    **Decided here (the page is silent):** an error after the stream has
    started arrives as a `data:` line holding the `Error` envelope, as
    OpenAI's streams do; the HTTP status is already 200 by then, so the
    envelope's `code` carries the status.

    **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
    OpenAI's function calling: the answer's message carries `tool_calls`
    (`finish_reason: tool_calls`), each with an `id`; the caller runs the
    functions and sends the results back as `tool` messages naming that
    `tool_call_id`, after the assistant message that asked for them. A
    stream sends a call's `id` and `name` in its first delta and the
    `arguments` JSON text in pieces, matched by `index`.

    The bundled mock answers as a model would, deterministically: with
    `tools`, it calls functions when `tool_choice` is `required` or names
    one, or when it is `auto` and the last message is the user's (`none`,
    or a `tool` message last under `auto`, gets text); a named function
    alone, else every tool whose name the user's message mentions (the
    first tool if none), or only the first of them with
    `parallel_tool_calls: false`. Each call's `arguments` satisfy the
    function's `parameters` schema. `response_format` `json_schema` makes
    the content an instance of its schema, `json_object` a JSON object.
    docs/mock.md has the rules in full.

    Args:
        body (ChatCompletionRequest): OpenAI-compatible chat completion request. Properties of
            OpenAI's
            request not listed here are passed through.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChatCompletion | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
