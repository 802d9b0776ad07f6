"""Answers: a generated operation's outcome as a validated model, a RawResponse, or a typed error.

A response hook records each call's raw answer, judged from there (the generated parsers fail on
undocumented statuses); an error's reason is read whatever the body's shape, and redacted.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html.parser
import importlib.resources
import json
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, Self, TypeVar, final

import httpx
import jsonschema_rs
import yaml
from imuze_client.models import Error
from imuze_client.types import Response

from . import _deadlines, _retry
from ._config import origin
from ._tolerance import (
    Tolerance,
    foreign_error_body,
    relative_media_url,
    resolve_media,
    shown_url,
    undocumented_status,
)
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GoneError,
    ImuzeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectRefusedError,
    ResponseValidationError,
    ServerError,
    UnprocessableEntityError,
)
from .redaction import body_secrets, redact, redact_url, redact_values, sent_secrets

T = TypeVar("T")


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
def packaged_spec() -> dict[str, Any]:
    """The spec packaged with the client, parsed once per process (do not change it)."""
    text = importlib.resources.files("imuze_ext").joinpath("openapi.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    return spec


@functools.cache
def _operation(operation: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The path, path item and operation object of an operationId in the packaged spec."""
    for path, item in packaged_spec()["paths"].items():
        for method in _METHODS:
            op = item.get(method)
            if op and op.get("operationId") == operation:
                return path, item, op
    raise LookupError(f"no operation {operation!r} in the packaged spec")


