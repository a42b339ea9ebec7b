from typing import Literal

VideoGenerationRequestResolution = Literal["1080p", "480p", "720p"]

VIDEO_GENERATION_REQUEST_RESOLUTION_VALUES: set[VideoGenerationRequestResolution] = {
    "1080p",
    "480p",
    "720p",
}


def check_video_generation_request_resolution(
    value: str,
) -> VideoGenerationRequestResolution:
    if value in VIDEO_GENERATION_REQUEST_RESOLUTION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {VIDEO_GENERATION_REQUEST_RESOLUTION_VALUES!r}"
    )
