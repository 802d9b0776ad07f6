"""Hand-written layer over the generated iMuze client: auth, retries, polling, downloads.

    from imuze_ext import Imuze

    with Imuze(email="demo@imuze.io", password="...") as api:
        path = api.songs.compose(title="Morning Over The Bay", tags=["calm"],
                                 desired_length=30, dest="out/")

Models are the generated ones (`imuze_client.models`); errors are in `imuze_ext.errors`.
"""

from ._responses import RawResponse
from ._tolerance import Deviation, DeviationKind
from ._version import __version__
from .client import DEFAULT_TIMEOUT, AsyncImuze, Imuze, authorize
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GoneError,
    ImuzeError,
    InvalidCredentialsError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectRefusedError,
    ResponseValidationError,
    ServerError,
    SongFailedError,
    SongNotReadyError,
    SongTimeoutError,
    UnprocessableEntityError,
)
from .redaction import RedactSecretsFilter
from .resources.songs import SongRef

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncImuze",
    "AuthenticationError",
    "BadRequestError",
    "Deviation",
    "DeviationKind",
    "GoneError",
    "Imuze",
    "ImuzeError",
    "InvalidCredentialsError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "RedactSecretsFilter",
    "RedirectRefusedError",
    "ResponseValidationError",
    "ServerError",
    "SongFailedError",
    "SongNotReadyError",
    "SongRef",
    "SongTimeoutError",
    "UnprocessableEntityError",
    "__version__",
    "authorize",
]
