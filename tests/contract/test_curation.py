"""Rules of our own curation of spec/openapi.yaml, which an adopted change may not meet
until someone completes it (so they are not among the `loop` tests that must hold on any
spec in force)."""

from __future__ import annotations

from imuze_contract.behave_places import link_places
from imuze_ext._responses import packaged_spec

SPEC = packaged_spec()


def test_every_url_field_we_curate_names_its_media() -> None:
    places = list(link_places(SPEC))
    assert {prop for _, prop, _ in places} == {"mp3_url", "timeline_url", "mp3", "image_url"}
    for name, prop, media in places:
        assert media.get("type") and isinstance(media.get("range"), bool), (name, prop)
