"""Serve the mock with a MockConfig given as JSON: `python bench/_serve.py '{"max_queue": 512}'`.

The same server as `imuze-mock`, for the knobs its CLI does not offer.
"""

from __future__ import annotations

import contextlib
import json
import sys

from imuze_mock import MockConfig
from imuze_mock.server import make_server


def main() -> None:
    config = MockConfig(**json.loads(sys.argv[1]))
    server, uv_server, sock = make_server(config, "127.0.0.1", 0)
    print(f"imuze-mock (bench): the iMuze API v4 at {server.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uv_server.run(sockets=[sock])


if __name__ == "__main__":
    main()
