"""`imuze play`: decode the mock's MP3 and play it through miniaudio's null backend (it
discards the sound in real time), so no sound card is ever needed. The no-device path
uses miniaudio's custom backend with no callbacks, which has no device on any OS."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import miniaudio
import pytest
from child_process import as_from_a_shell
from cli_helpers import CLEAN_ENV, json_error, logged_in_env, one_error_line, usage_error
from typer.testing import CliRunner

from imuze_cli import playback
from imuze_cli.app import app
from imuze_cli.song_cache import cache_root, song_path
from imuze_ext import Imuze
from imuze_mock import MockServer
from imuze_mock.catalog import BY_ID
from imuze_mock.music.render import render_song
from imuze_mock.music.synth import SAMPLE_RATE as MOCK_SAMPLE_RATE

LENGTH = 1  # seconds: the null backend plays in real time


@pytest.fixture
def song(imuze_mock_server: MockServer, tmp_path: Path) -> tuple[int, Path]:
    """A ready song of the live mock: its id and its mp3, downloaded by the client."""
    demo = imuze_mock_server.demo
    with Imuze(
        email=demo.email, password=demo.password, base_url=imuze_mock_server.base_url
    ) as api:
        created = api.songs.create(title="Night Drive", desired_length=LENGTH)
        ready = api.songs.wait(created, timeout=30)
        return ready.id, api.songs.download(ready, tmp_path / "song.mp3")


@pytest.fixture
def null_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI plays through the null backend."""
    monkeypatch.setattr(playback, "default_backends", lambda: [miniaudio.Backend.NULL])


