"""MP3 encoding with LAME."""

from __future__ import annotations

import lameenc
import numpy as np

from .synth import SAMPLE_RATE, Samples

BITRATE_KBPS = 64
_QUALITY = 7  # LAME's 0 (best) .. 9 (fastest): 7 is twice as fast as 5 and fine for a mock


def encode_mp3(samples: Samples) -> bytes:
    """Mono float samples in [-1, 1] as a constant-bitrate MP3."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(_QUALITY)
    pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2")
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
