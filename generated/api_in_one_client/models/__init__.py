"""Contains all the data models used in inputs/outputs, and a ``<Model>Param`` TypedDict per model"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from typing_extensions import NotRequired, Required, TypedDict

from .chat_completion import ChatCompletion
from .chat_completion_choice import ChatCompletionChoice
from .chat_completion_chunk import ChatCompletionChunk
from .chat_completion_chunk_choice import ChatCompletionChunkChoice
from .chat_completion_delta import ChatCompletionDelta
from .chat_completion_message import ChatCompletionMessage
from .chat_completion_request import ChatCompletionRequest
from .chat_completion_request_reasoning_effort import (
    ChatCompletionRequestReasoningEffort,
)
from .chat_completion_request_tool_choice_type_0 import (
    ChatCompletionRequestToolChoiceType0,
)
from .chat_completion_stream_event import ChatCompletionStreamEvent
from .chat_content_part import ChatContentPart
from .chat_message import ChatMessage
from .chat_message_role import ChatMessageRole
from .chat_stream_options import ChatStreamOptions
from .chat_tool import ChatTool
from .choice_logprobs_type_0 import ChoiceLogprobsType0
from .completion_usage import CompletionUsage
from .dialogue_line import DialogueLine
from .error import Error
from .error_detail import ErrorDetail
from .face_swap_request import FaceSwapRequest
from .face_swap_request_output_format import FaceSwapRequestOutputFormat
from .function_call import FunctionCall
from .function_definition import FunctionDefinition
from .function_definition_parameters import FunctionDefinitionParameters
from .image_generation_request import ImageGenerationRequest
from .music_request import MusicRequest
from .named_tool_choice import NamedToolChoice
from .named_tool_choice_function import NamedToolChoiceFunction
from .remove_background_request import RemoveBackgroundRequest
from .response_format import ResponseFormat
from .response_format_json_schema import ResponseFormatJsonSchema
from .response_format_type import ResponseFormatType
from .speech_request import SpeechRequest
from .task import Task
from .task_created import TaskCreated
from .task_reference import TaskReference
from .task_request import TaskRequest
from .task_status_response import TaskStatusResponse
from .tool_call import ToolCall
from .video_background_removal_request import VideoBackgroundRemovalRequest
from .video_generation_request import VideoGenerationRequest
from .video_generation_request_aspect_ratio import VideoGenerationRequestAspectRatio


class ChatCompletionParam(TypedDict, total=False):
    """``ChatCompletion`` as a dict: the keys and value types of its schema."""

    id: Required[str]
    model: Required[str]
    choices: Required[Sequence[ChatCompletionChoiceParam]]
    object: NotRequired[str]
    created: NotRequired[int]
    system_fingerprint: NotRequired[str | None]
    usage: NotRequired[CompletionUsageParam]
    credits_consumed: NotRequired[float]


class ChatCompletionChoiceParam(TypedDict, total=False):
    """``ChatCompletionChoice`` as a dict: the keys and value types of its schema."""

    message: Required[ChatCompletionMessageParam]
    index: NotRequired[int]
    finish_reason: NotRequired[str | None]
    logprobs: NotRequired[Mapping[str, Any] | None]


class ChatCompletionChunkParam(TypedDict, total=False):
    """``ChatCompletionChunk`` as a dict: the keys and value types of its schema."""

    id: Required[str]
    choices: Required[Sequence[ChatCompletionChunkChoiceParam]]
    object: NotRequired[str]
    created: NotRequired[int]
    model: NotRequired[str]
    system_fingerprint: NotRequired[str | None]
    service_tier: NotRequired[str | None]
    usage: NotRequired[CompletionUsageParam | None]
    credits_consumed: NotRequired[float | None]


class ChatCompletionChunkChoiceParam(TypedDict, total=False):
    """``ChatCompletionChunkChoice`` as a dict: the keys and value types of its schema."""

    delta: Required[ChatCompletionDeltaParam]
    index: NotRequired[int]
    finish_reason: NotRequired[str | None]
    logprobs: NotRequired[Mapping[str, Any] | None]


class ChatCompletionDeltaParam(TypedDict, total=False):
    """``ChatCompletionDelta`` as a dict: the keys and value types of its schema."""

    role: NotRequired[str]
    content: NotRequired[str | None]
    reasoning_content: NotRequired[str | None]
    refusal: NotRequired[str | None]
    tool_calls: NotRequired[Sequence[ToolCallParam]]


class ChatCompletionMessageParam(TypedDict, total=False):
    """``ChatCompletionMessage`` as a dict: the keys and value types of its schema."""

    role: Required[str]
    content: NotRequired[str | None]
    reasoning_content: NotRequired[str | None]
    refusal: NotRequired[str | None]
    tool_calls: NotRequired[Sequence[ToolCallParam]]


class ChatCompletionRequestParam(TypedDict, total=False):
    """``ChatCompletionRequest`` as a dict: the keys and value types of its schema."""

    model: Required[str]
    messages: Required[Sequence[ChatMessageParam]]
    stream: NotRequired[bool]
    stream_options: NotRequired[ChatStreamOptionsParam]
    include_thoughts: NotRequired[bool]
    reasoning_effort: NotRequired[ChatCompletionRequestReasoningEffort]
    tools: NotRequired[Sequence[ChatToolParam]]
    tool_choice: NotRequired[
        ChatCompletionRequestToolChoiceType0 | NamedToolChoiceParam
    ]
    parallel_tool_calls: NotRequired[bool]
    response_format: NotRequired[ResponseFormatParam]


class ChatCompletionStreamEventParam(TypedDict, total=False):
    """``ChatCompletionStreamEvent`` as a dict: the keys and value types of its schema."""

    data: Required[Literal["[DONE]"] | str]
    event: NotRequired[str]
    id: NotRequired[str]
    retry: NotRequired[int]


class ChatContentPartParam(TypedDict, total=False):
    """``ChatContentPart`` as a dict: the keys and value types of its schema."""

    type: Required[str]
    text: NotRequired[str]


class ChatMessageParam(TypedDict, total=False):
    """``ChatMessage`` as a dict: the keys and value types of its schema."""

    role: Required[ChatMessageRole]
    content: NotRequired[str | Sequence[ChatContentPartParam] | None]
    name: NotRequired[str]
    tool_call_id: NotRequired[str]
    tool_calls: NotRequired[Sequence[ToolCallParam]]


class ChatStreamOptionsParam(TypedDict, total=False):
    """``ChatStreamOptions`` as a dict: the keys and value types of its schema."""

    include_usage: NotRequired[bool]


class ChatToolParam(TypedDict, total=False):
    """``ChatTool`` as a dict: the keys and value types of its schema."""

    type: Required[Literal["function"]]
    function: Required[FunctionDefinitionParam]


class CompletionUsageParam(TypedDict, total=False):
    """``CompletionUsage`` as a dict: the keys and value types of its schema."""

    prompt_tokens: Required[int]
    completion_tokens: Required[int]
    total_tokens: Required[int]


class DialogueLineParam(TypedDict, total=False):
    """``DialogueLine`` as a dict: the keys and value types of its schema."""

    text: Required[str]
    voice: NotRequired[str]


class ErrorParam(TypedDict, total=False):
    """``Error`` as a dict: the keys and value types of its schema."""

    error: Required[ErrorDetailParam]


class ErrorDetailParam(TypedDict, total=False):
    """``ErrorDetail`` as a dict: the keys and value types of its schema."""

    code: Required[int]
    message: Required[str]
    type: Required[str]


class FaceSwapRequestParam(TypedDict, total=False):
    """``FaceSwapRequest`` as a dict: the keys and value types of its schema."""

    image: Required[str]
    face_image: Required[str]
    target_index: NotRequired[int]
    output_format: NotRequired[FaceSwapRequestOutputFormat]


class FunctionCallParam(TypedDict, total=False):
    """``FunctionCall`` as a dict: the keys and value types of its schema."""

    name: NotRequired[str]
    arguments: NotRequired[str]


class FunctionDefinitionParam(TypedDict, total=False):
    """``FunctionDefinition`` as a dict: the keys and value types of its schema."""

    name: Required[str]
    description: NotRequired[str]
    parameters: NotRequired[Mapping[str, Any]]


class ImageGenerationRequestParam(TypedDict, total=False):
    """``ImageGenerationRequest`` as a dict: the keys and value types of its schema."""

    model: Required[str]
    prompt: Required[str]
    aspect_ratio: NotRequired[str]
    type: NotRequired[str]
    resolution: NotRequired[str]
    quality: NotRequired[str]
    input_urls: NotRequired[list[str]]
    negative_prompt: NotRequired[str]
    seed: NotRequired[int]


class MusicRequestParam(TypedDict, total=False):
    """``MusicRequest`` as a dict: the keys and value types of its schema."""

    model: Required[str]
    prompt: NotRequired[str]
    gpt_description_prompt: NotRequired[str]
    style: NotRequired[str]
    title: NotRequired[str]
    make_instrumental: NotRequired[bool]


class NamedToolChoiceParam(TypedDict, total=False):
    """``NamedToolChoice`` as a dict: the keys and value types of its schema."""

    type: Required[Literal["function"]]
    function: Required[NamedToolChoiceFunctionParam]


class NamedToolChoiceFunctionParam(TypedDict, total=False):
    """``NamedToolChoiceFunction`` as a dict: the keys and value types of its schema."""

    name: Required[str]


class RemoveBackgroundRequestParam(TypedDict, total=False):
    """``RemoveBackgroundRequest`` as a dict: the keys and value types of its schema."""

    image: Required[str]


class ResponseFormatParam(TypedDict, total=False):
    """``ResponseFormat`` as a dict: the keys and value types of its schema."""

    type: Required[ResponseFormatType]
    json_schema: NotRequired[Mapping[str, Any]]


class SpeechRequestParam(TypedDict, total=False):
    """``SpeechRequest`` as a dict: the keys and value types of its schema."""

    model: Required[str]
    dialogue: Required[Sequence[DialogueLineParam]]
    stability: NotRequired[float]
    language_code: NotRequired[str]


class TaskParam(TypedDict, total=False):
    """``Task`` as a dict: the keys and value types of its schema."""

    task_id: Required[str]
    status: Required[str]
    consumed_credits: NotRequired[float | None]
    error_message: NotRequired[str | None]
    created_at: NotRequired[str]
    request: NotRequired[Mapping[str, Any]]
    response: NotRequired[list[str] | None]


class TaskCreatedParam(TypedDict, total=False):
    """``TaskCreated`` as a dict: the keys and value types of its schema."""

    code: Required[int]
    message: Required[str]
    data: Required[TaskReferenceParam]


class TaskReferenceParam(TypedDict, total=False):
    """``TaskReference`` as a dict: the keys and value types of its schema."""

    task_id: Required[str]
    status: NotRequired[str]


class TaskStatusResponseParam(TypedDict, total=False):
    """``TaskStatusResponse`` as a dict: the keys and value types of its schema."""

    code: Required[int]
    message: Required[str]
    data: Required[TaskParam]


class ToolCallParam(TypedDict, total=False):
    """``ToolCall`` as a dict: the keys and value types of its schema."""

    index: NotRequired[int]
    id: NotRequired[str]
    type: NotRequired[str]
    function: NotRequired[FunctionCallParam]


class VideoBackgroundRemovalRequestParam(TypedDict, total=False):
    """``VideoBackgroundRemovalRequest`` as a dict: the keys and value types of its schema."""

    video: Required[str]
    background_image: NotRequired[str]


class VideoGenerationRequestParam(TypedDict, total=False):
    """``VideoGenerationRequest`` as a dict: the keys and value types of its schema."""

    model: Required[str]
    prompt: Required[str]
    image: NotRequired[str]
    mode: NotRequired[str]
    duration: NotRequired[float | str]
    aspect_ratio: NotRequired[VideoGenerationRequestAspectRatio]
    resolution: NotRequired[str]
    sound: NotRequired[bool]
    generateAudio: NotRequired[bool]
    generate_audio_switch: NotRequired[bool]


__all__ = (
    "ChatCompletion",
    "ChatCompletionChoice",
    "ChatCompletionChoiceParam",
    "ChatCompletionChunk",
    "ChatCompletionChunkChoice",
    "ChatCompletionChunkChoiceParam",
    "ChatCompletionChunkParam",
    "ChatCompletionDelta",
    "ChatCompletionDeltaParam",
    "ChatCompletionMessage",
    "ChatCompletionMessageParam",
    "ChatCompletionParam",
    "ChatCompletionRequest",
    "ChatCompletionRequestParam",
    "ChatCompletionRequestReasoningEffort",
    "ChatCompletionRequestToolChoiceType0",
    "ChatCompletionStreamEvent",
    "ChatCompletionStreamEventParam",
    "ChatContentPart",
    "ChatContentPartParam",
    "ChatMessage",
    "ChatMessageParam",
    "ChatMessageRole",
    "ChatStreamOptions",
    "ChatStreamOptionsParam",
    "ChatTool",
    "ChatToolParam",
    "ChoiceLogprobsType0",
    "CompletionUsage",
    "CompletionUsageParam",
    "DialogueLine",
    "DialogueLineParam",
    "Error",
    "ErrorDetail",
    "ErrorDetailParam",
    "ErrorParam",
    "FaceSwapRequest",
    "FaceSwapRequestOutputFormat",
    "FaceSwapRequestParam",
    "FunctionCall",
    "FunctionCallParam",
    "FunctionDefinition",
    "FunctionDefinitionParam",
    "FunctionDefinitionParameters",
    "ImageGenerationRequest",
    "ImageGenerationRequestParam",
    "MusicRequest",
    "MusicRequestParam",
    "NamedToolChoice",
    "NamedToolChoiceFunction",
    "NamedToolChoiceFunctionParam",
    "NamedToolChoiceParam",
    "RemoveBackgroundRequest",
    "RemoveBackgroundRequestParam",
    "ResponseFormat",
    "ResponseFormatJsonSchema",
    "ResponseFormatParam",
    "ResponseFormatType",
    "SpeechRequest",
    "SpeechRequestParam",
    "Task",
    "TaskCreated",
    "TaskCreatedParam",
    "TaskParam",
    "TaskReference",
    "TaskReferenceParam",
    "TaskRequest",
    "TaskStatusResponse",
    "TaskStatusResponseParam",
    "ToolCall",
    "ToolCallParam",
    "VideoBackgroundRemovalRequest",
    "VideoBackgroundRemovalRequestParam",
    "VideoGenerationRequest",
    "VideoGenerationRequestAspectRatio",
    "VideoGenerationRequestParam",
)
