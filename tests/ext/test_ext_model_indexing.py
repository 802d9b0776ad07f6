"""The `song["title"]` trap is closed in the generator's template, not by hand edits:
generated models have no item access, and extra fields stay in `additional_properties`.
The same template gives every field a redacting repr (no credential, no URL signature)."""

from __future__ import annotations

import inspect
from pathlib import Path

import imuze_client.models
import openapi_python_client
import pytest
from ext_helpers import song_json
from imuze_client.models import Song, TokenCredentials, TokenRequest, TokenResponse

ROOT = Path(__file__).parents[2]
OURS = ROOT / "spec" / "templates" / "model.py.jinja"
PACKAGED = Path(openapi_python_client.__file__).parent / "templates" / "model.py.jinja"
ITEM_ACCESS = """
    def __getitem__(self, key: str) -> {{ additional_property_type }}:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: {{ additional_property_type }}) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
"""
DECLARATION = "{{ property.to_string() | as_unembedded_code }}\n"
EXTRAS = "_attrs_field(init=False, factory=dict)"
REDACTING_REPR = [
    # (the packaged text, ours): each a change the header of our template names
    ("from collections.abc import Mapping\n", "from collections.abc import Callable, Mapping\n"),
    (DECLARATION, "{{ redacted_field(property) }}\n"),
    (EXTRAS, '_attrs_field(init=False, factory=dict, repr=_repr_of("additional_properties"))'),
]
MODELS = [
    cls
    for _, cls in inspect.getmembers(imuze_client.models, inspect.isclass)
    if "additional_properties" in getattr(cls, "__annotations__", {})
]


def test_our_template_is_the_pinned_one_minus_item_access_only() -> None:
    packaged = PACKAGED.read_text()
    assert packaged.count(ITEM_ACCESS) == 1, "the generator's template changed: re-derive ours"
    ours = OURS.read_text()
    header_end = ours.index("-#}\n") + len("-#}\n")
    expected = packaged.replace(ITEM_ACCESS, "")
    for theirs, mine in REDACTING_REPR:
        assert packaged.count(theirs) in (1, 2), f"the generator's template changed: {theirs!r}"
        expected = expected.replace(theirs, mine)
    # Besides: the macro and the function the redacting repr adds, before the class.
    added = ours[ours.index("{% macro redacted_field(property) %}") : ours.index("@_attrs_define")]
    assert ours[header_end:].replace(added, "") == expected


def test_a_model_repr_shows_no_credential() -> None:
    signed = "https://cdn.test/42.mp3?X-Amz-Signature=s1gnature&v=2"
    song = Song.from_dict(song_json(42) | {"mp3_url": signed, "cdn": signed})
    assert "s1gnature" not in repr(song)
    assert "https://cdn.test/42.mp3?X-Amz-Signature=[redacted]&v=2" in repr(song)
    assert "42" in repr(song) and song.title in repr(song)
    login = TokenRequest(token=TokenCredentials(email="e@x.test", password="pw-secret"))
    assert "pw-secret" not in repr(login)
    assert "tok-secret" not in repr(TokenResponse(response="tok-secret"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_generated_models_have_no_item_access(model: type) -> None:
    for dunder in ("__getitem__", "__setitem__", "__delitem__", "__contains__"):
        assert not hasattr(model, dunder), f"{model.__name__}.{dunder}"


def test_extra_fields_are_still_kept_and_item_access_fails_loudly() -> None:
    song = Song.from_dict(song_json(7, bpm=92))
    assert song.additional_properties == {"bpm": 92}
    assert song.to_dict()["bpm"] == 92
    with pytest.raises(TypeError, match="not subscriptable"):
        song["title"]  # type: ignore[index]
    assert len(MODELS) >= 10
