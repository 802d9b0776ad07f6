"""A consumer that uses imuze_ext correctly: must pass mypy --strict."""

from __future__ import annotations

import asyncio
from pathlib import Path

from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongSummary

from imuze_ext import AsyncImuze, Imuze, ImuzeError, RateLimitError, SongTimeoutError, authorize


def workflow(out: Path) -> Path | None:
    with Imuze(email="demo@imuze.io", password="imuze-demo", max_retries=3, timeout=10.0) as api:
        listed: ArrangementList = api.arrangements.get()
        first: Arrangement = api.arrangements.get(listed.response[0].id)
        created: SongCreated = api.songs.post(
            title="Morning Over The Bay", arrangement_id=first.id, tags=["calm"], desired_length=30
        )
        try:
            song: Song = api.songs.wait(created, timeout=120.0)
        except SongTimeoutError as exc:
            print(exc.last_status)
            return None
        except RateLimitError as exc:
            print(exc.retry_after)
            return None
        ready: list[SongSummary] = api.songs.wait_all([created, song.id], timeout=5.0)
        print(ready[0].status)
        return api.songs.download(song, out, progress=lambda got, total: None)


def by_key() -> int:
    api = authorize("KEY", base_url="http://127.0.0.1:8000/api/4")
    try:
        return api.songs.list().count
    except ImuzeError:
        return 0
    finally:
        api.close()


async def many() -> list[Song]:
    async with AsyncImuze(api_key="KEY") as api:
        created = [
            await api.songs.create(title=t, tags=["rock"], desired_length=10)
            for t in ("Night Drive", "Blue Hour")
        ]
        return list(await asyncio.gather(*(api.songs.wait(c, timeout=60.0) for c in created)))
