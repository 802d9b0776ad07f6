"""imuze: a typed Python client for the iMuze song-generation API.

    import imuze

    api = imuze.authorize("API_KEY")
    for arrangement in api.arrangements.list().response:
        print(arrangement.id, arrangement.name)

The public import: the names of imuze_ext (the hand-written client layer) and nothing else,
one name each: `imuze.Imuze`, `imuze.AsyncImuze`, `imuze.authorize`, the exceptions,
`imuze.__version__`. Models are the generated ones (`imuze_client.models`).
"""

import imuze_ext as _ext
from imuze_ext import *  # noqa: F403  (exactly imuze_ext.__all__)

__all__: list[str] = []
__all__ += _ext.__all__
