"""MockConfig refuses, where it is made, every value that cannot work: one line each."""

from __future__ import annotations

import dataclasses
import math

import pytest

from imuze_mock import DEMO, Account, MockConfig, running
from imuze_mock.config import _AT_LEAST

NUMBER_FIELDS = sorted(
    f.name for f in dataclasses.fields(MockConfig) if f.type in ("float", "int", "float | None")
)


def test_every_number_field_has_a_rule():
    assert set(NUMBER_FIELDS) == set(_AT_LEAST)


@pytest.mark.parametrize("name", NUMBER_FIELDS)
@pytest.mark.parametrize("bad", [math.nan, -math.inf, math.inf, -1, True, "1"])
def test_numbers_that_cannot_work_are_refused_in_one_line(name, bad):
    if name == "seed" and isinstance(bad, int) and not isinstance(bad, bool):
        return  # any integer seeds the fault injector
    with pytest.raises(ValueError, match=f"^{name} must be ") as refused:
        MockConfig(**{name: bad})
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "least"),
    [("render_workers", 1), ("max_songs", 1), ("max_tokens", 1), ("max_body_bytes", 1)],
)
def test_counts_below_their_least_value_are_refused(name, least):
    with pytest.raises(ValueError, match=f"^{name} must be >= {least}, not {least - 1}$"):
        MockConfig(**{name: least - 1})


def test_a_nan_token_ttl_is_refused():
    # It used to expire every token at once.
    with pytest.raises(ValueError, match=r"^token_ttl must be >= 0, not nan$"):
        MockConfig(token_ttl=math.nan)
    with pytest.raises(ValueError, match=r"^rate_limit must be > 0 requests per second"):
        MockConfig(rate_limit=0)


@pytest.mark.parametrize(
    "accounts",
    [(), [DEMO], (DEMO, "other"), (DEMO, DEMO), (DEMO, Account("x@y.z", "p", DEMO.api_key))],
)
def test_accounts_that_cannot_work_are_refused(accounts):
    # No account left `app.state.demo` pointing at credentials the store did not hold.
    with pytest.raises(ValueError, match=r"^accounts must"):
        MockConfig(accounts=accounts)


def test_the_demo_account_is_always_one_the_store_holds():
    solo = Account("solo@imuze.io", "pw")
    config = MockConfig(accounts=(solo,))
    assert config.demo == config.other == solo


@pytest.mark.parametrize("port", [-1, 65536, 99999, 1.5, True])
def test_a_port_outside_0_to_65535_is_refused(port):
    with pytest.raises(ValueError, match=r"^port must be an integer from 0 to 65535"):
        with running(port=port):
            pass


def test_defaults_and_sensible_values_are_accepted():
    MockConfig()
    MockConfig(token_ttl=0, render_delay=0, rate_limit=0.5, max_queue=0, retry_after=0, seed=-5)
