"""imuze: a typed Python client for the iMuze song-generation API.

    import imuze

    api = imuze.authorize("API_KEY")
    for arrangement in api.arrangements.list().response:
        print(arrangement.id, arrangement.name)

The public import: the names of imuze_ext (the hand-written client layer) and nothing else,
one name each: `imuze.Imuze`, `imuze.AsyncImuze`, `imuze.authorize`, the exceptions,
`imuze.__version__`. Models are the generated ones (`imuze_client.models`).
"""

from imuze_ext import *  # noqa: F403
from imuze_ext import __all__ as __all__
from imuze_ext import __version__ as __version__
from imuze_ext.errors import *  # noqa: F403 - mypy does not see them through imuze_ext's star
