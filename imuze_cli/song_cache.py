"""Where `imuze play` keeps the songs it downloads: a per-user cache, one file per song.

The folder is platformdirs' user cache folder for "imuze": $XDG_CACHE_HOME/imuze (else
~/.cache/imuze; a relative $XDG_CACHE_HOME is ignored, as the XDG spec says) on Linux and
other Unixes, ~/Library/Caches/imuze on macOS, %LOCALAPPDATA%\\imuze\\Cache on Windows.
Files are written by the client's atomic download, so a file that exists is complete.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from platformdirs.api import PlatformDirsABC
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

_DIRS: dict[str, type[PlatformDirsABC]] = {"win32": Windows, "darwin": MacOS}
"""platformdirs' class per platform (any other: Unix); chosen here so a test can ask for each."""


def cache_root(platform: str = sys.platform) -> Path:
    """The per-user cache folder for imuze, from the environment."""
    dirs = _DIRS.get(platform, Unix)(appname="imuze", appauthor=False)
    return Path(dirs.user_cache_dir)


def song_path(base_url: str, song_id: int) -> Path:
    """The cached mp3 of song `song_id` of the API at `base_url`.

    Songs of different APIs (production, staging, a local mock) never share a file: the
    folder is named after a hash of the base URL.
    """
    api = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]
    return cache_root() / "songs" / api / f"{song_id}.mp3"
