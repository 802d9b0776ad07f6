"""The mock's memory: accounts, tokens and songs, each capped so that a soak stays bounded."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from .catalog import Arrangement
from .config import Account
from .errors import ApiError
from .music import Rendered

MAX_TOKENS = 100_000
_GONE_MEMORY = 10  # remember this many evicted songs per kept song, to answer 410


@dataclass
class Song:
    """A song and its rendering progress."""

    id: int
    owner: str
    title: str
    arrangement: Arrangement
    mode: str
    length: int
    earliest_ready: float
    rendered: Rendered | None = field(default=None, repr=False)
    ready_at: float | None = None

    def is_ready(self, now: float) -> bool:
        """Rendered, and the configured minimum processing time has passed."""
        return self.ready_at is not None and now >= self.ready_at


class Store:
    """Accounts, tokens and songs; safe to use from the event loop and render threads."""

    def __init__(
        self, accounts: tuple[Account, ...], token_ttl: float, max_songs: int, max_audio_bytes: int
    ) -> None:
        self._lock = threading.Lock()
        self._by_email = {a.email: a for a in accounts}
        self._by_key = {a.api_key: a for a in accounts if a.api_key}
        self._token_ttl = token_ttl
        self._tokens: OrderedDict[str, tuple[Account, float]] = OrderedDict()
        self._max_songs = max(1, max_songs)
        self._max_audio_bytes = max_audio_bytes
        self._songs: OrderedDict[int, Song] = OrderedDict()
        self._by_owner: dict[str, dict[int, Song]] = {a.email: {} for a in accounts}
        self._gone: OrderedDict[int, str] = OrderedDict()
        self._next_id = 1
        self.audio_bytes = 0

    # Accounts and tokens

    def login(self, email: str, password: str) -> Account | None:
        """The account with these credentials, if any."""
        account = self._by_email.get(email)
        if account is None or not secrets.compare_digest(
            account.password.encode(), password.encode()
        ):
            return None
        return account

    def issue_token(self, account: Account) -> str:
        """A fresh random token for ``account``, valid for the configured TTL."""
        token = secrets.token_hex(16)
        with self._lock:
            self._tokens[token] = (account, time.monotonic() + self._token_ttl)
            while len(self._tokens) > MAX_TOKENS:
                self._tokens.popitem(last=False)
        return token

    def revoke(self, token: str) -> None:
        """Forget a token."""
        with self._lock:
            self._tokens.pop(token, None)

    def account_for(self, credential: str) -> Account | None:
        """The account a token or developer key belongs to; None if unknown or expired."""
        entry = self._tokens.get(credential)
        if entry is not None:
            account, expires = entry
            if time.monotonic() < expires:
                return account
            with self._lock:
                self._tokens.pop(credential, None)
            return None
        return self._by_key.get(credential)

    # Songs

    def add_song(
        self,
        owner: Account,
        title: str,
        arrangement: Arrangement,
        mode: str,
        length: int,
        delay: float,
    ) -> Song:
        """Create a processing song, evicting the oldest ones beyond the cap."""
        with self._lock:
            song = Song(
                self._next_id,
                owner.email,
                title,
                arrangement,
                mode,
                length,
                time.monotonic() + delay,
            )
            self._next_id += 1
            self._songs[song.id] = song
            self._by_owner.setdefault(owner.email, {})[song.id] = song
            while len(self._songs) > self._max_songs:
                self._evict_oldest()
        return song

    def finish(self, song_id: int, rendered: Rendered) -> None:
        """Store a render; the song turns ready once its minimum processing time is over."""
        with self._lock:
            song = self._songs.get(song_id)
            if song is None:
                return  # evicted or discarded while rendering
            song.rendered = rendered
            song.ready_at = max(time.monotonic(), song.earliest_ready)
            self.audio_bytes += rendered.size
            while self.audio_bytes > self._max_audio_bytes and len(self._songs) > 1:
                self._evict_oldest()

    def discard(self, song_id: int) -> None:
        """Forget a song as if it was never created (its creation was never acknowledged)."""
        with self._lock:
            song = self._songs.pop(song_id, None)
            if song is not None:
                self._forget(song)

    def song(self, owner: Account, song_id: int) -> Song:
        """The owner's song; 404 if unknown or someone else's, 410 if evicted."""
        song = self._songs.get(song_id)
        if song is not None and song.owner == owner.email:
            return song
        if self._gone.get(song_id) == owner.email:
            raise ApiError(410, f"song {song_id} has been removed", "id")
        raise ApiError(404, f"no song {song_id}", "id")

    def songs_of(self, owner: Account) -> list[Song]:
        """The owner's songs, oldest first."""
        with self._lock:
            return list(self._by_owner.get(owner.email, {}).values())

    def __len__(self) -> int:
        return len(self._songs)

    def _evict_oldest(self) -> None:
        _, song = self._songs.popitem(last=False)
        self._forget(song)
        self._gone[song.id] = song.owner
        while len(self._gone) > _GONE_MEMORY * self._max_songs:
            self._gone.popitem(last=False)

    def _forget(self, song: Song) -> None:
        self._by_owner.get(song.owner, {}).pop(song.id, None)
        if song.rendered is not None:
            self.audio_bytes -= song.rendered.size
