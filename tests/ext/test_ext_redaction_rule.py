"""A secret the caller knows is hidden whatever its length, by one rule (replace_secret):
anywhere from MIN_SECRET_LENGTH characters; shorter, where it is evidently the secret (the
whole text, a whole quoted value, a word of its own from MIN_WORD_SECRET_LENGTH unless it
is letters only) and never where it may be the server's prose."""

from __future__ import annotations

import pytest

from imuze_ext.redaction import (
    MIN_SECRET_LENGTH,
    MIN_WORD_SECRET_LENGTH,
    REDACTED,
    redact,
    redact_url,
    replace_secret,
)


@pytest.mark.parametrize("length", range(MIN_WORD_SECRET_LENGTH, MIN_SECRET_LENGTH))
def test_a_short_known_secret_is_hidden_where_it_stands(length: int) -> None:
    secret = "pQ7xZ9k"[:length]
    for text in (
        f"wrong password {secret}",
        f'{{"password": "{secret}"}}',
        f"password={secret}&next=1",
        f"({secret})",
        secret,
    ):
        hidden = replace_secret(text, secret)
        assert secret not in hidden, text
        assert REDACTED in hidden, text


@pytest.mark.parametrize("length", range(MIN_WORD_SECRET_LENGTH, MIN_SECRET_LENGTH))
def test_a_short_known_secret_inside_a_longer_word_is_not_that_secret(length: int) -> None:
    secret = "pQ7xZ9k"[:length]
    for text in (f"{secret}0", f"x{secret}", f"é{secret}ü"):
        assert replace_secret(text, secret) == text


def test_a_short_secret_with_punctuation_at_an_edge_is_hidden_next_to_anything() -> None:
    # A quote, non-ASCII, a space, a backslash: neither edge is a letter or a digit.
    secret = '"ä \\'
    assert replace_secret(f"x{secret}y", secret) == f"x{REDACTED}y"
    # Only the edge that is a letter decides: 'ä' touching 'a' makes one longer word.
    assert replace_secret('xä" \\', 'ä" \\') == 'xä" \\'
    assert replace_secret('-ä" \\y', 'ä" \\') == f"-{REDACTED}y"


@pytest.mark.parametrize("secret", ["or", "wrong", "email", "mail", "x", "pw1"])
def test_a_secret_that_may_be_a_word_of_prose_is_hidden_only_where_it_stands_whole(
    secret: str,
) -> None:
    # Letters only, or under MIN_WORD_SECRET_LENGTH: "or" and "wrong" are also words.
    assert replace_secret("wrong email or password", secret) == "wrong email or password"
    assert replace_secret(secret, secret) == REDACTED
    assert replace_secret(f'{{"password": "{secret}"}}', secret) == '{"password": "[redacted]"}'
    assert replace_secret(f"got '{secret}'.", secret) == "got '[redacted]'."
    assert replace_secret(f'say \\"{secret}\\"', secret) == f'say \\"{secret}\\"'
    assert redact(secret, [secret]) == REDACTED


def test_a_long_secret_is_hidden_wherever_it_appears() -> None:
    secret = "k" * MIN_SECRET_LENGTH
    assert replace_secret(f"x{secret}y", secret) == f"x{REDACTED}y"
    assert redact(f"Bearer {secret}1", [f"Bearer {secret}1", secret]) == REDACTED


def test_the_replacement_is_taken_literally() -> None:
    assert replace_secret("pw: ab1d", "ab1d", r"${IMUZE_PASSWORD}\1") == r"pw: ${IMUZE_PASSWORD}\1"


def test_a_secret_query_parameter_is_hidden_wherever_it_stands_in_a_url() -> None:
    """Only the values of credential-carrying parameters go, whatever their case; a
    parameter nested in another's value (a redirect target) goes too."""
    url = "https://h/a.mp3?X-Amz-Signature=s1&x=1&next=/b?token=s2;KEY=s3&sig=#t=1"
    shown = redact_url(url)
    assert not any(secret in shown for secret in ("s1", "s2", "s3"))
    assert shown.count(REDACTED) == 3
    assert "x=1" in shown and "sig=#t=1" in shown
    assert redact_url("http://me:pw@h/p") == f"http://{REDACTED}@h/p"
