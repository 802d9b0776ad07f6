from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.arrangement_list import ArrangementList
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/arrangements",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ArrangementList | Error | None:
    if response.status_code == 200:
        response_200 = ArrangementList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ArrangementList | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ArrangementList | Error]:
    """Index arrangements

     This endpoint retrieves the list of arrangements. Pick one by id for
    `createSong`, or let the song's tags choose. The reference repeats "results may
    vary according to your authentication scope" on every endpoint; for arrangements
    this spec reads it as a shared catalog: every user sees the same arrangements,
    and any user may show any of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArrangementList | Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ArrangementList | Error | None:
    """Index arrangements

     This endpoint retrieves the list of arrangements. Pick one by id for
    `createSong`, or let the song's tags choose. The reference repeats "results may
    vary according to your authentication scope" on every endpoint; for arrangements
    this spec reads it as a shared catalog: every user sees the same arrangements,
    and any user may show any of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArrangementList | Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ArrangementList | Error]:
    """Index arrangements

     This endpoint retrieves the list of arrangements. Pick one by id for
    `createSong`, or let the song's tags choose. The reference repeats "results may
    vary according to your authentication scope" on every endpoint; for arrangements
    this spec reads it as a shared catalog: every user sees the same arrangements,
    and any user may show any of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArrangementList | Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ArrangementList | Error | None:
    """Index arrangements

     This endpoint retrieves the list of arrangements. Pick one by id for
    `createSong`, or let the song's tags choose. The reference repeats "results may
    vary according to your authentication scope" on every endpoint; for arrangements
    this spec reads it as a shared catalog: every user sees the same arrangements,
    and any user may show any of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArrangementList | Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
