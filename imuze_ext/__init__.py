"""Hand-written layer over the generated iMuze client: auth, retries, polling, downloads.

    from imuze_ext import Imuze

    with Imuze(email="demo@imuze.io", password="...") as api:
        path = api.songs.compose(title="Morning Over The Bay", tags=["calm"],
                                 desired_length=30, dest="out/")

Models are the generated ones (`imuze_client.models`); errors are in `imuze_ext.errors`.
"""

from . import errors
from ._responses import RawResponse
from ._tolerance import Deviation, DeviationKind
from ._version import __version__
from .client import DEFAULT_TIMEOUT, AsyncImuze, Imuze, authorize
from .errors import *  # noqa: F403 - every exception: errors.__all__
from .redaction import RedactSecretsFilter
from .resources import SongRef

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncImuze",
    "Deviation",
    "DeviationKind",
    "Imuze",
    "RawResponse",
    "RedactSecretsFilter",
    "SongRef",
    "__version__",
    "authorize",
]
__all__ += errors.__all__
