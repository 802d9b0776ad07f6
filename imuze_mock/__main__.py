"""``python -m imuze_mock``: the ``imuze-mock`` command, whose argument handling lives with
every other command line in imuze_cli/mock.py. This entry script is a command line itself,
not part of the library: the one module of imuze_mock that may import imuze_cli."""

import sys

from imuze_cli.mock import main

if __name__ == "__main__":
    sys.exit(main())
