"""Play an audio file on the default output device with miniaudio (the `play` extra).

miniaudio decodes MP3 (also FLAC, Vorbis, WAV) and plays through the platform's audio API
(WASAPI, Core Audio, PulseAudio, ALSA, ...). It is imported on first use only, so that
`import imuze` and the CLI work without it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from imuze_ext._config import logger
from imuze_ext.errors import ImuzeError

PLAY_PACKAGES = frozenset({"miniaudio", "cffi", "_cffi_backend"})
"""The top-level modules the `play` extra installs."""

SAMPLE_RATE = 44100
CHANNELS = 2
"""The device's format; the decoder converts every file to it (mono 22 kHz included)."""

BUFFER_MSEC = 200
"""miniaudio's default period: the audio still queued when the decoder runs dry."""

STALL_SECONDS = 5.0
"""A device that asks for no audio this long has stopped (unplugged, suspended)."""


class PlaybackError(ImuzeError):
    """A file could not be decoded or played."""


class NoAudioDeviceError(PlaybackError):
    """No audio output device could be opened: CI, servers, containers, no sound card."""


class Device(Protocol):
    """What playback needs of a miniaudio PlaybackDevice."""

    def start(self, callback_generator: Generator[Any, int, None]) -> None: ...

    def close(self) -> None: ...


DeviceFactory = Callable[[], Device]
Tick = Callable[[float], None]
"""Called with the position in seconds while playing."""


@dataclass(frozen=True)
class AudioInfo:
    """An audio file's decoded length and format."""

    frames: int
    sample_rate: int
    channels: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate


def load() -> ModuleType:
    """The miniaudio module; ImportError when the `play` extra is not installed."""
    return importlib.import_module("miniaudio")


def probe(path: Path) -> AudioInfo:
    """Decode `path`'s headers and frame count; PlaybackError if it is no audio we can play."""
    miniaudio = load()
    try:
        info = miniaudio.get_file_info(os.fspath(path))
    except miniaudio.DecodeError as exc:
        raise PlaybackError(
            f"cannot decode {path} as MP3, FLAC, Vorbis or WAV audio ({exc})"
        ) from None
    return AudioInfo(info.num_frames, info.sample_rate, info.nchannels)


def default_backends() -> list[Any]:
    """Every real audio backend miniaudio has here, in its order of preference.

    The null backend (which discards the sound) is left out: miniaudio would otherwise
    fall back to it silently and "play" on a machine with no sound card.
    """
    miniaudio = load()
    fake = {miniaudio.Backend.NULL, miniaudio.Backend.CUSTOM}
    return sorted(set(miniaudio.get_enabled_backends()) - fake, key=lambda b: b.value)


def open_device(backends: Sequence[Any] | None = None) -> Device:
    """Open the default output device of the first backend that has one.

    NoAudioDeviceError when none does. The native libraries' own chatter on stderr while
    probing (ALSA prints a dozen lines on a machine without a sound card) is logged at
    debug level instead, so the CLI keeps to its one line.
    """
    miniaudio = load()
    tried = list(default_backends() if backends is None else backends)
    names = ", ".join(b.name.lower() for b in tried) or "none"
    if not tried:
        raise NoAudioDeviceError("no audio output device: miniaudio has no audio backend here")
    try:
        with _native_stderr_to_log():
            device: Device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=CHANNELS,
                sample_rate=SAMPLE_RATE,
                buffersize_msec=BUFFER_MSEC,
                backends=tried,
                app_name="imuze",
            )
    except miniaudio.MiniaudioError as exc:
        reason = exc.args[0] if exc.args else type(exc).__name__
        raise NoAudioDeviceError(f"no audio output device (tried {names}): {reason}") from None
    return device


@contextlib.contextmanager
def _native_stderr_to_log() -> Iterator[None]:
    """Send what C code writes to file descriptor 2 to the debug log, for the block."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded, closed): nothing to protect
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said = sink.read().decode(errors="replace").strip()
            if said:
                logger.debug("audio backends said: %s", said)


class Playback:
    """Streams a decoded file into a started device; `position` is in seconds."""

    def __init__(self, path: Path) -> None:
        miniaudio = load()
        self.frames_fed: int = 0
        self.finished: threading.Event = threading.Event()
        self.error: BaseException | None = None
        try:
            self._stream = miniaudio.stream_file(
                os.fspath(path),
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=CHANNELS,
                sample_rate=SAMPLE_RATE,
            )
        except miniaudio.DecodeError as exc:
            raise PlaybackError(f"cannot decode {path} ({exc})") from None

    @property
    def position(self) -> float:
        """Seconds of audio handed to the device so far."""
        return self.frames_fed / SAMPLE_RATE

    def feed(self) -> Generator[Any, int, None]:
        """The device's callback generator: sent a frame count, yields that many frames."""
        wanted = yield b""
        while True:
            try:
                chunk = self._stream.send(wanted)
            except StopIteration:
                self.finished.set()
                return
            except Exception as exc:  # raised in the audio thread: hand it to play()
                self.error = exc
                self.finished.set()
                return
            self.frames_fed += len(chunk) // CHANNELS
            wanted = yield chunk

    def close(self) -> None:
        """Release the decoder."""
        self._stream.close()


def play(
    path: Path,
    *,
    device_factory: DeviceFactory | None = None,
    on_tick: Tick | None = None,
    tick: float = 0.1,
) -> float:
    """Play `path` to the end; return the seconds played.

    `on_tick(position)` is called from this thread every `tick` seconds. Ctrl-C
    (KeyboardInterrupt) stops the sound at once: the device is closed before it propagates.
    """
    playback = Playback(path)
    try:
        device = (device_factory or open_device)()
        try:
            feed = playback.feed()
            next(feed)
            device.start(feed)
            _wait(playback, on_tick, tick)
            time.sleep(BUFFER_MSEC / 1000)  # let the last queued period reach the speakers
        finally:
            device.close()
    finally:
        playback.close()
    if playback.error is not None:
        raise PlaybackError(f"playing {path} failed: {playback.error}") from playback.error
    if on_tick is not None:
        on_tick(playback.position)
    return playback.position


def _wait(playback: Playback, on_tick: Tick | None, tick: float) -> None:
    fed, moved = playback.frames_fed, time.monotonic()
    while not playback.finished.wait(tick):
        if on_tick is not None:
            on_tick(playback.position)
        if playback.frames_fed != fed:
            fed, moved = playback.frames_fed, time.monotonic()
        elif time.monotonic() - moved > STALL_SECONDS:
            raise PlaybackError("the audio device stopped asking for sound")
