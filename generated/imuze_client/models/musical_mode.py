from enum import StrEnum


class MusicalMode(StrEnum):
    AEOLIAN = "Aeolian"
    DORIAN = "Dorian"
    IONIAN = "Ionian"
    LOCRIAN = "Locrian"
    LYDIAN = "Lydian"
    MIXOLYDIA = "Mixolydia"
    MIXOLYDIAN = "Mixolydian"
    PHRYGIAN = "Phrygian"

    def __str__(self) -> str:
        return str(self.value)
