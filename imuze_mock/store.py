"""The mock's memory: accounts, tokens and songs, each capped so that a soak stays bounded."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from .catalog import Arrangement
from .config import Account
from .errors import ApiError
from .music import Rendered

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

    @property
    def size(self) -> int:
        """Bytes the song holds besides its render: its title, which a client chooses."""
        return len(self.title)

    def is_ready(self, now: float) -> bool:
        """Rendered, and the configured minimum processing time has passed."""
        return self.ready_at is not None and now >= self.ready_at


@dataclass
class _Eviction:
    """One song evicted, and the oldest 410 records forgotten to make room for its own."""

    song: Song
    forgotten: list[tuple[int, str]]


@dataclass
class Undo:
    """What a create changed besides adding its own entry, so that it can be undone exactly."""

    evicted_songs: list[_Eviction] = field(default_factory=list)
    evicted_tokens: list[tuple[str, tuple[Account, float]]] = field(default_factory=list)


class Store:
    """Accounts, tokens and songs; safe to use from the event loop and render threads."""

    def __init__(
        self,
        accounts: tuple[Account, ...],
        token_ttl: float,
        max_songs: int,
        max_audio_bytes: int,
        max_tokens: int = 100_000,
        issue_token: Callable[[], str] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._by_email = {a.email: a for a in accounts}
        self._by_key = {a.api_key: a for a in accounts if a.api_key}
        self._token_ttl = token_ttl
        self._tokens: OrderedDict[str, tuple[Account, float]] = OrderedDict()
        self._max_tokens = max(1, max_tokens)
        self._new_token = issue_token or (lambda: secrets.token_hex(16))
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

    def issue_token(self, account: Account) -> tuple[str, Undo]:
        """A fresh random token for ``account``, valid for the configured TTL, and how to
        take it back (``revoke``) as if it was never issued."""
        token = self._new_token()
        undo = Undo()
        with self._lock:
            self._tokens[token] = (account, time.monotonic() + self._token_ttl)
            while len(self._tokens) > self._max_tokens:
                undo.evicted_tokens.append(self._tokens.popitem(last=False))
        return token, undo

    def revoke(self, token: str, undo: Undo | None = None) -> None:
        """Forget a token; with its issue's ``undo``, bring back the tokens it evicted."""
        with self._lock:
            self._tokens.pop(token, None)
            for old, entry in reversed(undo.evicted_tokens if undo else []):
                self._tokens[old] = entry
                self._tokens.move_to_end(old, last=False)

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
    ) -> tuple[Song, Undo]:
        """Create a processing song, evicting the oldest ones beyond the caps (its title
        counts towards the bytes); the Undo lets ``discard`` take the creation back."""
        undo = Undo()
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
            self.audio_bytes += song.size
            while len(self._songs) > self._max_songs or (
                self.audio_bytes > self._max_audio_bytes and len(self._songs) > 1
            ):
                undo.evicted_songs.append(self._evict_oldest())
        return song, undo

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

    def discard(self, song_id: int, undo: Undo | None = None) -> None:
        """Forget a song as if it was never created (its creation was never acknowledged):
        with its creation's ``undo``, the songs it evicted come back and its id is reused."""
        with self._lock:
            song = self._songs.pop(song_id, None)
            if song is None:
                return
            self._forget(song)
            for eviction in reversed(undo.evicted_songs if undo else []):
                self._restore(eviction)
            if undo is not None and self._next_id == song.id + 1:
                self._next_id = song.id

    def snapshot(self) -> tuple[object, ...]:
        """Everything the store holds, as a comparable value (for tests of undoing)."""
        with self._lock:
            return (
                [(s.id, s.owner, s.title, s.ready_at, s.rendered) for s in self._songs.values()],
                {owner: list(songs) for owner, songs in self._by_owner.items()},
                list(self._gone.items()),
                list(self._tokens.items()),
                self._next_id,
                self.audio_bytes,
            )

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

    def _evict_oldest(self) -> _Eviction:
        _, song = self._songs.popitem(last=False)
        self._forget(song)
        self._gone[song.id] = song.owner
        forgotten = []
        while len(self._gone) > _GONE_MEMORY * self._max_songs:
            forgotten.append(self._gone.popitem(last=False))
        return _Eviction(song, forgotten)

    def _restore(self, eviction: _Eviction) -> None:
        """Undo one ``_evict_oldest``, step by step in reverse."""
        song = eviction.song
        for song_id, owner in reversed(eviction.forgotten):
            self._gone[song_id] = owner
            self._gone.move_to_end(song_id, last=False)
        self._gone.pop(song.id, None)
        self._songs[song.id] = song
        self._songs.move_to_end(song.id, last=False)
        owned = self._by_owner.setdefault(song.owner, {})
        self._by_owner[song.owner] = {song.id: song, **owned}
        self.audio_bytes += song.size + (song.rendered.size if song.rendered else 0)

    def _forget(self, song: Song) -> None:
        self._by_owner.get(song.owner, {}).pop(song.id, None)
        self.audio_bytes -= song.size
        if song.rendered is not None:
            self.audio_bytes -= song.rendered.size
