"""What a 404 means for the request that got it, and the fix to name in its error.

A path outside the API (a base URL without ``/api/v1``) gets the base URL to
try; a create naming a model the spec does not list gets the operation's
models and the closest one; anything else is a task id to check.
"""

from __future__ import annotations

import difflib
import functools

import httpx

from ._request_facts import facts_of
from ._spec import load_spec

__all__ = ["not_found_note"]


@functools.cache
def _api_prefix() -> str:
    """The path every operation of the spec's first server sits under, e.g. ``/api/v1``."""
    return httpx.URL(str(load_spec()["servers"][0]["url"])).path.rstrip("/")


def not_found_note(request: httpx.Request) -> str:
    """The sentence to add to a 404's message for ``request``."""
    prefix = _api_prefix()
    if prefix and prefix not in request.url.path:
        origin = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
        return (
            f"The path {request.url.path} is outside the API: does the base URL lack {prefix}? "
            f"Try base_url={origin}{prefix!s} (or API_IN_ONE_BASE_URL)."
        )
    sent = facts_of(request)
    facts = sent.paid_operation
    if facts is None:
        return "Check the task id: it comes from the create call's answer."
    model = sent.fields.get("model")
    if facts.models and isinstance(model, str) and model not in facts.models:
        known = list(facts.models)
        close = difflib.get_close_matches(model, known, n=1, cutoff=0.4)
        closest = f"; the closest is {close[0]}" if close else ""
        return (
            f"{model!r} is not a model of {facts.operation_id}: it knows "
            f"{', '.join(known)}{closest}."
        )
    return "Check the model name against the API reference."
