"""`api.authentication`: get a token for an account (`POST /tokens`), as the reference spells it.

    api = imuze.authorize(KEY)
    token = api.authentication.post(email="demo@imuze.io", password="...").response

The email and password default to the client's own login (`Imuze(email=, password=)`), else
IMUZE_EMAIL and IMUZE_PASSWORD. A client that logs in does so by itself: this is for the
reference's own line, or for a token to hand to another program.
"""

from __future__ import annotations

from typing import ClassVar

from imuze_client.api.authentication import create_token
from imuze_client.models import TokenCredentials, TokenRequest, TokenResponse

from .. import _config
from .._responses import RawResponse
from . import AsyncResource, Operation, Operations, Resource

OPERATIONS: Operations = {
    create_token: Operation(
        "createToken",
        TokenResponse,
        lambda c, body: create_token.sync_detailed(client=c, body=body),
        lambda c, body: create_token.asyncio_detailed(client=c, body=body),
    ),
}


def token_request(
    email: str | None, password: str | None, login: _config.Login | None
) -> TokenRequest:
    """The login body: the email and password given, else the client's, else the
    environment's (MissingCredentialsError when one is missing)."""
    chosen = _config.resolve_login(email, password, login)
    return TokenRequest(token=TokenCredentials(email=chosen.email, password=chosen.password))


class Authentication(Resource):
    """Tokens: log in with an email and a password."""

    _operations: ClassVar[Operations] = OPERATIONS

    def post(self, *, email: str | None = None, password: str | None = None) -> TokenResponse:
        """A new token (`.response`), as `POST /tokens` answers it."""
        body = token_request(email, password, self._login)
        answer: RawResponse[TokenResponse] = self._send(create_token, body)
        return answer.parse()


class AsyncAuthentication(AsyncResource):
    """The async twin of Authentication."""

    _operations: ClassVar[Operations] = OPERATIONS

    async def post(self, *, email: str | None = None, password: str | None = None) -> TokenResponse:
        """A new token (`.response`), as `POST /tokens` answers it."""
        body = token_request(email, password, self._login)
        answer: RawResponse[TokenResponse] = await self._send(create_token, body)
        return answer.parse()
