"""An invalid base URL is named without its user info (issue 24, defect 4)."""

from __future__ import annotations

import pytest

from imuze import Imuze
from imuze_ext import ImuzeError

PASSWORD = 'S3cret-p\u00e4ss"w'


@pytest.mark.parametrize(
    "url",
    [
        "ftp://deploy:S3cret-p%C3%A4ss%22w@example/api/4",  # a scheme the client refuses
        "http://deploy:S3cret-p%C3%A4ss%22w@:80/api/4",  # no host
        "http://deploy:S3cret-p%C3%A4ss%22w@example:notaport/api/4",  # httpx refuses it
    ],
)
def test_an_invalid_base_url_does_not_echo_its_password(url: str) -> None:
    with pytest.raises(ImuzeError) as caught:
        Imuze(api_key="k" * 20, base_url=url)
    shown = f"{caught.value}{caught.value!r}"
    assert "invalid base URL" in shown
    assert "S3cret" not in shown and PASSWORD not in shown
