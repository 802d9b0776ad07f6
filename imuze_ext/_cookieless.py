"""httpx clients that keep no cookies.

The API authenticates each request by its `Authorization` header and documents no cookie,
so a client of ours stores none and sends none: a `Set-Cookie` (a load balancer's, a CDN's
on a media redirect) is dropped. That is one less thing that could carry a credential
where it should not go, and it saves httpx's cookie handling on every answer (a stdlib
`urllib` request is built for each one): about a tenth of a small call's time.

httpx reads a client's jar through its public `cookies` property, which these override.
tests/ext/test_ext_cookieless.py fails if an httpx upgrade stores or sends a cookie anyway.
"""

from __future__ import annotations

import httpx


class _KeepNone(httpx.Cookies):
    """A jar that stays empty: the cookies of an answer are not kept."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing."""


_NO_COOKIES = _KeepNone()


class _KeepsNoCookies:
    """The `cookies` of an httpx client, always empty; setting it is refused."""

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("an imuze client keeps no cookies: the API authenticates by header")


class CookielessClient(_KeepsNoCookies, httpx.Client):
    """An httpx.Client that keeps no cookies."""


class AsyncCookielessClient(_KeepsNoCookies, httpx.AsyncClient):
    """The async twin of CookielessClient."""
