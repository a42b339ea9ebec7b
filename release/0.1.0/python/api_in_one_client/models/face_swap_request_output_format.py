from typing import Literal

FaceSwapRequestOutputFormat = Literal["jpeg", "png", "webp"]

FACE_SWAP_REQUEST_OUTPUT_FORMAT_VALUES: set[FaceSwapRequestOutputFormat] = {
    "jpeg",
    "png",
    "webp",
}


def check_face_swap_request_output_format(value: str) -> FaceSwapRequestOutputFormat:
    if value in FACE_SWAP_REQUEST_OUTPUT_FORMAT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FACE_SWAP_REQUEST_OUTPUT_FORMAT_VALUES!r}"
    )
