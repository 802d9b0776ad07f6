"""`make generate`: regenerate `generated/imuze_client` from the spec, all or nothing.

The client is generated into a temporary folder (as check-generated and `imuze-spec diff`
do), and only a complete generation replaces the old package; when the generator fails,
`generated/` is left exactly as it was and the error is one readable line.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ._generation import PACKAGE, GenerationError, generate_clients

__all__ = ["GenerationError", "regenerate"]


def regenerate(spec: Path, into: Path) -> float:
    """Replace `into`/imuze_client with the client generated from `spec`; the seconds taken.

    Raises GenerationError (one line) and leaves `into` untouched when generation fails.
    """
    start = time.perf_counter()
    target = into / PACKAGE
    with tempfile.TemporaryDirectory(prefix="imuze-generate-") as staging:
        generate_clients([spec], [Path(staging)])
        into.mkdir(parents=True, exist_ok=True)
        backup = into / f".{PACKAGE}.replaced-{os.getpid()}"
        if target.exists():
            target.rename(backup)
        try:
            shutil.move(str(Path(staging) / PACKAGE), str(target))
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            if backup.exists():
                backup.rename(target)
            raise GenerationError(f"cannot move the generated client into {into}: {exc}") from None
        shutil.rmtree(backup, ignore_errors=True)
    return time.perf_counter() - start
