from enum import StrEnum


class SongStatus(StrEnum):
    PROCESSING = "processing"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