def _deref(node: Any) -> Any:
    """`node` with its local `$ref`s (`#/components/...`) followed."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = functools.reduce(dict.__getitem__, node["$ref"][2:].split("/"), packaged_spec())
    return node


@functools.cache
def documented_success(operation: str) -> frozenset[int]:
    """The 2xx statuses the packaged spec documents for an operationId."""
    return frozenset(int(s) for s in _operation(operation)[2]["responses"] if str(s)[0] == "2")


@functools.cache
def echo_fields(operation: str) -> tuple[str, ...]:
    """The path parameters the success answer names again (GET /songs/{id}: the Song's `id`)."""
    _, item, op = _operation(operation)
    params = [_deref(p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
    names = [p["name"] for p in params if p.get("in") == "path"]
    properties: set[str] = set()
    for status, answer in op["responses"].items():
        if str(status).startswith("2"):
            for media in _deref(answer).get("content", {}).values():
                properties.update(_deref(media.get("schema", {})).get("properties", {}))
    return tuple(name for name in names if name in properties)


@functools.cache
def _path_pattern(operation: str) -> re.Pattern[str]:
    """The operation's path template as a regex that names its parameters."""
    template = re.escape(_operation(operation)[0])
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", template) + "$")


def echo_mismatch(response: httpx.Response, operation: str) -> ResponseValidationError | None:
    """The error for a (valid) answer that names another thing than the path asked for."""
    fields = echo_fields(operation)
    asked = _path_pattern(operation).search(response.request.url.path) if fields else None
    if asked is None:
        return None
    data = response.json()
    for name in fields:
        got = str(data.get(name)) if isinstance(data, dict) else ""
        if got != asked[name]:
            return ResponseValidationError(
                f"{_where(response)}: the answer's {name} is {got[:40]!r}, not the "
                f"{asked[name][:40]!r} asked for",
                response=response,
            )
    return None


@functools.cache
def validator(schema_name: str) -> jsonschema_rs.Draft202012Validator:
    """A compiled validator for a component schema of the packaged spec (`format` annotates)."""
    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": packaged_spec()["components"]}
    )


def decode_json(response: httpx.Response) -> Any:
    """The body as JSON (decoded once, see DecodedResponse), or ResponseValidationError."""
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
    response: httpx.Response,
    operation: str,
    model: type[M],
    tolerance: Tolerance,
    parsed: object = None,
) -> M:
    """The validated model of a successful answer, media URLs resolved, or a typed exception
    (`parsed`, the generated code's model, is reused when nothing changed)."""
    if not 200 <= response.status_code < 300:
        raise status_error(response, operation, tolerance)
    data = decode_json(response)
    validate(model.__name__, data, response)
    deviation = undocumented_status(operation, documented_success(operation), response.status_code)
    if deviation and (strict := tolerance.report(deviation, response)):
        raise strict
    resolution = resolve_media(model.__name__, data, tolerance.media_base)
    if resolution.unresolvable:
        bad = resolution.unresolvable[0]
        raise ResponseValidationError(
            f"{_where(response)}: {bad.pointer} is not a URL that resolves to http(s): "
            f"{shown_url(bad.value)!r}",
            response=response,
        )
    for found in resolution.relative:
        deviation = relative_media_url(operation, found.field, found.value)
        if deviation and (strict := tolerance.report(deviation, response)):
            raise strict
    if not resolution.relative and isinstance(parsed, model):
        return parsed
    try:  # the generated parser checks what the schema leaves open (a date's format)
        return model.from_dict(resolution.data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseValidationError(
            f"{_where(response)}: the body does not match {model.__name__} ({type(exc).__name__})",
            response=response,
        ) from None


def status_error(
    response: httpx.Response, operation: str | None = None, tolerance: Tolerance | None = None
) -> ImuzeError:
    """The typed exception for an answer whose status is not a success; with an `operation`
    and a `tolerance`, a body that is not the spec's Error is a reported deviation."""
    status = response.status_code
    if 200 <= status < 300:
        return ResponseValidationError(
            f"{_where(response)}: unexpected status {status}", response=response
        )
    read_body = read_error_body(response)
    phrase = response.reason_phrase or "error"
    if (reason := read_body.reason) and read_body.error is None:
        reason = f"{phrase}: {reason}"
    message = f"{status} {reason or phrase} ({_where(response)})"
    hint = response.headers.get("Retry-After") if status == 429 else None
    cls = _STATUS_ERRORS.get(status) or (ServerError if status >= 500 else APIStatusError)
    typed = cls(
        message,
        response=response,
        body=read_body.body,
        error=read_body.error,
        field_errors=read_body.field_errors,
        retry_after=_retry.retry_after_seconds(hint),
    )
    if operation is not None and tolerance is not None:
        deviation = foreign_error_body(
            operation, status, read_body.shape, read_body.error is not None
        )
        if deviation and (strict := tolerance.report(deviation, response, said=message)):
            strict.__cause__ = typed
            return strict
    return typed


def _where(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url.path}"


@final
class RawResponse(Generic[T]):
    """A parsed model together with the HTTP answer it came from."""

    __slots__ = ("_parsed", "http_response")

    http_response: httpx.Response
    """The answer as httpx gave it (its body already read)."""

    def __init__(self, parsed: T, http_response: httpx.Response) -> None:
        self._parsed = parsed
        self.http_response = http_response

    def parse(self) -> T:
        """The model, as the plain method returns it."""
        return self._parsed

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        """The URL that answered (after any redirect)."""
        return self.http_response.url

    @property
    def http_request(self) -> httpx.Request:
        """The request that got this answer (its Authorization header holds a secret)."""
        return self.http_response.request

    def __repr__(self) -> str:
        model = type(self._parsed).__name__
        return f"<RawResponse[{model}] {self.status_code} {_where(self.http_response)}>"


_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "imuze_last_response", default=None
)


def remember_response(response: httpx.Response) -> None:
    """httpx response hook: record the call's answer; refuse a redirect to another origin of a
    request whose body holds a credential (httpx would re-send it, or take the answer there)."""
    _last_response.set(response)
    request = response.request
    if not response.is_redirect or not body_secrets(request):  # a redirect has a Location
        return
    location = response.headers["Location"]
    try:
        target = request.url.join(location)
    except httpx.InvalidURL:
        target = None
    if target is not None and origin(target) == origin(request.url):
        return
    shown = redact_url(str(target or location))
    raise RedirectRefusedError(
        f"{request.method} {where(request.url)}: refused to follow {response.status_code} to "
        f"{shown}: it would send the request's credentials to another origin",
        request=request,
        location=shown,
    )


async def aremember_response(response: httpx.Response) -> None:
    """httpx response hook (async): as remember_response."""
    remember_response(response)


def call_full(
    send: Callable[[], Response[Any]], operation: str, model: type[M], tolerance: Tolerance
) -> RawResponse[M]:
    """Run a generated `sync_detailed` call: its validated model with the raw answer."""
    parsed = None
    with _sending():
        parsed = send().parsed
    raw, mismatch = _judged(parsed, operation, model, tolerance)
    if mismatch is not None:
        if (stream := raw.http_response.extensions.get("network_stream")) is not None:
            stream.close()  # the pool must not use this connection again
        raise mismatch
    return raw


async def acall_full(
    send: Callable[[], Awaitable[Response[Any]]],
    operation: str,
    model: type[M],
    tolerance: Tolerance,
) -> RawResponse[M]:
    """The async twin of call_full."""
    parsed = None
    with _sending():
        parsed = (await send()).parsed
    raw, mismatch = _judged(parsed, operation, model, tolerance)
    if mismatch is not None:
        if (stream := raw.http_response.extensions.get("network_stream")) is not None:
            await stream.aclose()  # the pool must not use this connection again
        raise mismatch
    return raw


@contextlib.contextmanager
def _sending() -> Iterator[None]:
    """One generated call: its deadline, its answer recorded afresh, any failure typed. A
    parser that choked on the recorded answer's status or body is none: the record is judged."""
    _last_response.set(None)
    with _deadlines.call_scope():
        try:
            yield
        except Exception as exc:
            choked = isinstance(exc, (KeyError, ValueError, TypeError, AttributeError))
            if choked and _last_response.get() is not None:
                return
            _last_response.set(None)  # the call failed: keep no answer (a login's) alive
            translated = typed(exc)
            if translated is None or translated is exc:
                raise
            raise translated from exc


def _judged(
    parsed: object, operation: str, model: type[M], tolerance: Tolerance
) -> tuple[RawResponse[M], ResponseValidationError | None]:
    """The recorded answer read as `model`, and the error when it names another thing."""
    raw = _last_response.get()
    if raw is None:  # only when no response hook ran: an httpx client not built by imuze_ext
        raise ImuzeError("internal error: the HTTP answer was not recorded")
    _last_response.set(None)  # the call is over: keep no answer alive
    model_read = parse_response(raw, operation, model, tolerance, parsed)
    return RawResponse(model_read, raw), echo_mismatch(raw, operation)


def where(url: httpx.URL) -> str:
    """`https://api.imuze.io:443/api/4/songs`: which server was tried (no query, no user)."""
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = origin(url)[2]
    return f"{url.scheme}://{host}{f':{port}' if port else ''}{url.path}"


def request_of(exc: BaseException) -> httpx.Request | None:
    """The request an httpx exception carries, if any."""
    try:
        request = getattr(exc, "request", None)
    except RuntimeError:  # httpx raises when the request was never set
        return None
    return request if isinstance(request, httpx.Request) else None


def _said(exc: BaseException) -> str:
    text = redact_url(str(exc))
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def typed(exc: BaseException) -> ImuzeError | None:
    """The typed exception for `exc`, or None when it is no failure to translate (a bug...)."""
    if isinstance(exc, ImuzeError):
        return exc
    request = request_of(exc)
    at = f"{request.method} {where(request.url)}: " if request is not None else ""
    if isinstance(exc, httpx.TimeoutException):
        limit, elapsed, phrase = _deadlines.describe_timeout(_deadlines.current())
        return APITimeoutError(
            f"timed out: {at}{phrase} ({elapsed:.1f} s in all; {type(exc).__name__})",
            request=request,
            limit=limit,
            elapsed=elapsed,
        )
    if isinstance(exc, httpx.LocalProtocolError):  # h11's text quotes the header value
        return ImuzeError(
            f"{at}the request could not be sent: a header or the body is not valid "
            "HTTP (LocalProtocolError)"
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return APIConnectionError(f"{at}too many redirects (a loop?)", request=request)
    if isinstance(exc, httpx.DecodingError):
        return ResponseValidationError(
            f"{at}the body could not be decoded as its Content-Encoding says ({_said(exc)})"
        )
    if isinstance(exc, httpx.RequestError):
        return APIConnectionError(f"connection failed: {at}{_said(exc)}", request=request)
    if isinstance(exc, httpx.HTTPStatusError):
        return status_error(exc.response)
    if isinstance(exc, httpx.InvalidURL):
        return ResponseValidationError(f"a URL is not valid: {_said(exc)}")
    if isinstance(exc, (httpx.CookieConflict, httpx.StreamError, httpx.HTTPError)):
        return ImuzeError(f"internal error: {_said(exc)}")
    if isinstance(exc, UnicodeEncodeError):
        return ImuzeError("the request holds a character no HTTP header may carry")
    return None


# Error answers: the server's reason, whatever the body's shape, never a secret.

MAX_REASON = 200
"""Characters of the server's reason kept in an exception message."""

_NO_FIELD = frozenset({"base", "", None})  # Rails' errors[:base]: about the whole record


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer said: its JSON (or text), the spec's Error if it is one, the
    reason and messages per field (redacted), and its shape in a few words (no values)."""

    body: object
    error: Error | None
    reason: str | None
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    shape: str = "Error"


def read_error_body(response: httpx.Response) -> ErrorBody:
    """What an error answer says, whatever its body's shape."""
    secrets = sent_secrets(response.request)
    if not response.content.strip():
        return ErrorBody("", None, None, shape="an empty body")
    try:
        body: object = redact_values(response.json(), secrets)
    except (ValueError, RecursionError):
        return _text_body(response, secrets)
    if isinstance(body, dict) and validator("Error").is_valid(body):  # redacted already
        error = Error.from_dict(body)
        named = {error.field: (error.message,)} if isinstance(error.field, str) else {}
        return ErrorBody(body, error, _readable(f"{error.error}: {error.message}", secrets), named)
    fields: dict[str, tuple[str, ...]] = {}  # redacted again: a compacted message shows keys
    for name, messages in _errors(body.get("errors"), 0) if isinstance(body, dict) else ():
        if name is not None:
            fields[name] = (*fields.get(name, ()), *(redact(m, secrets) for m in messages))
    return ErrorBody(body, None, _readable(_reason_of(body), secrets), fields, json_shape(body))


def _readable(text: str | None, secrets: list[str]) -> str | None:
    """Redacted first (so no cut leaves half a secret), then one line of MAX_REASON chars."""
    line = " ".join(redact(text or "", secrets).split())
    return line[: MAX_REASON - 1] + "…" if len(line) > MAX_REASON else line or None


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _reason_of(body: object, depth: int = 0) -> str | None:
    """The reason a JSON error body gives, whatever its keys."""
    if isinstance(body, list):
        return _joined(_errors(body, depth))
    if isinstance(body, str):
        return body or None
    if isinstance(body, dict):
        head, tail = _head(body, depth), _joined(_errors(body.get("errors"), depth))
        if head and tail:
            return head if tail in head else f"{head}: {tail}"
        if head or tail:
            return head or tail
    return _compact(body) if body not in (None, {}) else None


def _head(body: Mapping[str, Any], depth: int) -> str | None:
    """The one-line reason of an error object: error, message, detail, title, ..."""
    error = body.get("error")
    nested = isinstance(error, dict) and depth < 3
    error_text = _reason_of(error, depth + 1) if nested else _joined(_errors(error, depth))
    keys = ("message", "detail", "error_description", "description", "msg")
    message = next(filter(None, (_joined(_errors(body.get(key), depth)) for key in keys)), None)
    title = _joined(_errors(body.get("title"), depth))
    if error_text:
        return f"{error_text}: {message}" if message and message != error_text else error_text
    if message:
        return f"{title}: {message}" if title and title != message else message
    return title


def _errors(errors: object, depth: int) -> list[tuple[str | None, tuple[str, ...]]]:
    """Rails' `errors` (a mapping, a list of strings or objects, a string) as (field, messages)."""
    if isinstance(errors, dict):
        listed = {str(k): v if isinstance(v, list) else [v] for k, v in errors.items()}
        return [
            (name, tuple(m if isinstance(m, str) else _compact(m) for m in messages))
            for name, messages in listed.items()
        ]
    if isinstance(errors, list):
        return [
            (_field_of(item) or None, (_reason_of(item, depth + 1) or "",))
            if isinstance(item, dict) and depth < 3
            else (None, (item if isinstance(item, str) else _compact(item),))
            for item in errors
        ]
    return [(None, (errors,))] if isinstance(errors, str) and errors else []


def _joined(errors: list[tuple[str | None, tuple[str, ...]]]) -> str | None:
    """`title: is too short, is invalid; Tags must be a list` (Rails' `base` names no field)."""
    parts = (
        ", ".join(msgs) if name in _NO_FIELD else f"{name}: {', '.join(msgs)}"
        for name, msgs in errors
    )
    return "; ".join(p for p in parts if p) or None


def _field_of(item: Mapping[str, Any]) -> str | None:
    """The field an error object names: `field`/`param`/`attribute`, or a JSON pointer."""
    for key in ("field", "param", "attribute"):
        if isinstance(item.get(key), str):
            return str(item[key])
    source = item.get("source")
    if isinstance(source, dict) and isinstance(source.get("pointer"), str):
        return str(source["pointer"]).rstrip("/").rsplit("/", 1)[-1] or None
    return None


def json_shape(body: object) -> str:
    """A body's shape in a few words, keys and types only: `a {error: string} body`."""
    if isinstance(body, dict):
        keys = [f"{k}: {json_type(v)}" for k, v in list(body.items())[:4]]
        more = ", …" if len(body) > 4 else ""
        return f"a {{{', '.join(keys)}{more}}} body"
    return f"a JSON {json_type(body)} body"


_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (type(None), "null"),
    (bool, "boolean"),  # before int: a bool is an int
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (Mapping, "object"),
)


def json_type(value: object) -> str:
    """The JSON Schema type name of a value from `json.loads` or a YAML document (subclasses
    too: a StrEnum member is a string, a round-trip YAML loader's float a number)."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "array")


def media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without parameters ("" when none)."""
    value: str = response.headers.get("Content-Type", "")
    return value.split(";")[0].strip().lower()


def _text_body(response: httpx.Response, secrets: list[str]) -> ErrorBody:
    text = response.text
    kind = media_type(response)
    html_start = text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
    if kind in ("text/html", "application/xhtml+xml") or html_start:
        finder = TitleFinder()
        with contextlib.suppress(AssertionError, ValueError):  # html.parser gives up on some
            finder.feed(text)
            finder.close()
        reason = finder.found.get("title", "").strip() or finder.found.get("h", "").strip()
        return ErrorBody(text, None, _readable(reason or None, secrets), shape="an HTML page")
    shape = f"a {kind} body" if kind else "a non-JSON body"
    return ErrorBody(text, None, _readable(text, secrets), shape=shape)


class TitleFinder(html.parser.HTMLParser):
    """Collects an HTML page's <title> and first heading (`found["title"]`, `found["h"]`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if (kind := _title_or_heading(tag)) and kind not in self.found:
            self._in = kind
            self.found[kind] = ""

    def handle_endtag(self, tag: str) -> None:
        if _title_or_heading(tag):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.found[self._in] += data


def _title_or_heading(tag: str) -> str | None:
    return "title" if tag == "title" else "h" if re.fullmatch("h[1-6]", tag) else None
