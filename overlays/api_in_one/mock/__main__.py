"""``python -m api_in_one.mock``: serve the mock gateway with uvicorn."""

from __future__ import annotations

import argparse
import errno
import os
import sys

from .._extras import missing_extra
from ._config import DEMO_KEY, MockConfig

PROG = "python -m api_in_one.mock"


def _key(text: str) -> tuple[str, float]:
    key, sep, credits = text.partition("=")
    if not sep or not key.startswith("aio_"):
        raise argparse.ArgumentTypeError(f"expected aio_KEY=CREDITS, got {text!r}")
    try:
        return key, float(credits)
    except ValueError:
        raise argparse.ArgumentTypeError(f"credits must be a number in {text!r}") from None


def parser(prog: str = PROG) -> argparse.ArgumentParser:
    """Command-line options of the mock server (needs the mock extra)."""
    from ._drift import DRIFTS

    cli = argparse.ArgumentParser(
        prog=prog,
        description=f"Serve the API in One mock gateway. The demo key {DEMO_KEY} always works.",
    )
    cli.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    cli.add_argument(
        "--port", type=int, default=8765, help="port to listen on (0 picks a free one)"
    )
    cli.add_argument("--time-scale", type=float, default=1.0, help="multiplies task durations")
    cli.add_argument(
        "--requests-per-minute", type=int, default=60, help="per-key rate limit (default 60)"
    )
    cli.add_argument(
        "--key",
        type=_key,
        action="append",
        default=[],
        metavar="aio_KEY=CREDITS",
        help="add a key with a balance (repeatable)",
    )
    cli.add_argument(
        "--drift",
        action="append",
        default=[],
        choices=list(DRIFTS),
        help="break the spec on purpose this way (repeatable): "
        + "; ".join(f"{name}: {what.rstrip('.')}" for name, what in DRIFTS.items()).replace(
            "%", "%%"
        ),
    )
    cli.add_argument(
        "--replay",
        metavar="FILE",
        help="answer requests that match a recorded exchange (connect(record=...), "
        "aio --record) with the recorded answer; the others as the mock does",
    )
    return cli


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Run the server until interrupted; 2 for a missing extra or a port in use.

    ``prog`` names the command in messages: ``aio mock`` runs this too.
    """
    missing = missing_extra("mock", prog)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    cli = parser(prog)
    args = cli.parse_args(argv)
    if args.replay is not None and not os.path.isfile(args.replay):
        cli.error(f"--replay {args.replay}: no such file")
    import uvicorn

    from ._app import create_app
    from ._server import base_url_of, listening_socket

    config = MockConfig(
        keys={DEMO_KEY: 1000.0, **dict(args.key)},
        requests_per_minute=args.requests_per_minute,
        time_scale=args.time_scale,
        drift=frozenset(args.drift),
        replay=args.replay,
    )
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"{prog}: port {args.port} on {args.host} is in use: pass --port 0 for a free one",
            file=sys.stderr,
        )
        return 2
    # Printed once the socket listens, so a script may connect as soon as it reads this line.
    print(f"API in One mock on {base_url_of(sock)} (key {DEMO_KEY})", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
