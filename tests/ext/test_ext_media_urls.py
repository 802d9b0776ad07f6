"""Media URLs resolve per RFC 3986 against the API base URL, in the models handed to users,
downloads, compose, wait_all and the CLI; credentials only go to the API's origin."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from deviant import (
    Layers,
    fixed,
    layered,
    path_absolute,
    protocol_relative,
    relative,
    serve,
)
from ext_helpers import API, Recorder, created_json, song_json
from hypothesis import given, settings
from hypothesis import strategies as st
from imuze_client.models import Song
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_ext import AsyncImuze, Imuze, ResponseValidationError
from imuze_ext._responses import packaged_spec
from imuze_ext._tolerance import (
    LIST_ITEMS,
    MEDIA_FIELDS,
    DeviationKind,
    UrlForm,
    resolve_url,
    url_form,
)
from imuze_mock import DEMO, MockConfig

BASE = "https://api.imuze.io/api/4/"
FORMS = {
    "protocol-relative": protocol_relative,
    "path-absolute": path_absolute,
    "relative": relative,
}
MP3_MAGIC = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xe3")


@pytest.mark.parametrize(
    ("reference", "form", "resolved"),
    [
        ("https://cdn.imuze.io/m/5.mp3", UrlForm.ABSOLUTE, "https://cdn.imuze.io/m/5.mp3"),
        ("//cdn.imuze.io/m/5.mp3", UrlForm.PROTOCOL_RELATIVE, "https://cdn.imuze.io/m/5.mp3"),
        ("/media/5.mp3", UrlForm.PATH_ABSOLUTE, "https://api.imuze.io/media/5.mp3"),
        ("songs/5/audio.mp3", UrlForm.RELATIVE, "https://api.imuze.io/api/4/songs/5/audio.mp3"),
        ("../media/5.mp3", UrlForm.RELATIVE, "https://api.imuze.io/api/media/5.mp3"),
        ("/media/5.mp3?sig=abc", UrlForm.PATH_ABSOLUTE, "https://api.imuze.io/media/5.mp3?sig=abc"),
    ],
)
def test_references_resolve_per_rfc_3986(reference: str, form: UrlForm, resolved: str) -> None:
    assert url_form(reference) is form
    assert resolve_url(BASE, reference) == resolved


@pytest.mark.parametrize(
    "reference",
    [
        "ftp://cdn.imuze.io/5.mp3",
        "javascript:alert(1)",
        "//",
        "///x",
        "http://[::1",
        "//[zz]/x",
        "//h:99999/x",
        "/media/a b.mp3",
        "/media\\5.mp3",
    ],
)
def test_what_resolves_to_no_http_url_is_refused(reference: str) -> None:
    assert resolve_url(BASE, reference) is None


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text().map(lambda t: "//" + t),
        st.text().map(lambda t: "/" + t),
        st.text().map(lambda t: "http://" + t),
    )
)
def test_resolving_any_text_gives_a_url_or_none_never_a_stray_exception(reference: str) -> None:
    resolved = resolve_url(BASE, reference)
    if resolved is not None:
        parts = urlsplit(resolved)
        assert parts.scheme.lower() in ("http", "https") and parts.hostname


def test_the_media_fields_table_covers_every_url_of_the_spec() -> None:
    schemas = packaged_spec()["components"]["schemas"]
    urls = {
        (name, prop)
        for name, schema in schemas.items()
        for prop in schema.get("properties", {})
        if prop.endswith("_url") or prop == "mp3"
    }
    assert urls == {(name, prop) for name, props in MEDIA_FIELDS.items() for prop in props}
    for listing, item in LIST_ITEMS.items():
        assert schemas[listing]["properties"]["response"]["items"]["$ref"].endswith("/" + item)


@pytest.fixture(params=sorted(FORMS))
def form(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def media_api(form: str) -> Iterator[str]:
    """The real mock, answering its media URLs in the given form."""
    with serve(layered(MockConfig(render_delay=0.05), Layers(media=FORMS[form]))) as origin:
        yield f"{origin}/api/4"


def _is_mp3(path: Path) -> bool:
    return path.stat().st_size > 1000 and path.read_bytes().startswith(MP3_MAGIC)


def test_models_carry_resolved_urls_and_downloads_work(
    form: str, media_api: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    songs = f"{media_api}/songs"
    with Imuze(api_key=DEMO.api_key, base_url=media_api) as api:
        created = api.songs.create(title="Night Drive", desired_length=1)
        assert created.mp3 == f"{songs}/{created.id}/audio.mp3"
        assert created.timeline_url == f"{songs}/{created.id}/timeline.json"
        song = api.songs.wait(created, timeout=30, interval=0.05)
        assert song.mp3_url == f"{songs}/{song.id}/audio.mp3"
        assert song.timeline_url == f"{songs}/{song.id}/timeline.json"
        [summary] = api.songs.wait_all([created], timeout=30, interval=0.05)
        assert summary.mp3_url == song.mp3_url
        assert _is_mp3(api.songs.download(summary, tmp_path / "from-list.mp3"))
        assert _is_mp3(api.songs.download(song.id, tmp_path / "by-id.mp3"))
        assert _is_mp3(
            api.songs.compose(title="Morning Bay", desired_length=1, dest=tmp_path / "c.mp3")
        )
        timeline = api._http.get(song.timeline_url)  # usable as is, with the client's auth
        assert timeline.status_code == 200 and "notes" in timeline.json()
    logged = [r.getMessage() for r in caplog.records if r.name == "imuze_ext"]
    assert all(f"a {form} " in m and "the spec documents absolute URLs" in m for m in logged), (
        logged
    )
    operations = {m.split(": ", 1)[1].split(" ", 1)[0] for m in logged}
    assert operations == {"createSong", "getSong", "listSongs"}
    assert len(logged) == 3  # once per operation, however many answers


async def test_async_resolves_them_too(media_api: str, tmp_path: Path) -> None:
    async with AsyncImuze(api_key=DEMO.api_key, base_url=media_api) as api:
        path = await api.songs.compose(title="Night Drive", desired_length=1, dest=tmp_path)
        assert _is_mp3(path)
        [summary] = await api.songs.wait_all([int(path.stem.rsplit("-", 1)[1])], timeout=30)
        assert summary.mp3_url is not None and summary.mp3_url.startswith("http://")


def test_the_cli_composes_and_shows_absolute_urls(media_api: str, tmp_path: Path) -> None:
    runner = CliRunner(
        env={"IMUZE_BASE_URL": media_api, "IMUZE_API_KEY": DEMO.api_key, "IMUZE_LOG": None}
    )
    composed = runner.invoke(
        app,
        ["compose", "--title", "Night Drive", "--length", "1", "--out", str(tmp_path), "--json"],
    )
    assert composed.exit_code == 0, composed.output
    saved = json.loads(composed.stdout)
    assert _is_mp3(Path(saved["path"]))
    assert saved["song"]["mp3_url"] == f"{media_api}/songs/{saved['song']['id']}/audio.mp3"
    shown = runner.invoke(app, ["songs", "show", str(saved["song"]["id"])])
    assert f"{media_api}/songs/{saved['song']['id']}/audio.mp3" in shown.stdout


def test_strict_mode_names_a_relative_media_url(form: str, media_api: str) -> None:
    with Imuze(api_key=DEMO.api_key, base_url=media_api, strict=True) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.create(title="Night Drive", desired_length=1)
    assert caught.value.deviation is not None
    assert caught.value.deviation.kind is DeviationKind.RELATIVE_MEDIA_URL
    shown = FORMS[form](f"{media_api}/songs/1/audio.mp3")
    assert f"createSong answered a {form} mp3 ({shown})" in str(caught.value)
    assert "the spec documents absolute URLs (strict mode)" in str(caught.value)


class _MediaHost:
    """Another origin serving an mp3, recording the headers it was sent."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.app = fixed(200, b"ID3" + bytes(4000), "audio/mpeg", record=self.requests)

    def authorizations(self) -> list[bytes]:
        return [v for r in self.requests for k, v in r["headers"] if k == b"authorization"]


