"""The `imuze` command's global options, and the client they make.

Credentials come from the environment (IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD),
or `--email` plus a password prompt; a password is never taken from the command line.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import typer

from imuze_ext import _config
from imuze_ext.client import Imuze
from imuze_ext.errors import ImuzeError, MissingCredentialsError

from .errors import UsageProblem, help_hint
from .options import GlobalOptions


def base_url(ctx: typer.Context) -> str:
    """The API base URL; an invalid one is a usage error (exit 2), checked before any call."""
    try:
        return _config.resolve_base_url(ctx.obj.base_url)
    except ImuzeError as exc:
        raise UsageProblem(
            str(exc), hint=f"pass --base-url or set {_config.ENV_BASE_URL} to http(s)://host/path"
        ) from None


def client(ctx: typer.Context, *, need_login: bool = False) -> Imuze:
    """A client from the environment: the developer key, else email + password (prompted)."""
    options: GlobalOptions = ctx.obj
    url = base_url(ctx)
    try:
        if not need_login and not options.email and _config.setting(_config.ENV_API_KEY):
            return Imuze(base_url=url, deadline=options.deadline)
        email = options.email or _config.setting(_config.ENV_EMAIL)
        if not email and need_login:
            email = prompt_email()
        if not email:
            raise missing_credentials(prompts=True)
        password = _config.setting(_config.ENV_PASSWORD) or prompt_password()
        return Imuze(email=email, password=password, base_url=url, deadline=options.deadline)
    except MissingCredentialsError as exc:
        raise UsageProblem(str(exc), hint=help_hint(ctx), kind=type(exc).__name__) from None


def key_client(ctx: typer.Context) -> Imuze:
    """A client with the API key of IMUZE_API_KEY, else asked for at a terminal (no echo)."""
    url = base_url(ctx)
    key = _config.setting(_config.ENV_API_KEY)
    if not key:
        if not can_prompt():
            raise UsageProblem(
                f"no API key: set {_config.ENV_API_KEY} (stdin is not a terminal to ask on)",
                hint=help_hint(ctx),
                kind=MissingCredentialsError.__name__,
            )
        try:
            key = typer.prompt("API key", hide_input=True)
        except typer.Abort:
            raise UsageProblem(
                f"no API key: set {_config.ENV_API_KEY}",
                hint=help_hint(ctx),
                kind=MissingCredentialsError.__name__,
            ) from None
    options: GlobalOptions = ctx.obj
    return Imuze(api_key=key, base_url=url, deadline=options.deadline)


def missing_credentials(*, prompts: bool) -> MissingCredentialsError:
    """No credentials, said in the command line's words: which variables to set.

    `prompts`: the command asks for a password at a terminal when given `--email`.
    """
    also = " (or pass --email and type the password when asked)" if prompts else ""
    return MissingCredentialsError(
        f"no credentials: set {_config.ENV_API_KEY}, or {_config.ENV_EMAIL} and "
        f"{_config.ENV_PASSWORD}{also}"
    )


def login_problem(
    email: str | None, env: Mapping[str, str] | None = None
) -> MissingCredentialsError:
    """Why the environment gives no usable login, for a command that never prompts."""
    email = email or _config.setting(_config.ENV_EMAIL, env)
    password = _config.setting(_config.ENV_PASSWORD, env)
    if email and not password:
        return MissingCredentialsError(f"no password for {email}: set {_config.ENV_PASSWORD}")
    if password and not email:
        return MissingCredentialsError(
            f"no email: pass --email or set {_config.ENV_EMAIL} (with {_config.ENV_PASSWORD})"
        )
    return missing_credentials(prompts=False)


def raise_missing_login(ctx: typer.Context, email: str | None, exc: BaseException) -> None:
    """A set-up error caused by missing credentials, raised again in the CLI's words (the
    login problem, as a usage error); any other error is left to the caller."""
    if isinstance(exc.__cause__, MissingCredentialsError):
        problem = login_problem(email)
        raise UsageProblem(str(problem), hint=help_hint(ctx), kind=type(problem).__name__) from None


def can_prompt() -> bool:
    """Ask only a person at a terminal: piped or closed stdin never gets a prompt."""
    return sys.stdin is not None and sys.stdin.isatty()


def prompt_email() -> str:
    """The email, asked at a terminal."""
    if not can_prompt():
        raise MissingCredentialsError(f"no email: pass --email or set {_config.ENV_EMAIL}")
    try:
        email: str = typer.prompt("Email")
    except typer.Abort:
        raise MissingCredentialsError(
            f"no email: pass --email or set {_config.ENV_EMAIL}"
        ) from None
    return email


def prompt_password() -> str:
    """The password, asked at a terminal without echo."""
    if not can_prompt():
        raise MissingCredentialsError(
            f"no password: set {_config.ENV_PASSWORD} (stdin is not a terminal to ask on)"
        )
    try:
        password: str = typer.prompt("Password", hide_input=True)
    except typer.Abort:  # end of input: nobody to ask
        raise MissingCredentialsError(f"no password: set {_config.ENV_PASSWORD}") from None
    return password
