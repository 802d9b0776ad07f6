from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.song_create import SongCreate
from ...models.song_created import SongCreated
from ...types import Response


def _get_kwargs(
    *,
    body: SongCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/songs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SongCreated | None:
    if response.status_code == 201:
        response_201 = SongCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

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
) -> Response[Error | SongCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SongCreate,
) -> Response[Error | SongCreated]:
    """Create a song

     This endpoint creates a song. The title is the musical seed of the song: the
    same title and arrangement give the same melody. The answer is a song that is
    still being made: poll `getSong` until its `status` is `ready`, then download
    its `mp3_url`.

    Choose the arrangement by id, or set `arrangement_id` to `null` and let the
    `tags` choose it ("access existing arrangements either by ids or by tags").
    A create is not idempotent: a client must not retry one that the server may
    have processed, or it may get a duplicate song.

    Args:
        body (SongCreate): The body of `createSong`. All four keys are required. Example:
            {'title': 'Morning Over The Bay', 'arrangement_id': None, 'tags': ['calm', 'strings'],
            'desired_length': 30}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SongCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SongCreate,
) -> Error | SongCreated | None:
    """Create a song

     This endpoint creates a song. The title is the musical seed of the song: the
    same title and arrangement give the same melody. The answer is a song that is
    still being made: poll `getSong` until its `status` is `ready`, then download
    its `mp3_url`.

    Choose the arrangement by id, or set `arrangement_id` to `null` and let the
    `tags` choose it ("access existing arrangements either by ids or by tags").
    A create is not idempotent: a client must not retry one that the server may
    have processed, or it may get a duplicate song.

    Args:
        body (SongCreate): The body of `createSong`. All four keys are required. Example:
            {'title': 'Morning Over The Bay', 'arrangement_id': None, 'tags': ['calm', 'strings'],
            'desired_length': 30}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SongCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SongCreate,
) -> Response[Error | SongCreated]:
    """Create a song

     This endpoint creates a song. The title is the musical seed of the song: the
    same title and arrangement give the same melody. The answer is a song that is
    still being made: poll `getSong` until its `status` is `ready`, then download
    its `mp3_url`.

    Choose the arrangement by id, or set `arrangement_id` to `null` and let the
    `tags` choose it ("access existing arrangements either by ids or by tags").
    A create is not idempotent: a client must not retry one that the server may
    have processed, or it may get a duplicate song.

    Args:
        body (SongCreate): The body of `createSong`. All four keys are required. Example:
            {'title': 'Morning Over The Bay', 'arrangement_id': None, 'tags': ['calm', 'strings'],
            'desired_length': 30}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SongCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SongCreate,
) -> Error | SongCreated | None:
    """Create a song

     This endpoint creates a song. The title is the musical seed of the song: the
    same title and arrangement give the same melody. The answer is a song that is
    still being made: poll `getSong` until its `status` is `ready`, then download
    its `mp3_url`.

    Choose the arrangement by id, or set `arrangement_id` to `null` and let the
    `tags` choose it ("access existing arrangements either by ids or by tags").
    A create is not idempotent: a client must not retry one that the server may
    have processed, or it may get a duplicate song.

    Args:
        body (SongCreate): The body of `createSong`. All four keys are required. Example:
            {'title': 'Morning Over The Bay', 'arrangement_id': None, 'tags': ['calm', 'strings'],
            'desired_length': 30}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SongCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
