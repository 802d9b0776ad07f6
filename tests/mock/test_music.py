"""The title is the musical seed; the arrangement voices it."""

from __future__ import annotations

from imuze_mock.catalog import BY_ID, CATALOG, choose_by_tags
from imuze_mock.music import MODES, mode_for_title, render_song
from imuze_mock.music.theory import SCALES, compose


def melody(title, arrangement_id=1, length=20):
    return [n.pitch for n in compose(title, BY_ID[arrangement_id].style, length).melody]


def test_same_title_and_arrangement_give_identical_bytes():
    style = BY_ID[2].style
    first, second = (
        render_song("Morning Over The Bay", style, 5),
        render_song("Morning Over The Bay", style, 5),
    )
    assert first.mp3 == second.mp3 and first.timeline == second.timeline


def test_different_titles_give_different_melodies():
    titles = ["Morning Over The Bay", "Night Drive", "Summer Rain", "Lost In Tokyo", "Blue Hour"]
    melodies = {tuple(melody(title)) for title in titles}
    assert len(melodies) == len(titles)
    assert (
        render_song("Night Drive", BY_ID[1].style, 3).mp3
        != render_song("Blue Hour", BY_ID[1].style, 3).mp3
    )


def test_arrangements_voice_the_same_tune_differently():
    # The same scale degrees, in each arrangement's own tempo and rhythm.
    strings, metal = (
        compose("Night Drive", BY_ID[1].style, 30),
        compose("Night Drive", BY_ID[13].style, 30),
    )
    assert strings.tempo != metal.tempo
    assert len(strings.melody) != len(metal.melody)
    assert (
        render_song("Night Drive", BY_ID[1].style, 3).mp3
        != render_song("Night Drive", BY_ID[13].style, 3).mp3
    )


def test_the_melody_stays_in_the_songs_mode():
    for title in ("Morning Over The Bay", "Night Drive", "Summer Rain", "Blue Hour"):
        mode = mode_for_title(title)
        style = BY_ID[1].style
        allowed = {(style.tonic + step) % 12 for step in SCALES[mode]}
        assert {p % 12 for p in melody(title)} <= allowed, (title, mode)


def test_modes_are_the_seven_church_modes_spelled_as_upstream():
    assert MODES == ("Ionian", "Dorian", "Phrygian", "Lydian", "Mixolydia", "Aeolian", "Locrian")
    seen = {mode_for_title("Title " + "x" * n) for n in range(200)}
    assert seen == set(MODES)


def test_songs_last_exactly_the_desired_length():
    for length in (0, 1, 13, 61):
        score = compose("Exact Length", BY_ID[5].style, length)
        if length:
            last = score.melody[-1]
            assert (
                last.start + last.duration == length
                or abs(last.start + last.duration - length) < 1e-6
            )
        else:
            assert score.melody == ()


def test_catalog_covers_the_genres():
    genres = {g for a in CATALOG for g in a.genre_list}
    assert {"classical", "rock", "hip-hop", "jazz", "electro", "ambient"} <= genres
    assert len(CATALOG) >= 12
    assert any(a.image_url is None for a in CATALOG) and any(a.image_url for a in CATALOG)
    assert len({a.id for a in CATALOG}) == len(CATALOG)
    assert len({a.style.tempo for a in CATALOG}) > 6


def test_tags_choose_the_best_matching_arrangement():
    assert choose_by_tags(["ambient"], "Any Title").name == "Deep Space Ambient"
    assert choose_by_tags(["ROCK", "metal"], "Any Title").name == "Heavy Metal"
    assert choose_by_tags([], "Any Title") == choose_by_tags(["nothing"], "Any Title")


def test_block_rendering_matches_rendering_in_one_go(monkeypatch):
    from imuze_mock.music import synth

    style = BY_ID[9].style  # lead, bass and a three-note pad
    score = compose("Block Borders", style, 7)
    in_blocks = synth.synthesize(score, style)
    monkeypatch.setattr(synth, "_BLOCK", 1 << 30)
    at_once = synth.synthesize(score, style)
    assert len(in_blocks) == len(at_once) == 7 * synth.SAMPLE_RATE
    # Identical but for float rounding of the phase at a rare table-step boundary.
    differing = (abs(in_blocks - at_once) > 1e-3).mean()
    assert differing < 1e-3
