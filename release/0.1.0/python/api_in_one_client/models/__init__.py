"""Contains all the data models used in inputs/outputs"""

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
from .chat_completion_stream_event import ChatCompletionStreamEvent
from .chat_content_part import ChatContentPart
from .chat_message import ChatMessage
from .chat_message_role import ChatMessageRole
from .chat_stream_options import ChatStreamOptions
from .chat_tool import ChatTool
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
from .video_generation_request_resolution import VideoGenerationRequestResolution

__all__ = (
    "ChatCompletion",
    "ChatCompletionChoice",
    "ChatCompletionChunk",
    "ChatCompletionChunkChoice",
    "ChatCompletionDelta",
    "ChatCompletionMessage",
    "ChatCompletionRequest",
    "ChatCompletionRequestReasoningEffort",
    "ChatCompletionStreamEvent",
    "ChatContentPart",
    "ChatMessage",
    "ChatMessageRole",
    "ChatStreamOptions",
    "ChatTool",
    "CompletionUsage",
    "DialogueLine",
    "Error",
    "ErrorDetail",
    "FaceSwapRequest",
    "FaceSwapRequestOutputFormat",
    "FunctionCall",
    "FunctionDefinition",
    "FunctionDefinitionParameters",
    "ImageGenerationRequest",
    "MusicRequest",
    "RemoveBackgroundRequest",
    "ResponseFormat",
    "ResponseFormatJsonSchema",
    "ResponseFormatType",
    "SpeechRequest",
    "Task",
    "TaskCreated",
    "TaskReference",
    "TaskRequest",
    "TaskStatusResponse",
    "ToolCall",
    "VideoBackgroundRemovalRequest",
    "VideoGenerationRequest",
    "VideoGenerationRequestAspectRatio",
    "VideoGenerationRequestResolution",
)
