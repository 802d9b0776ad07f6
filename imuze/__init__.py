"""imuze: a typed Python client for the iMuze song-generation API.

    import imuze

    api = imuze.authorize("API_KEY")
    for arrangement in api.arrangements.list().response:
        print(arrangement.id, arrangement.name)

The public import: the names of imuze_ext (the hand-written client layer) and nothing else,
one name each: `imuze.Imuze`, `imuze.AsyncImuze`, `imuze.authorize`, the exceptions,
`imuze.__version__`. Models are the generated ones (`imuze_client.models`).

Each name is re-exported explicitly (`__all__` written out, in imuze_ext's order), so that a
program using `imuze.NotFoundError` passes `mypy --strict` (tests/imuze/test_imuze_face.py
holds the list to imuze_ext.__all__).
"""

from imuze_ext import (
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncImuze,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DestinationExistsError,
    Deviation,
    DeviationKind,
    GoneError,
    Imuze,
    ImuzeError,
    InvalidCredentialsError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RawResponse,
    RedactSecretsFilter,
    RedirectRefusedError,
    ResponseValidationError,
    ServerError,
    SongFailedError,
    SongNotReadyError,
    SongRef,
    SongTimeoutError,
    UnexpectedMediaError,
    UnprocessableEntityError,
    __version__,
    authorize,
)

__all__ = [  # noqa: RUF022 - imuze_ext.__all__, in its order
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
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "DestinationExistsError",
    "GoneError",
    "ImuzeError",
    "InvalidCredentialsError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectRefusedError",
    "ResponseValidationError",
    "ServerError",
    "SongFailedError",
    "SongNotReadyError",
    "SongTimeoutError",
    "UnexpectedMediaError",
    "UnprocessableEntityError",
]
