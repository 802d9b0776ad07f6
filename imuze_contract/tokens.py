"""How guessable the tokens a run obtained are: a sequence, and an upper bound on their entropy.

Pure: tokens in (in the order they were issued), findings out; behave_tokens.py obtains them.
The estimate is deliberately generous, so that a finding is never a false alarm: every
position at which the tokens differ is counted as if it were drawn uniformly from every
character the tokens use, `varying positions * log2(alphabet)`. Random tokens of 128 bits (32
hex digits) score 128; `tok-000041`, `tok-000042`, ... score under 8; a fixed prefix costs the
tokens its positions. With fewer than MIN_TOKENS tokens no estimate is made (the check is
reported as not run).
"""

from __future__ import annotations

import math
from itertools import pairwise

#: The tokens a run must obtain before their entropy is estimated.
MIN_TOKENS = 8
#: The entropy a token must have at least, in bits (RFC 6749 §10.10 asks 128; the estimate
#: from a handful of tokens cannot prove that much, but a token under 64 is guessable).
MIN_BITS = 64
#: Consecutive tokens may share at most this fraction of the shorter one as a prefix.
MAX_SHARED_PREFIX = 0.5


def entropy_bits(tokens: list[str]) -> float:
    """The generous estimate: positions that vary across `tokens` * log2(their alphabet)."""
    if len(tokens) < 2:
        return 0.0
    width = max(len(token) for token in tokens)
    padded = [token.ljust(width, "\0") for token in tokens]
    varying = sum(len({token[i] for token in padded}) > 1 for i in range(width))
    alphabet = len(set("".join(tokens)))
    return varying * math.log2(alphabet) if alphabet > 1 else 0.0


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def token_findings(tokens: list[str]) -> list[str]:
    """What makes `tokens` guessable, in words that quote no token (none: they are not)."""
    found = []
    bits = entropy_bits(tokens)
    if bits < MIN_BITS:
        found.append(f"at most {bits:.0f} bits of entropy estimated over {len(tokens)} tokens "
                     f"(at least {MIN_BITS} wanted)")  # fmt: skip
    for index, (a, b) in enumerate(pairwise(tokens), start=1):
        shared = _shared_prefix(a, b)
        if shared > MAX_SHARED_PREFIX * min(len(a), len(b)):
            found.append(f"tokens {index} and {index + 1} share their first {shared} of "
                         f"{min(len(a), len(b))} characters")  # fmt: skip
            break
    return found
