"""Turn an HTTP answer into a generated model or one of our typed exceptions.

Success bodies are validated against the spec's component schemas (jsonschema-rs, loaded
once from the packaged spec) because the generated `from_dict` checks presence, not types.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Mapping
from typing import Any, Protocol, Self, TypeVar

import httpx
import jsonschema_rs
import yaml
from imuze_client.models import Error

from . import _retry
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


@functools.cache
def _components() -> dict[str, Any]:
    text = importlib.resources.files("imuze_ext").joinpath("openapi.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    components: dict[str, Any] = spec["components"]
    return components


@functools.cache
def validator(schema_name: str) -> jsonschema_rs.Draft202012Validator:
    """A compiled validator for one component schema of the packaged spec."""
    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": _components()}
    )


def decode_json(response: httpx.Response) -> Any:
    """The body as JSON, or ResponseValidationError."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
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


def parse_response(response: httpx.Response, expected_status: int, model: type[M]) -> M:
    """The model for a successful answer; a typed exception for anything else."""
    if response.status_code != expected_status:
        raise status_error(response)
    data = decode_json(response)
    name = model.__name__
    validate(name, data, response)
    return build_model(model, data, response)


def build_model(model: type[M], data: Any, response: httpx.Response) -> M:
    """`model.from_dict`, with any failure of the generated parser made typed."""
    try:
        return model.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseValidationError(
            f"{_where(response)}: the body does not match {model.__name__} ({type(exc).__name__})",
            response=response,
        ) from None


def status_error(response: httpx.Response) -> ImuzeError:
    """The typed exception for an answer whose status is not the expected success."""
    status = response.status_code
    if 200 <= status < 300:
        return ResponseValidationError(
            f"{_where(response)}: unexpected status {status}", response=response
        )
    body, error = _error_body(response)
    reason = f"{error.error}: {error.message}" if error else (response.reason_phrase or "error")
    message = f"{status} {reason} ({_where(response)})"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "body": body,
        "request": response.request,
        "error": error,
    }
    if status == 429:
        retry_after = _retry.retry_after_seconds(response.headers.get("Retry-After"))
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    return cls(message, **kwargs)


def _error_body(response: httpx.Response) -> tuple[object, Error | None]:
    """The decoded body (JSON or text) and, when it is a well-formed Error, the model."""
    try:
        body: object = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return response.text[:500], None
    if isinstance(body, dict) and validator("Error").is_valid(body):
        return body, Error.from_dict(body)
    return body, None


def _where(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url.path}"
