"""The runner's own requests: its logins, its boundary probes and their set-up, and replays.

They go through schemathesis's own transport (`Case.call`: HTTP, or the ASGI app in process,
rate limited by the run's configuration) and every answer is judged by schemathesis's own
registered checks, as a generated case's would be. So a login answered 200 where the spec
says 201 is a deviation like any other, even though the run logged in fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import httpx
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation, BaseSchema

from imuze_ext._responses import status_error
from imuze_ext.errors import APIConnectionError, ImuzeError

from .check_table import SINGLE_ANSWER
from .redact import PASSWORD_VARIABLES, TOKEN_VARIABLES, Secrets
from .shapes import one_line
from .steps import Step
from .target import SetupError, Target, User

if TYPE_CHECKING:  # traffic.py reads the spec's places, which import this module
    from .traffic import Traffic

#: The checks that judge one answer on its own (no generated case, no run history needed).
RESPONSE_CHECKS = SINGLE_ANSWER

#: (operation, case, response, check, failure, steps) for each failure of an own request.
Operation = APIOperation[Any, Any, Any, Any]
OnFailure = Callable[[Operation, Case[Any], Response, str, Failure, list[Step]], None]


def step_of(response: Response, secrets: Secrets) -> Step:
    """The request behind `response`, as a step (secrets as variables)."""
    request = response.request
    body = request.body
    raw = (
        body.encode("utf-8") if isinstance(body, str) else body if isinstance(body, bytes) else None
    )
    headers = {name: str(value) for name, value in request.headers.items()}
    return Step.build(str(request.method), str(request.url), headers, raw, secrets)


def judge(
    case: Case[Any], response: Response, checks: Iterable[str] = RESPONSE_CHECKS
) -> list[tuple[str, Failure]]:
    """Every (check, failure) that schemathesis's registered `checks` find in one answer."""
    load_all_checks()
    found: list[tuple[str, Failure]] = []
    for name in checks:
        check = cast("CheckFunction", CHECKS.get_one(name))
        try:
            case.validate_response(response, checks=[check])
        except FailureGroup as group:
            found += [
                (name, failure) for failure in group.exceptions if isinstance(failure, Failure)
            ]
        except Failure as failure:
            found.append((name, failure))
    return found


class Unreachable(SetupError):
    """A request of the runner's own got no HTTP answer (refused, reset, timed out)."""


class Session:
    """Logs the target's users in (each login judged) and sends the runner's own requests."""

    def __init__(
        self, schema: BaseSchema, target: Target, secrets: Secrets, on_failure: OnFailure,
        traffic: Traffic | None = None,
    ) -> None:  # fmt: skip
        self.schema = schema
        self.target = target
        self.secrets = secrets
        self.on_failure = on_failure
        #: Every answer, for the run's coverage (traffic.py); a request that no spec operation
        #: sends (another method, another path) goes to `traffic.answer` directly.
        self.traffic = traffic
        #: Checks this run switched off (RunOptions.behaviour): never judged here either.
        self.off: frozenset[str] = frozenset()
        self.tokens: dict[str, str] = {}
        self.sent = 0
        self.answered: set[tuple[str, int]] = set()

    def operation(self, operation_id: str) -> APIOperation[Any, Any, Any, Any]:
        """The spec's operation by its operationId."""
        return self.schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined, no-any-return]

    def login_all(self) -> None:
        """Log every user in once (or take their key); SetupError on a refusal, in one line."""
        for user in self.target.users:
            self.tokens[user.name] = self._login(user)

    def _login(self, user: User) -> str:
        variable = TOKEN_VARIABLES.get(user.name, "IMUZE_TOKEN")
        if not user.logs_in:
            self.secrets.name(user.api_key, variable)
            self._check_key(user)
            return user.api_key or ""
        self.secrets.name(user.password, PASSWORD_VARIABLES.get(user.name, "IMUZE_PASSWORD"))
        body = {"token": {"email": user.email, "password": user.password}}
        response = self.send("createToken", body=body, user=None)
        if not 200 <= response.status_code < 300:
            error = _status_line(response)
            message = self.secrets.scrub(f"login as {user.email} failed: {error}")
            raise SetupError(message) from error
        try:
            token = response.json().get("response")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise SetupError(
                f"login as {user.email} answered {response.status_code} without a token"
            )
        self.secrets.name(token, variable)
        return token

    def _check_key(self, user: User) -> None:
        # A refused key, or a base URL without the API's path, is one setup line (the CLI
        # hints the fix from the answer kept as the cause), not a run of 401 rows.
        self.tokens[user.name] = user.api_key or ""
        response = self.send("listArrangements", user=user.name)
        if response.status_code in (401, 403):
            error = _status_line(response)
            raise SetupError(f"the API key of the {user.name} user was refused: {error}") from error
        if response.status_code == 404:
            error = _status_line(response)
            raise SetupError(f"no API at {self.target.base_url}: {error}") from error

    def case(
        self,
        operation_id: str,
        *,
        body: Any = None,
        path: dict[str, Any] | None = None,
        user: str | None = "demo",
        headers: dict[str, str] | None = None,
    ) -> Case[Any]:
        """A case of `operation_id` as `user` (None: no credentials), with extra `headers`."""
        operation = self.operation(operation_id)
        auth = {"Authorization": self.tokens[user]} if user is not None else {}
        headers = {**auth, **(headers or {})}
        kwargs: dict[str, Any] = {"path_parameters": path or {}, "headers": headers}
        if body is not None:
            kwargs |= {"body": body, "media_type": "application/json"}
        return operation.Case(**kwargs)

    def send(
        self,
        operation_id: str,
        *,
        body: Any = None,
        path: dict[str, Any] | None = None,
        user: str | None = "demo",
        checks: Iterable[str] = RESPONSE_CHECKS,
        before: list[Step] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request and report what the checks find in its answer."""
        case = self.case(operation_id, body=body, path=path, user=user, headers=headers)
        checks = tuple(check for check in checks if check not in self.off)
        try:
            response = case.call()
        except Exception as exc:  # requests' and the ASGI transport's errors alike
            message = f"cannot reach the API at {self.target.base_url}: {one_line(str(exc), 160)}"
            # The cause in the client's own type, so that a command line hints the fix for
            # an unreachable API whichever library met it (requests' error is not kept).
            raise Unreachable(message) from APIConnectionError(message)
        self.sent += 1
        self.answered.add((operation_id, response.status_code))
        if self.traffic is not None:
            self.traffic.add_case(case, response, checks)
        for name, failure in judge(case, response, checks):
            steps = [*(before or []), step_of(response, self.secrets)]
            self.on_failure(case.operation, case, response, name, failure, steps)
        return response


def _status_line(response: Response) -> ImuzeError:
    """The refusal in the command line's words: `401 unauthorized: ... (POST /api/4/tokens)`.

    schemathesis's answer is rebuilt as the httpx answer the client reads, so that one routine
    (imuze_ext's) words every status error the user sees.
    """
    request = httpx.Request(str(response.request.method), str(response.request.url))
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    answer = httpx.Response(
        response.status_code, headers=headers, content=response.content, request=request
    )
    return status_error(answer)