@pytest.fixture
def no_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI finds no device: as on a server, but on every machine."""
    monkeypatch.setattr(playback, "default_backends", lambda: [miniaudio.Backend.CUSTOM])


@pytest.fixture
def runner(imuze_mock_server: MockServer, tmp_path: Path) -> CliRunner:
    return CliRunner(env=logged_in_env(imuze_mock_server, XDG_CACHE_HOME=str(tmp_path / "cache")))


def _null_device() -> playback.Device:
    return playback.open_device([miniaudio.Backend.NULL])


def test_the_mocks_mp3_decodes_to_its_desired_length(song: tuple[int, Path]) -> None:
    _, path = song
    info = playback.probe(path)
    assert (info.sample_rate, info.channels) == (MOCK_SAMPLE_RATE, 1)
    assert info.duration == pytest.approx(LENGTH, abs=0.15)
    decoded = miniaudio.decode_file(str(path), nchannels=1, sample_rate=info.sample_rate)
    assert decoded.num_frames == info.frames
    assert max(abs(sample) for sample in decoded.samples) > 1000  # music, not silence


def test_plays_to_the_end_through_the_null_backend(song: tuple[int, Path]) -> None:
    _, path = song
    ticks: list[float] = []
    played = playback.play(path, device_factory=_null_device, on_tick=ticks.append, tick=0.05)
    assert played == pytest.approx(playback.probe(path).duration, abs=0.01)
    assert len(ticks) > 3 and ticks == sorted(ticks) and ticks[-1] == played


class _Recording:
    """A null device that notes whether it was closed."""

    def __init__(self) -> None:
        self.device = _null_device()
        self.closed = False

    def start(self, callback_generator: Any) -> None:
        self.device.start(callback_generator)

    def close(self) -> None:
        self.closed = True
        self.device.close()


def test_ctrl_c_stops_and_closes_the_device(song: tuple[int, Path]) -> None:
    _, path = song
    device = _Recording()

    def ctrl_c(position: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        playback.play(path, device_factory=lambda: device, on_tick=ctrl_c)
    assert device.closed


def test_no_device_is_a_one_line_error() -> None:
    with pytest.raises(playback.NoAudioDeviceError) as caught:
        playback.open_device([miniaudio.Backend.CUSTOM])
    assert str(caught.value) == "no audio output device (tried custom): cannot init context"


def test_a_file_that_is_not_audio_is_aplayback_error(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp3"
    fake.write_text("not an mp3")
    with pytest.raises(playback.PlaybackError, match="cannot decode"):
        playback.probe(fake)


@pytest.mark.usefixtures("null_output")
def test_play_an_id_downloads_to_the_cache_once(
    runner: CliRunner,
    song: tuple[int, Path],
    imuze_mock_server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    song_id, downloaded = song
    first = runner.invoke(app, ["play", str(song_id), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    cached = Path(data["path"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert cached == song_path(imuze_mock_server.base_url, song_id)
    assert cached.is_relative_to(tmp_path / "cache" / "imuze")
    assert cached.read_bytes() == downloaded.read_bytes()
    assert data["duration"] > 0
    assert data["played"] == pytest.approx(data["duration"], abs=0.01)
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no partial file left
    # The cached copy plays with no credentials at all: no call is made.
    offline = runner.invoke(
        app,
        ["play", str(song_id), "--json"],
        env={"IMUZE_EMAIL": None, "IMUZE_PASSWORD": None},
    )
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.stdout)["path"] == str(cached)


@pytest.mark.usefixtures("null_output")
def test_play_a_file_shows_progress_with_the_duration(
    runner: CliRunner, song: tuple[int, Path]
) -> None:
    _, path = song
    result = runner.invoke(app, ["play", str(path)])
    assert result.exit_code == 0, result.output
    assert "Playing song.mp3" in result.stderr and "0:01 / 0:01" in result.stderr
    assert result.stdout == ""


@pytest.mark.usefixtures("null_output")
def test_ctrl_c_in_the_cli_says_where_it_stopped(
    runner: CliRunner, song: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = song
    real_play = playback.play

    def play_then_ctrl_c(path: Path, *, on_tick: playback.Tick, **kwargs: Any) -> float:
        def tick(position: float) -> None:
            on_tick(position)
            if position > 0:
                raise KeyboardInterrupt

        return real_play(path, on_tick=tick, **kwargs)

    monkeypatch.setattr(playback, "play", play_then_ctrl_c)
    result = runner.invoke(app, ["play", str(path)])
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "Stopped at 0:00 / 0:01"
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("null_output")
def test_compose_play_plays_when_ready(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["compose", "--title", "Low Tide", "--length", "1", "--out", str(tmp_path), "--play"],
    )
    assert result.exit_code == 0, result.output
    assert "Saved " in result.stdout
    assert "Playing “Low Tide”" in result.stderr


@pytest.mark.usefixtures("no_device")
def test_no_device_fails_before_any_call() -> None:
    """No credentials and no API are needed to learn that there is nothing to play on."""
    result = CliRunner(env=CLEAN_ENV).invoke(app, ["play", "7"])
    assert result.exit_code == 1
    assert one_error_line(result.output) == (
        "error: no audio output device (tried custom): cannot init context"
    )
    as_json = CliRunner(env=CLEAN_ENV).invoke(app, ["play", "7", "--json"])
    assert json_error(as_json.stderr)["type"] == "NoAudioDeviceError"


@pytest.mark.usefixtures("no_device")
def test_compose_play_without_a_device_creates_no_song(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compose", "--title", "Low Tide", "--length", "1", "--play"])
    assert result.exit_code == 1
    assert "no audio output device" in one_error_line(result.output)
    assert json.loads(runner.invoke(app, ["songs", "list", "--json"]).stdout)["count"] == 0


@pytest.fixture
def without_the_extra(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "miniaudio", None)  # import miniaudio: ImportError
    yield


@pytest.mark.usefixtures("without_the_extra")
@pytest.mark.parametrize("args", [["play", "7"], ["compose", "--title", "Abc", "--play"]])
def test_without_the_play_extra_names_it(args: list[str]) -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(app, args)
    assert result.exit_code == 2
    error, hint = usage_error(result.output)
    assert error == (
        "error: playback needs the 'play' extra (miniaudio is not installed): "
        "pip install 'imuze[play]'"
    )
    assert hint == "hint: 'imuze songs download ID' saves the mp3 for any player"


def test_play_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(app, ["play", str(tmp_path / "nope.mp3")])
    assert result.exit_code == 2
    assert "is neither a song id nor an audio file" in usage_error(result.output)[0]


@pytest.mark.usefixtures("null_output")
def test_play_of_a_file_that_is_not_audio_is_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "notes.txt"
    fake.write_text("la la la")
    result = CliRunner(env=CLEAN_ENV).invoke(app, ["play", str(fake)])
    assert result.exit_code == 1
    assert "cannot decode" in one_error_line(result.output)


def test_the_cache_follows_each_platforms_convention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ann")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_root("linux") == Path("/home/ann/.cache/imuze")
    assert cache_root("darwin") == Path("/home/ann/Library/Caches/imuze")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert cache_root("linux") == Path("/xdg/imuze")
    monkeypatch.setenv("XDG_CACHE_HOME", "rel")  # relative: invalid, ignored (the XDG spec)
    assert cache_root("linux") == Path("/home/ann/.cache/imuze")
    # platformdirs asks Windows for %LOCALAPPDATA%; off Windows, its documented override stands in
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", "C:\\Users\\ann\\AppData\\Local")
    local = Path("C:\\Users\\ann\\AppData\\Local")
    assert cache_root("win32") == local / "imuze" / "Cache"


def test_the_cache_keys_songs_by_api_and_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    a1 = song_path("http://a.test/api/4", 1)
    assert a1 == song_path("http://a.test/api/4/", 1)
    assert a1 != song_path("http://b.test/api/4", 1)
    assert a1.parent == song_path("http://a.test/api/4", 2).parent
    assert a1.name == "1.mp3" and a1.is_relative_to("/xdg/imuze/songs")


def test_the_cli_does_not_import_miniaudio_until_it_plays() -> None:
    """The play extra is optional: `imuze --help` and every other command run without it."""
    code = "import sys, imuze_cli.app; assert 'miniaudio' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


_PLAY_WITH_NULL_OUTPUT = """
import sys, miniaudio
from imuze_cli import app, playback

real_play = playback.play

def play(path, *, on_tick, **kwargs):
    def tick(position):
        on_tick(position)
        print("playing", flush=True)
    return real_play(path, on_tick=tick, **kwargs)

playback.default_backends = lambda: [miniaudio.Backend.NULL]
playback.play = play
sys.argv = ["imuze", "play", sys.argv[1]]
app.main()
"""


def test_a_real_ctrl_c_stops_the_sound_and_exits_130(tmp_path: Path) -> None:
    """SIGINT to a real `imuze play` process while it plays (null output, a 5 s song)."""
    path = tmp_path / "long.mp3"
    path.write_bytes(render_song("Long Night", BY_ID[1].style, 5).mp3)
    process = subprocess.Popen(
        [sys.executable, "-c", _PLAY_WITH_NULL_OUTPUT, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_from_a_shell,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "playing\n"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("Stopped at 0:0"), stderr
    assert stderr.splitlines()[-1].endswith(" / 0:05"), stderr
    assert "Traceback" not in stderr
