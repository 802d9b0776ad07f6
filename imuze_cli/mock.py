"""``imuze-mock``: serve the mock (imuze_mock), or run a command against a mock that lives as
long as it.

The server loads inside ``main``, so that without the ``mock`` extra the command prints one
line naming it instead of an ImportError traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from imuze_ext.errors import MOCK_PACKAGES, requires_extra
from imuze_mock.config import EXEC_GRACE_SECONDS, MockConfig
from imuze_mock.dialects import DIALECTS

from .errors import EXIT_USAGE, Failed, Failure, UsageProblem, failure_of, report, wants_json

if TYPE_CHECKING:
    from imuze_mock.server import MockServer

_HELP = "see 'imuze-mock --help'"
SWITCH_INTERVAL = 0.0005

_EPILOG = """exec mode: imuze-mock [OPTIONS] -- CMD [ARGS...] starts the mock, runs CMD with
IMUZE_BASE_URL, IMUZE_EMAIL and IMUZE_PASSWORD set (and IMUZE_OTHER_EMAIL and
IMUZE_OTHER_PASSWORD for the second user; other inherited IMUZE_* credentials removed),
forwards SIGINT, SIGTERM and SIGHUP to CMD (killing it --grace seconds later if it still
runs), stops the mock once CMD exits and exits with CMD's code."""


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"must be an integer from 0 to 65535, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0, not {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, its usage errors reported as every imuze command line reports them."""

    def error(self, message: str) -> NoReturn:
        raise UsageProblem(message, hint=_HELP)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="imuze-mock", description="A stateful mock of the iMuze API v4.", epilog=_EPILOG
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument(
        "--port", type=_port, default=8000, help="port to listen on, 0-65535 (0: any free)"
    )
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
    parser.add_argument(
        "--grace",
        type=_seconds,
        default=EXEC_GRACE_SECONDS,
        metavar="S",
        help=f"exec mode: seconds CMD has to exit after a forwarded signal before it is "
        f"killed (default {EXEC_GRACE_SECONDS:g})",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request on stderr, in uvicorn's format "
        '(INFO:     127.0.0.1:50312 - "GET /api/4/songs HTTP/1.1" 200 OK)',
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


def _banner(server: MockServer, out: TextIO, removed: Sequence[str] = ()) -> None:
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
    if removed:
        lines.append(
            f"  environment    removed the inherited {', '.join(removed)}: the command gets "
            "the mock's credentials only"
        )
    print("\n".join(lines), file=out, flush=True)


def _exec(config: MockConfig, args: argparse.Namespace, command: Sequence[str]) -> int:
    from imuze_mock.supervisor import CommandNotStarted, run_command

    try:
        return run_command(
            config,
            command,
            host=args.host,
            port=args.port,
            access_log=args.access_log,
            grace=args.grace,
            on_ready=lambda server, removed: _banner(server, sys.stderr, removed),
        )
    except CommandNotStarted as not_started:
        message = f"cannot run {command[0]!r}: {not_started.error.strerror}"
        raise Failed(Failure("OSError", None, message, 127, "is it installed, on PATH?")) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imuze-mock`` and ``python -m imuze_cli.mock``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except Exception as exc:  # one error: line and a hint: line, never a traceback
        failure = failure_of(exc)
        report(failure, as_json=wants_json(argv))
        return failure.exit_code


def _main(argv: list[str]) -> int:
    command: list[str] | None = None
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    args = _parser().parse_args(argv)
    if command == []:  # `imuze-mock -- $CMD` with an empty $CMD: never serve forever
        raise UsageProblem("exec mode needs a command after --", hint=_HELP)
    with requires_extra("mock", "the imuze mock", MOCK_PACKAGES):
        from imuze_mock.server import make_server
    # The process is the mock's own: a large body parsed in a worker thread hands the GIL
    # back to the event loop every 0.5 ms rather than 5 ms, so small requests keep flowing.
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        config = _config(args)
        if command is not None:
            return _exec(config, args, command)
        server, uv_server, sock = make_server(
            config, args.host, args.port, access_log=args.access_log
        )
    except ValueError as error:  # a bad knob, e.g. --faults oops:1: as a usage error (exit 2)
        raise UsageProblem(str(error), hint=_HELP) from None
    except OSError as error:  # a set-up error, as a missing extra is: exit 2
        message = f"cannot listen on {args.host}:{args.port}: {error.strerror}"
        hint = "is another server on that port? pick another --port, or --port 0 for a free one"
        raise Failed(Failure("OSError", None, message, EXIT_USAGE, hint)) from None
    _banner(server, sys.stdout)
    print("Press Ctrl+C to stop.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after a clean stop
        uv_server.run(sockets=[sock])
    print("imuze-mock: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
