"""Where `imuze play` keeps the songs it downloads: a per-user cache, one file per song.

The folder follows each platform's convention, as platformdirs' user_cache_dir does:
$XDG_CACHE_HOME/imuze (else ~/.cache/imuze) on Linux and other Unixes,
~/Library/Caches/imuze on macOS, %LOCALAPPDATA%\\imuze\\Cache on Windows.
Files are written by the client's atomic download, so a file that exists is complete.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path


def cache_root(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> Path:
    """The per-user cache folder for imuze."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "imuze" / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / "imuze"
    xdg = env.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative value is invalid and must be ignored.
    return (Path(xdg) if os.path.isabs(xdg) else home / ".cache") / "imuze"


def song_path(base_url: str, song_id: int, env: Mapping[str, str] | None = None) -> Path:
    """The cached mp3 of song `song_id` of the API at `base_url`.

    Songs of different APIs (production, staging, a local mock) never share a file: the
    folder is named after a hash of the base URL.
    """
    api = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]
    return cache_root(env) / "songs" / api / f"{song_id}.mp3"
