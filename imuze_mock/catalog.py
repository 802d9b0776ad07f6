"""The fixed catalog of arrangements the mock offers, and how tags choose one."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .music import Style


@dataclass(frozen=True)
class Arrangement:
    """An arrangement: what the API shows, plus the style that voices songs."""

    id: int
    name: str
    description: str
    image_url: str | None
    genre_list: tuple[str, ...]
    style: Style

    def summary(self) -> dict[str, object]:
        """The arrangement as ``GET /arrangements`` lists it."""
        return {"id": self.id, "name": self.name}

    def detail(self) -> dict[str, object]:
        """The arrangement as ``GET /arrangements/{id}`` shows it."""
        return {
            "id": self.id,
            "description": self.description,
            "image_url": self.image_url,
            "genre_list": list(self.genre_list),
        }


def _image(slug: str) -> str:
    return f"https://api.imuze.io/images/arrangements/{slug}.png"


CATALOG: tuple[Arrangement, ...] = (
    Arrangement(
        1,
        "Chamber Strings",
        "A string quartet that voices the melody in long, bowed phrases.",
        _image("chamber-strings"),
        ("classical", "chamber", "strings", "calm"),
        Style(72, (1.0, 0.5, 0.33, 0.25, 0.2), (2, 1, 1), decay=0.4, attack=0.08, pad=True),
    ),
    Arrangement(
        2,
        "Garage Rock",
        "Overdriven guitar riffs over a driving four-on-the-floor beat.",
        _image("garage-rock"),
        ("rock", "energetic", "guitar"),
        Style(138, (1.0, 0.8, 0.6, 0.5, 0.4, 0.3), (1, 0.5, 0.5, 1, 1), decay=2.0, drums=True),
    ),
    Arrangement(
        3,
        "Boom Bap",
        "Dusty hip-hop drums, a deep bass line and a sampled keys hook.",
        None,
        ("hip-hop", "urban", "beats"),
        Style(90, (1.0, 0.2, 0.1), (0.75, 0.75, 0.5, 1, 1), decay=5.0, drums=True),
    ),
    Arrangement(
        4,
        "Smoky Jazz Trio",
        "Piano, upright bass and brushes in a relaxed swing.",
        _image("smoky-jazz"),
        ("jazz", "lounge", "piano"),
        Style(112, (1.0, 0.4, 0.25, 0.1), (1.5, 0.5, 1, 1), decay=3.5, bass=(1.0, 0.5)),
    ),
    Arrangement(
        5,
        "Synth Wave",
        "Retro analog synthesizers and gated drums from a neon-lit night drive.",
        _image("synth-wave"),
        ("electro", "synthwave", "retro"),
        Style(118, (1.0, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14), (0.5,) * 8, decay=1.5, drums=True),
    ),
    Arrangement(
        6,
        "Deep Space Ambient",
        "Slow evolving pads and a distant, glassy lead.",
        None,
        ("ambient", "calm", "atmospheric"),
        Style(60, (1.0, 0.1, 0.3), (4,), decay=0.2, attack=0.5, bass=(), pad=True),
    ),
    Arrangement(
        7,
        "Four Floor House",
        "A pumping house groove with a bright plucked lead.",
        _image("four-floor-house"),
        ("electro", "house", "dance"),
        Style(124, (1.0, 0.6, 0.2), (0.5, 0.5, 1, 0.5, 0.5, 1), decay=6.0, drums=True),
    ),
    Arrangement(
        8,
        "Acoustic Folk",
        "Fingerpicked guitar and a warm, simple melody.",
        _image("acoustic-folk"),
        ("folk", "acoustic", "guitar", "calm"),
        Style(96, (1.0, 0.6, 0.3, 0.15), (1, 1, 0.5, 0.5, 1), decay=2.5, tonic=57),
    ),
    Arrangement(
        9,
        "Cinematic Orchestra",
        "Brass and strings in a sweeping score for the big screen.",
        _image("cinematic-orchestra"),
        ("classical", "cinematic", "epic", "orchestral"),
        Style(84, (1.0, 0.7, 0.5, 0.4, 0.3), (3, 1), decay=0.5, attack=0.15, pad=True),
    ),
    Arrangement(
        10,
        "Lo-Fi Study Beats",
        "Mellow hip-hop with a soft electric piano, for focus.",
        None,
        ("hip-hop", "lo-fi", "chill", "calm"),
        Style(78, (1.0, 0.3), (1, 0.5, 0.5, 2), decay=2.0, drums=True, tonic=55),
    ),
    Arrangement(
        11,
        "Reggae Skank",
        "Offbeat guitar chops over a one-drop rhythm.",
        _image("reggae-skank"),
        ("reggae", "sunny", "guitar"),
        Style(76, (1.0, 0.5, 0.4), (0.5, 0.5, 0.5, 0.5, 2), decay=4.0, drums=True),
    ),
    Arrangement(
        12,
        "Baroque Harpsichord",
        "Bright harpsichord counterpoint in the style of the 18th century.",
        _image("baroque-harpsichord"),
        ("classical", "baroque", "harpsichord"),
        Style(100, (1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2), (0.5,) * 8, decay=4.5, bass=()),
    ),
    Arrangement(
        13,
        "Heavy Metal",
        "Palm-muted riffs, double kick and a screaming lead.",
        None,
        ("rock", "metal", "energetic"),
        Style(160, (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3), (0.5,) * 8, decay=1.0, drums=True),
    ),
    Arrangement(
        14,
        "Bossa Nova",
        "Nylon guitar and soft percussion with a gentle Brazilian sway.",
        _image("bossa-nova"),
        ("jazz", "latin", "bossa nova", "calm"),
        Style(128, (1.0, 0.3, 0.1), (1.5, 1.5, 1), decay=3.0, tonic=62),
    ),
)

BY_ID: dict[int, Arrangement] = {arrangement.id: arrangement for arrangement in CATALOG}


def choose_by_tags(tags: Sequence[str], title: str) -> Arrangement:
    """The arrangement whose genres match the most tags; ties and no match go by the title.

    Never fails: with no matching tag the title picks one deterministically, as the spec says.
    """
    wanted = {tag.strip().lower() for tag in tags}
    scores = [len(wanted.intersection(a.genre_list)) for a in CATALOG]
    best = max(scores)
    candidates = [a for a, score in zip(CATALOG, scores, strict=True) if score == best]
    digest = hashlib.sha256(title.encode()).digest()
    return candidates[int.from_bytes(digest[:4], "big") % len(candidates)]