@pytest.mark.parametrize(
    "media_form",
    [lambda host: f"//{host}/media/1.mp3", lambda host: f"http://{host}/media/1.mp3"],
    ids=["protocol-relative", "absolute"],
)
@pytest.mark.parametrize("login", [False, True])
def test_credentials_never_go_to_another_origin(
    media_form: Callable[[str], str], login: bool, tmp_path: Path
) -> None:
    media = _MediaHost()
    with serve(media.app, host="127.0.0.1") as media_origin:
        host = media_origin.removeprefix("http://")
        layers = Layers(media=lambda url: media_form(host))
        with serve(layered(MockConfig(render_delay=0.05), layers)) as origin:
            credentials: dict[str, Any] = (
                {"email": DEMO.email, "password": DEMO.password}
                if login
                else {"api_key": DEMO.api_key}
            )
            with Imuze(base_url=f"{origin}/api/4", **credentials) as api:
                song = api.songs.wait(
                    api.songs.create(title="Night Drive", desired_length=1), timeout=30
                )
                assert song.mp3_url == f"{media_origin}/media/1.mp3"
                assert api.songs.download(song, tmp_path / "x.mp3").stat().st_size == 4003
    assert len(media.requests) == 1
    assert media.authorizations() == []


@pytest.mark.parametrize(
    "bad", ["ftp://cdn.imuze.io/5.mp3", "javascript:alert(1)", "//", "mailto:someone@imuze.io"]
)
@pytest.mark.parametrize("strict", [False, True])
def test_an_unresolvable_media_url_is_a_response_validation_error(bad: str, strict: bool) -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=song_json(1, mp3_url=bad)))
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), strict=strict) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.get(1)
    assert "/mp3_url is not a URL that resolves to http(s)" in str(caught.value)
    assert caught.value.deviation is None


