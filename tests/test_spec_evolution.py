"""Change the spec, regenerate, and everything follows: the mock, the CLI, the docs and the tests.

A copy of the project (its ``git ls-files``) gets six changes to openapi.yaml,
as a maintainer would make them when the gateway changes:

1. a new task operation with ``model`` and a request schema of its own
   (``upscaleImage``, results in a format the mock has no sample of);
2. a new task operation without ``model`` (``denoiseAudio``);
3. a new optional field with a constraint on an existing request
   (``feather``, 0 to 20, on the background removal);
4. a new enum value (``avif`` as a face swap ``output_format``);
5. a new model slug with its credits (``flux-3`` for images);
6. a removed optional field (``seed`` of the image request).

The real generator (scripts/generate.py) then runs in the copy, and the
regenerated package, first on ``PYTHONPATH``, is used in subprocesses that
run at the same time: one drives the mock, the generated calls and ``aio``;
one runs schemathesis (every check) against the copy's mock on the new and
changed operations; one builds the docs (``make docs``, started with the
generator, since it needs the spec only); one collects the
copy's test suites, which must name the new operations without an edit.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NEW_OPERATIONS = {"upscaleImage": "/images/upscale", "denoiseAudio": "/audio/tools/denoise"}
SCHEMATHESIS_ON = "^(upscaleImage|denoiseAudio|removeImageBackground|getTask)$"
"""The new operations, the one with a new constraint, and the task status their links lead to."""
URL = "https://example.com/photo.jpg"
UPSCALE = {"model": "esrgan-4x", "image": URL, "scale": 4}
DENOISE = {"audio": "https://example.com/voice.wav", "strength": 0.5}


def _evolve(spec: dict[str, Any]) -> None:
    """The six changes, made the way a maintainer edits openapi.yaml."""
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    images = paths["/images/generations"]["post"]
    tools = paths["/images/tools/remove-bg"]["post"]
    schemas["UpscaleRequest"] = {
        "type": "object",
        "description": "Image upscaling with the engine named by `model`.",
        "required": ["model", "image"],
        "properties": {
            "model": {"$ref": "#/components/schemas/ModelSlug"},
            "image": {"type": "string", "format": "uri", "description": "URL of the image."},
            "scale": {
                "type": "integer",
                "enum": [2, 4],
                "default": 2,
                "description": "How many times larger.",
            },
        },
    }
    paths["/images/upscale"] = {
        "post": {
            "operationId": "upscaleImage",
            "tags": ["images"],
            "x-operation-kind": "task",
            "x-cli-command": "upscale",
            "x-results": {"media-type": "image/tiff", "extension": "tiff", "count": 1},
            "x-models": {"esrgan-4x": {"credits": 2, "mock-seconds": 2}},
            "summary": "Upscale an image",
            "description": "Make an image larger with the engine named by `model`. "
            "Returns a task id at once.",
            "requestBody": _body("UpscaleRequest", UPSCALE),
            "responses": copy.deepcopy(images["responses"]),
        }
    }
    schemas["DenoiseRequest"] = {
        "type": "object",
        "description": "Noise removal from a recording. Takes no `model`.",
        "required": ["audio"],
        "properties": {
            "audio": {"type": "string", "format": "uri", "description": "URL of the recording."},
            "strength": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "How much noise to remove.",
            },
        },
    }
    paths["/audio/tools/denoise"] = {
        "post": {
            "operationId": "denoiseAudio",
            "tags": ["tools"],
            "x-operation-kind": "task",
            "x-cli-command": "denoise",
            "x-results": {"media-type": "audio/flac", "extension": "flac", "count": 1},
            "x-credits": 2,
            "x-mock-seconds": 2,
            "summary": "Remove noise from audio",
            "description": "Remove background noise from a recording. No `model` field. "
            "Returns a task id at once.",
            "requestBody": _body("DenoiseRequest", DENOISE),
            "responses": copy.deepcopy(tools["responses"]),
        }
    }
    schemas["RemoveBackgroundRequest"]["properties"]["feather"] = {
        "type": "integer",
        "minimum": 0,
        "maximum": 20,
        "description": "Pixels of soft edge around the subject.",
    }
    schemas["FaceSwapRequest"]["properties"]["output_format"]["enum"].append("avif")
    images["x-models"]["flux-3"] = {"credits": 6, "mock-seconds": 2}
    del schemas["ImageGenerationRequest"]["properties"]["seed"]


def _body(schema: str, example: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "examples": {"first": {"summary": "A request", "value": dict(example)}},
            }
        },
    }


# Runs in the copy: the mock, the regenerated calls and aio, all from the copy's packages.
DRIVER = textwrap.dedent(
    """
    import contextlib, inspect, io, json, os, sys, tempfile
    import httpx, typing_extensions
    from api_in_one import BadRequestError, connect, download_results, wait_for_task
    from api_in_one.cli import main as aio
    from api_in_one.mock import DEMO_KEY, MockConfig, serve
    from api_in_one_client.api.images import create_image_generation, upscale_image
    from api_in_one_client.api.tools import denoise_audio, remove_image_background, swap_face
    from api_in_one_client.models import (
        DenoiseRequest, FaceSwapRequest, ImageGenerationRequest, RemoveBackgroundRequest,
        UpscaleRequest,
    )

    UPSCALE, DENOISE, URL = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
    out, folder = {}, tempfile.mkdtemp()

    def cli(*argv):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stdout):
            code = aio(list(argv))
        return code, stdout.getvalue()

    # No rate limit on either side: the gateway's 60 a minute would make this tour wait.
    with serve(MockConfig(time_scale=0.0, requests_per_minute=10**9)) as mock:
        with connect(DEMO_KEY, base_url=mock.base_url, requests_per_minute=None) as client:
            calls = {
                "upscaleImage": (upscale_image, UpscaleRequest.from_dict(UPSCALE)),
                "denoiseAudio": (denoise_audio, DenoiseRequest.from_dict(DENOISE)),
                "flux-3": (create_image_generation, ImageGenerationRequest.from_dict(
                    {"model": "flux-3", "prompt": "A lighthouse"})),
                "avif": (swap_face, FaceSwapRequest.from_dict(
                    {"image": URL, "face_image": URL, "output_format": "avif"})),
                "feather": (remove_image_background, RemoveBackgroundRequest.from_dict(
                    {"image": URL, "feather": 5})),
            }
            for name, (module, body) in calls.items():
                task = wait_for_task(client, module.sync(client=client, body=body),
                                     poll_interval=0.05)
                paths = download_results(client, task, folder)
                out[name] = {
                    "status": task.status,
                    "credits": task.consumed_credits,
                    "files": [p.read_bytes().hex()[:16] for p in paths],
                    "types": [httpx.get(url).headers["content-type"] for url in task.response],
                }
            # The new operation is a resource method too, its fields typed keyword arguments.
            [_, fields] = typing_extensions.get_overloads(type(client.images).upscale_image)
            out["resource_signature"] = {
                name: [str(p.annotation), None if p.default is p.empty else p.default]
                for name, p in inspect.signature(fields).parameters.items() if name != "self"
            }
            created = client.images.upscale_image(model=UPSCALE["model"], image=URL, scale=4)
            out["resource"] = client.tasks.wait(created, poll_interval=0.05).status
            try:
                remove_image_background.sync(client=client, body=RemoveBackgroundRequest.from_dict(
                    {"image": URL, "feather": 21}))
            except BadRequestError as error:
                out["constraint_error"] = error.message
        raw = httpx.post(mock.base_url + "/images/tools/remove-bg",
                         json={"image": URL, "feather": 21},
                         headers={"Authorization": f"Bearer {DEMO_KEY}"})
        out["constraint"] = {"status": raw.status_code, "body": raw.json()}
        out["seed"] = "seed" in {a.name for a in ImageGenerationRequest.__attrs_attrs__}
        os.environ.update(API_IN_ONE_API_KEY=DEMO_KEY, API_IN_ONE_BASE_URL=mock.base_url)
        out["help"] = {name: cli(name, "--help") for name in ("upscale", "denoise", "image")}
        out["cli"] = {
            "upscale": cli("--json", "upscale", "--model", UPSCALE["model"], "--image", URL,
                           "--scale", "4", "--wait", "--download", folder),
            "denoise": cli("--json", "denoise", "--audio", DENOISE["audio"], "--strength", "0.5",
                           "--wait", "--download", folder),
        }
    print(json.dumps(out))
    """
)

# Runs in the copy: schemathesis, every check, against the copy's mock served on loopback.
SCHEMATHESIS = textwrap.dedent(
    """
    import subprocess, sys
    from api_in_one.mock import DEMO_KEY, MockConfig, serve

    config = MockConfig(keys={DEMO_KEY: 1e12}, requests_per_minute=10**9, time_scale=0.0)
    with serve(config) as mock:
        run = subprocess.run([
            sys.argv[1], "run", "openapi.yaml", "--url", mock.base_url,
            "--header", f"Authorization: Bearer {DEMO_KEY}", "--checks", "all",
            "--include-operation-id-regex", sys.argv[2],
            "--max-examples", "5", "--seed", "1", "--generation-deterministic",
        ])
    sys.exit(run.returncode)
    """
)


def _copy_project(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _start(project: Path, *argv: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{project / 'generated'}:{project / 'overlays'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("API_IN_ONE_API_KEY", None)
    env.pop("API_IN_ONE_BASE_URL", None)
    return subprocess.Popen(
        argv, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process: subprocess.Popen[str], what: str) -> str:
    output, _ = process.communicate(timeout=240)
    assert process.returncode == 0, f"{what} failed:\n{output[-6000:]}"
    return output


def test_a_changed_spec_is_served_offered_documented_and_tested(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _copy_project(project)
    spec_file = project / "openapi.yaml"
    spec = yaml.safe_load(spec_file.read_text())
    _evolve(spec)
    spec_file.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    # The docs need the spec only: they are built while the generator runs.
    # The copy has no node_modules/: the project's locked npm tools build its docs.
    tools = f"NODE_BIN={ROOT / 'node_modules' / '.bin'}"
    docs = _start(project, "make", "docs", tools, "NPM_STAMP=")
    _finish(_start(project, sys.executable, "scripts/generate.py"), "make generate")

    running = {
        "docs": docs,
        "driver": _start(
            project, sys.executable, "-c", DRIVER, json.dumps(UPSCALE), json.dumps(DENOISE), URL
        ),
        "schemathesis": _start(
            project, sys.executable, "-c", SCHEMATHESIS, str(BIN / "schemathesis"), SCHEMATHESIS_ON
        ),
        "collect": _start(
            project,
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-o",
            "addopts=",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "tests/contract/test_contract.py",
            "tests/contract/test_prism.py",
            "tests/test_docs.py",
        ),
    }
    outputs = {name: _finish(process, name) for name, process in running.items()}

    seen = json.loads(outputs["driver"].splitlines()[-1])
    # The new calls exist, create tasks on the mock, finish and have files to download.
    for name in ("upscaleImage", "denoiseAudio", "flux-3", "avif", "feather"):
        assert seen[name]["status"] == "SUCCESS", (name, seen[name])
        assert len(seen[name]["files"]) == 1, (name, seen[name])
    assert seen["upscaleImage"]["types"] == ["image/tiff"]
    assert seen["resource"] == "SUCCESS"
    assert seen["resource_signature"] == {
        "model": ["str", None],
        "image": ["str", None],
        "scale": ["UpscaleRequestScale | Unset", 2],
    }
    assert seen["denoiseAudio"]["types"] == ["audio/flac"]
    assert seen["avif"]["types"] == ["image/avif"]
    # The credits come from the new x-models and x-credits.
    assert (seen["upscaleImage"]["credits"], seen["denoiseAudio"]["credits"]) == (2, 2)
    assert seen["flux-3"]["credits"] == 6
    # The new constraint is enforced with the spec's error envelope.
    assert seen["constraint"]["status"] == 400
    error = seen["constraint"]["body"]["error"]
    assert (error["code"], error["type"]) == (400, "invalid_request")
    assert "feather" in error["message"]
    assert "feather" in seen["constraint_error"]
    # The removed field is gone from the client and the CLI.
    assert seen["seed"] is False
    assert "--seed" not in seen["help"]["image"][1]
    # aio offers the new commands with their flags, and waits and downloads.
    for command, flags in (
        ("upscale", ["--model", "--image", "--scale", "--wait", "--download"]),
        ("denoise", ["--audio", "--strength", "--wait", "--download"]),
    ):
        code, text = seen["help"][command]
        assert code == 0, text
        assert all(flag in text for flag in flags), text
        code, text = seen["cli"][command]
        assert code == 0, text
        task = json.loads(text)
        assert task["status"] == "SUCCESS", task
        assert len(task["files"]) == 1, task
    # The rendered docs contain the new operations.
    page = (project / "reference" / "index.html").read_text()
    for operation_id in NEW_OPERATIONS:
        assert operation_id in page
    assert "Upscale an image" in page
    assert "Remove noise from audio" in page
    # The suites that cover every operation include the new ones without an edit.
    collected = _collected(outputs["collect"])
    for operation_id, path in NEW_OPERATIONS.items():
        assert f"test_operations_conform_to_the_spec[POST {path}]" in collected["test_contract.py"]
        assert f"mock {operation_id} (first)" in collected["test_prism.py"]
        assert f"proxy {operation_id} (first)" in collected["test_prism.py"]
        assert f"test_every_operation_is_rendered[{operation_id}]" in collected["test_docs.py"]


def _collected(tree: str) -> dict[str, str]:
    """The test names pytest's ``--collect-only`` tree lists, by module file name."""
    found: dict[str, str] = {}
    module = ""
    for line in tree.splitlines():
        line = line.strip()
        if line.startswith("<Module "):
            module = line.removeprefix("<Module ").rstrip(">")
        elif module and line.startswith("<"):
            found[module] = found.get(module, "") + line + "\n"
    return found
