"""Contains all the data models used in inputs/outputs"""

from .arrangement import Arrangement
from .arrangement_list import ArrangementList
from .arrangement_summary import ArrangementSummary
from .error import Error
from .musical_mode import MusicalMode
from .song import Song
from .song_create import SongCreate
from .song_created import SongCreated
from .song_list import SongList
from .song_status import SongStatus
from .song_summary import SongSummary
from .token_credentials import TokenCredentials
from .token_request import TokenRequest
from .token_response import TokenResponse

__all__ = (
    "Arrangement",
    "ArrangementList",
    "ArrangementSummary",
    "Error",
    "MusicalMode",
    "Song",
    "SongCreate",
    "SongCreated",
    "SongList",
    "SongStatus",
    "SongSummary",
    "TokenCredentials",
    "TokenRequest",
    "TokenResponse",
)
