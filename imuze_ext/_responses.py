"""Turn an HTTP answer into a generated model or one of our typed exceptions.

Success is any 2xx whose body matches the operation's success schema (jsonschema-rs,
loaded once from the packaged spec, because the generated `from_dict` checks presence,
not types). A 2xx the operation does not document, a media URL that is not absolute and
an error body that is not the spec's Error are tolerated and reported (see _tolerance).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

import httpx

if TYPE_CHECKING:  # both load on the first response read, not with `import imuze`
    import jsonschema_rs

from . import _deviations, _retry
from ._media import resolve_media
from ._tolerance import Tolerance
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    GoneError,
    ImuzeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnprocessableEntityError,
)


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=_Model)

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: BadRequestError,
    406: BadRequestError,
    410: GoneError,
    415: BadRequestError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
# Schemas whose values must not be echoed in a validation message (they hold secrets).
_SECRET_SCHEMAS = frozenset({"TokenResponse"})


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@functools.cache
def _spec() -> dict[str, Any]:
    import importlib.resources

    import yaml

    text = importlib.resources.files("imuze_ext").joinpath("openapi.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    return spec


def _components() -> dict[str, Any]:
    components: dict[str, Any] = _spec()["components"]
    return components


@functools.cache
def documented_success(operation: str) -> frozenset[int]:
    """The 2xx statuses the packaged spec documents for an operationId."""
    for item in _spec()["paths"].values():
        for method in _METHODS:
            op = item.get(method)
            if op and op.get("operationId") == operation:
                return frozenset(int(s) for s in op["responses"] if str(s).startswith("2"))
    raise LookupError(f"no operation {operation!r} in the packaged spec")


@functools.cache
def validator(schema_name: str) -> jsonschema_rs.Draft202012Validator:
    """A compiled validator for one component schema of the packaged spec.

    `format` stays an annotation (jsonschema-rs' default for 2020-12): a relative media URL
    passes `format: uri` here and is resolved, and reported, by read().
    """
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": _components()}
    )


def decode_json(response: httpx.Response) -> Any:
    """The body as JSON (decoded once: a DecodedResponse keeps what the generated parser
    read), or ResponseValidationError."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        raise ResponseValidationError(
            f"{_where(response)}: the body is not valid JSON", response=response
        ) from None


def validate(schema_name: str, data: Any, response: httpx.Response) -> None:
    """Raise ResponseValidationError unless `data` matches the named component schema."""
    check = validator(schema_name)
    if check.is_valid(data):
        return
    error = next(iter(check.iter_errors(data)))
    path = "/" + "/".join(str(p) for p in error.instance_path)
    detail = "invalid value" if schema_name in _SECRET_SCHEMAS else error.message
    raise ResponseValidationError(
        f"{_where(response)}: the body does not match {schema_name} at {path}: {detail}",
        response=response,
    )


def parse_response(
    response: httpx.Response, operation: str, model: type[M], tolerance: Tolerance
) -> M:
    """The model for a successful answer; a typed exception for anything else."""
    return read(response, None, operation, model, tolerance)


def read(
    response: httpx.Response,
    parsed: object,
    operation: str,
    model: type[M],
    tolerance: Tolerance,
) -> M:
    """The validated model of an answer to `operation`, its media URLs resolved.

    `parsed` is what the generated code made of it (reused when nothing changed), or None.
    """
    if not 200 <= response.status_code < 300:
        raise status_error(response, operation, tolerance)
    data = decode_json(response)
    schema = model.__name__
    validate(schema, data, response)
    documented = documented_success(operation)
    if response.status_code not in documented and (
        deviation := _deviations.undocumented_status(operation, documented, response.status_code)
    ):
        _tolerate(tolerance, deviation, response)
    resolution = resolve_media(schema, data, tolerance.media_base)
    if resolution.unresolvable:
        bad = resolution.unresolvable[0]
        raise ResponseValidationError(
            f"{_where(response)}: {bad.pointer} is not a URL that resolves to http(s): "
            f"{_deviations.shown_url(bad.value)!r}",
            response=response,
        )
    for found in resolution.relative:
        if deviation := _deviations.relative_media_url(operation, found.field, found.value):
            _tolerate(tolerance, deviation, response)
    if resolution.changed or not isinstance(parsed, model):
        return build_model(model, resolution.data, response)
    return parsed


def _tolerate(
    tolerance: Tolerance, deviation: _deviations.Deviation, response: httpx.Response
) -> None:
    if (strict_error := tolerance.report(deviation, response)) is not None:
        raise strict_error


def build_model(model: type[M], data: Any, response: httpx.Response) -> M:
    """`model.from_dict`, with any failure of the generated parser made typed."""
    try:
        return model.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseValidationError(
            f"{_where(response)}: the body does not match {model.__name__} ({type(exc).__name__})",
            response=response,
        ) from None


def status_error(
    response: httpx.Response, operation: str | None = None, tolerance: Tolerance | None = None
) -> ImuzeError:
    """The typed exception for an answer whose status is not a success.

    With an `operation` and a `tolerance`, an error body that is not the spec's Error is a
    reported deviation (in strict mode, the returned error is a ResponseValidationError).
    """
    status = response.status_code
    if 200 <= status < 300:
        return ResponseValidationError(
            f"{_where(response)}: unexpected status {status}", response=response
        )
    from ._error_bodies import read_error_body  # on the first error answer, not at import

    read_body = read_error_body(response, validator("Error").is_valid)
    phrase = response.reason_phrase or "error"
    if read_body.error is not None:
        reason = read_body.reason or phrase
    else:
        reason = f"{phrase}: {read_body.reason}" if read_body.reason else phrase
    message = f"{status} {reason} ({_where(response)})"
    kwargs: dict[str, Any] = {
        "response": response,
        "body": read_body.body,
        "error": read_body.error,
        "field_errors": read_body.field_errors,
    }
    typed: APIStatusError
    if status == 429:
        retry_after = _retry.retry_after_seconds(response.headers.get("Retry-After"))
        typed = RateLimitError(message, retry_after=retry_after, **kwargs)
    else:
        cls = _STATUS_ERRORS.get(status)
        if cls is None:
            cls = ServerError if status >= 500 else APIStatusError
        typed = cls(message, **kwargs)
    if operation is not None and tolerance is not None:
        deviation = _deviations.foreign_error_body(
            operation, status, read_body.shape, read_body.error is not None
        )
        if deviation and (strict := tolerance.report(deviation, response, said=message)):
            strict.__cause__ = typed
            return strict
    return typed


def _where(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url.path}"