def test_a_logged_media_url_never_shows_its_query(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    signed = "/media/1.mp3?X-Signature=s3cr3t-signature"
    rec = Recorder(lambda r: httpx.Response(201, json=created_json(1, mp3=signed)))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        created = api.songs.create(title="Night Drive", desired_length=1)
    assert created.mp3 == "http://api.test/media/1.mp3?X-Signature=s3cr3t-signature"
    assert "/media/1.mp3?…" in caplog.text
    assert "s3cr3t" not in caplog.text


def test_arrangement_images_resolve_too() -> None:
    body = {"id": 1, "description": "d", "image_url": "/images/1.png", "genre_list": []}
    rec = Recorder(lambda r: httpx.Response(200, json=body))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        assert api.arrangements.get(1).image_url == "http://api.test/images/1.png"


def test_a_download_of_a_hand_made_model_resolves_its_url(tmp_path: Path) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url == "http://api.test/media/3.mp3"
        assert request.headers["Authorization"] == "k"
        return httpx.Response(200, content=b"ID3-bytes")

    rec = Recorder(handle)
    model = Song.from_dict({**song_json(3), "mp3_url": "/media/3.mp3"})
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        assert api.songs.download(model, tmp_path / "x.mp3").read_bytes() == b"ID3-bytes"


@pytest.mark.parametrize("url", ["//xn--/x.mp3", "http://[::1/x.mp3", "/media/a b.mp3"])
def test_a_hand_made_model_with_no_usable_url_is_a_typed_error(url: str, tmp_path: Path) -> None:
    model = Song.from_dict({**song_json(3), "mp3_url": url})
    rec = Recorder(lambda r: httpx.Response(500))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(ResponseValidationError, match="the media URL"):
            api.songs.download(model, tmp_path / "x.mp3")
    assert rec.requests == [] and list(tmp_path.iterdir()) == []
