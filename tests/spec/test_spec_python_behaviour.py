"""The behaviour verdict: what each generated operation module does, read with `ast`, and the
Python findings when it changes without a signature showing it. Also field renames and the
string-key uses of a JSON property in the blast radius.

One test generates (the issue's two edits in one spec); the rest read sources or snapshots.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import yaml

from imuze_spec._behaviour import Behaviour, read, read_all
from imuze_spec._compare import compare
from imuze_spec._snapshot import Field, Snapshot
from imuze_spec._usage import scan
from imuze_spec.python_api import python_findings

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
GET_SONG = "imuze_client.api.songs.get_song"
SONG = "imuze_client.models.song_created.SongCreated"

FORM_SOURCE = textwrap.dedent(
    """
    def _get_kwargs(*, body, page_size=UNSET, x_trace=UNSET):
        headers = {}
        if not isinstance(x_trace, Unset):
            headers["X-Trace"] = x_trace
        params = {}
        params["pageSize"] = page_size
        _kwargs = {"method": "post", "url": "/songs"}
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        _kwargs["params"] = params
        _kwargs["headers"] = headers
        return _kwargs

    def _parse_response(*, client, response):
        if response.status_code == 201:
            return None
        if response.status_code == 422:
            return None
    """
)


def test_the_generated_modules_are_read_as_they_are() -> None:
    found = read_all(ROOT / "generated")
    get_song, create_song = found[GET_SONG], found["imuze_client.api.songs.create_song"]
    assert (get_song.method, get_song.path, get_song.success) == ("GET", "/songs/{id}", {200})
    assert {404, 410} <= get_song.errors
    assert create_song.media == {"json:application/json"}
    assert read("def helper():\n    return 1\n") is None


def test_a_form_body_and_wire_names_are_read() -> None:
    behaviour = read(FORM_SOURCE)
    assert behaviour is not None
    assert behaviour.media == {"data:application/x-www-form-urlencoded"}
    assert behaviour.wire == {("header", "x_trace"): "X-Trace", ("query", "page_size"): "pageSize"}
    assert (behaviour.success, behaviour.errors) == ({201}, {422})


def _behaviour_ids(old: Behaviour, new: Behaviour) -> list[tuple[str, str, str]]:
    snap = Snapshot(operations={GET_SONG: ("GET", "/songs/{id}")})
    changes = compare(
        snap,
        snap,
        [],
        {GET_SONG: "getSong"},
        {GET_SONG: "getSong"},
        behaviours=({GET_SONG: old}, {GET_SONG: new}),
    )
    return sorted((c.finding.level.name, c.finding.id, c.finding.operation) for c in changes)


def test_every_behaviour_change_is_a_python_finding() -> None:
    old = Behaviour(
        "GET",
        "/songs/{id}",
        frozenset({200, 404}),
        frozenset({"json:application/json"}),
        {("query", "page_size"): "pageSize"},
    )
    new = Behaviour(
        "PUT",
        "/tracks/{id}",
        frozenset({203, 410}),
        frozenset({"data:text/plain"}),
        {("query", "page_size"): "page_size"},
    )
    assert _behaviour_ids(old, new) == [
        ("ERR", "python-operation-method-changed", "getSong"),
        ("ERR", "python-operation-path-changed", "getSong"),
        ("ERR", "python-parameter-wire-name-changed", "getSong"),
        ("ERR", "python-request-media-type-changed", "getSong"),
        ("ERR", "python-success-status-dropped", "getSong"),
        ("INFO", "python-error-status-parsed", "getSong"),
        ("INFO", "python-success-status-parsed", "getSong"),
        ("WARN", "python-error-status-dropped", "getSong"),
    ]


def test_a_renamed_path_parameter_is_no_behaviour_change() -> None:
    old = Behaviour("GET", "/songs/{id}", frozenset({200}), wire={("path", "id"): "id"})
    new = Behaviour("GET", "/songs/{song_id}", frozenset({200}), wire={("path", "id"): "song_id"})
    assert _behaviour_ids(old, new) == []


def test_a_field_renamed_with_its_json_name_is_one_finding_keyed_by_both_names(
    tmp_path: Path,
) -> None:
    old = Snapshot(models={SONG: (Field("mp3", "mp3", "str", True, "mp3"),)}, received={SONG})
    new = Snapshot(
        models={SONG: (Field("mp3_url", "mp3_url", "str", True, "mp3_url"),)}, received={SONG}
    )
    (change,) = compare(old, new, [], {}, {})
    assert (change.finding.level.name, change.finding.id) == ("ERR", "python-model-field-renamed")
    assert "'mp3' -> 'mp3_url'" in change.finding.message
    # the mock keys dicts by the JSON name: subscripts, dict literals, .get and tables of
    # names are uses; a tuple that is not all strings is not a table of names
    user = tmp_path / "user"
    user.mkdir()
    (user / "handlers.py").write_text(
        'MEDIA = ("mp3", "timeline_url")\n'
        'LABELS = ("mp3", 1)\n'
        "def answer(song, body):\n"
        '    out = {"mp3": song.url}\n'
        '    out["mp3"] = body.get("mp3")\n'
        '    return out.pop("mp3", None), body["title"]\n',
        encoding="utf-8",
    )
    uses = scan(old, dirs=[user])
    assert uses.of(change.keys) == tuple(f"user/handlers.py:{line}" for line in (1, 4, 5, 6))


def test_the_issue_behaviour_edits_are_python_findings(tmp_path: Path) -> None:
    """getSong's success 200 -> 203 and createSong's body JSON -> form change no signature."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    edited = copy.deepcopy(doc)
    responses = edited["paths"]["/songs/{id}"]["get"]["responses"]
    responses["203"] = responses.pop("200")
    content = edited["paths"]["/songs"]["post"]["requestBody"]["content"]
    content["application/x-www-form-urlencoded"] = content.pop("application/json")
    new = tmp_path / "openapi.yaml"
    new.write_text(yaml.safe_dump(edited, sort_keys=False), encoding="utf-8")

    found = {(f.level.name, f.id, f.operation): f for f in python_findings(SPEC, new)}

    dropped = found[("ERR", "python-success-status-dropped", "getSong")]
    assert "no longer parses 200" in dropped.message
    assert any(u.startswith("imuze_ext/resources.py:") for u in dropped.used_by)
    assert ("INFO", "python-success-status-parsed", "getSong") in found
    encoded = found[("ERR", "python-request-media-type-changed", "createSong")]
    assert "form-encoded" in encoded.message and "JSON" in encoded.message
