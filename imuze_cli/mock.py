"""``imuze-mock``: serve the mock (imuze_mock), or run a command against a mock that lives as
long as it.

The server loads inside ``main``, so that without the ``mock`` extra the command prints one
line naming it instead of an ImportError traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from imuze_ext._extras import MOCK_PACKAGES, MissingExtraError, requires_extra
from imuze_mock.config import MockConfig
from imuze_mock.dialects import DIALECTS

if TYPE_CHECKING:
    from imuze_mock.server import MockServer

_EPILOG = """exec mode: imuze-mock [OPTIONS] -- CMD [ARGS...] starts the mock, runs CMD with
IMUZE_BASE_URL, IMUZE_EMAIL and IMUZE_PASSWORD set (and IMUZE_OTHER_EMAIL and
IMUZE_OTHER_PASSWORD for the second user), stops the mock and exits with CMD's code."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imuze-mock", description="A stateful mock of the iMuze API v4.", epilog=_EPILOG
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free)")
    parser.add_argument(
        "--render-delay",
        type=float,
        default=0.2,
        metavar="S",
        help="minimum seconds a song stays processing",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="fault rates, e.g. 503:0.1,429:0.05,reset:0.02,slow:0.05,truncate:0.05",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    parser.add_argument(
        "--token-ttl", type=float, default=3600.0, metavar="S", help="token lifetime in seconds"
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="R",
        help="requests per second per token (default: unlimited)",
    )
    parser.add_argument(
        "--maintenance", action="store_true", help="answer every request with 503 and Retry-After"
    )
    parser.add_argument(
        "--strict", action="store_true", help="validate the mock's own responses against the spec"
    )
    parser.add_argument(
        "--dialect",
        choices=DIALECTS,
        default="spec",
        help="spec: answer exactly as the spec says; rails: as a Rails deployment would "
        "(200 on creates, relative media URLs, Rails error bodies, extra fields)",
    )
    return parser


def _config(args: argparse.Namespace) -> MockConfig:
    return MockConfig(
        render_delay=args.render_delay,
        faults=args.faults,
        seed=args.seed,
        token_ttl=args.token_ttl,
        rate_limit=args.rate_limit,
        maintenance=args.maintenance,
        strict=args.strict,
        dialect=args.dialect,
    )


def _banner(server: MockServer, out: TextIO) -> None:
    demo, other = server.demo, server.other
    lines = [
        f"imuze-mock: the iMuze API v4 at {server.base_url}",
        f"  demo account   {demo.email} / {demo.password}",
        f"  developer key  {demo.api_key or '(none)'}",
        f"  second user    {other.email} / {other.password}",
    ]
    if server.config.dialect != "spec":
        lines.append(
            f"  dialect        {server.config.dialect} (deviates from the spec on purpose)"
        )
    print("\n".join(lines), file=out, flush=True)


def _exec(config: MockConfig, host: str, port: int, command: Sequence[str]) -> int:
    from imuze_mock.server import running

    with running(config, host=host, port=port) as server:
        _banner(server, sys.stderr)
        env = {
            **os.environ,
            "IMUZE_BASE_URL": server.base_url,
            "IMUZE_EMAIL": server.demo.email,
            "IMUZE_PASSWORD": server.demo.password,
            # The second user, so that `imuze contract` checks object-level authorization.
            "IMUZE_OTHER_EMAIL": server.other.email,
            "IMUZE_OTHER_PASSWORD": server.other.password,
        }
        try:
            code = subprocess.call(list(command), env=env)  # noqa: S603 (the user's own command)
        except OSError as error:
            print(f"imuze-mock: cannot run {command[0]!r}: {error.strerror}", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130
    return code if code >= 0 else 128 - code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imuze-mock`` and ``python -m imuze_mock``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with requires_extra("mock", "the imuze mock", MOCK_PACKAGES):
            from imuze_mock.server import make_server
    except MissingExtraError as error:
        # A set-up error, like a busy port: exit 2, as `imuze` does for a missing extra.
        print(f"imuze-mock: {error}", file=sys.stderr)
        return 2
    try:
        config = _config(args)
        if command:
            return _exec(config, args.host, args.port, command)
        server, uv_server, sock = make_server(config, args.host, args.port)
    except ValueError as error:
        print(f"imuze-mock: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"imuze-mock: cannot listen on {args.host}:{args.port}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    _banner(server, sys.stdout)
    print("Press Ctrl+C to stop.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after a clean stop
        uv_server.run(sockets=[sock])
    print("imuze-mock: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
