"""Judge a replayed answer as the run judged the original one (replay.py's second half)."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.schemas import OpenApiSchema

from .config import contract_config, load_schema, write_wfc_document
from .describe import describe
from .report import Deviation
from .session import RESPONSE_CHECKS, judge
from .target import Target


def same_deviation(
    row: Deviation, answer: httpx.Response, target: Target, spec: Path | None = None
) -> tuple[bool, str]:
    """(whether `answer` shows the row's deviation again, a short line saying what it shows)."""
    status = answer.status_code
    if row.check not in RESPONSE_CHECKS or row.probe is not None:
        same = status == row.status
        return same, f"answered {status} (the row: {row.status})"
    schema = _schema(target, spec)
    method, template = row.operation.split(" ", 1)
    operation = schema[template][method]
    case = operation.Case(**_case_parts(answer.request, template, target.base_url))
    found = []
    for check, failure in judge(case, Response.from_any(answer), [row.check]):
        finding = describe(failure, case, Response.from_any(answer), schema.raw_schema, check)
        found.append((finding.status, finding.location, finding.actual))
    for found_status, location, actual in found:
        if (found_status, location) == (row.status, row.location):
            return True, f"answered {status}: {actual}"
    return False, f"answered {status}, which {row.check} accepts at {row.location}"


@functools.lru_cache(maxsize=4)
def _schema(target: Target, spec: Path | None) -> OpenApiSchema:
    """The spec the row was found against (None: the packaged one) under the contract's
    configuration, loaded once per target."""
    with tempfile.TemporaryDirectory(prefix="imuze-replay-") as workdir:
        wfc = write_wfc_document(target, Path(workdir) / "wfc.yaml")
        config = contract_config(target, wfc, max_examples=1, scenarios=1, seed=0)
        return load_schema(target, config, spec)


def _case_parts(request: httpx.Request, template: str, base_url: str) -> dict[str, Any]:
    base_path = urlsplit(base_url).path.rstrip("/")
    path = request.url.path.removeprefix(base_path)
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
    match = re.fullmatch(pattern, path)
    parameters: dict[str, Any] = {}
    for name, value in (match.groupdict() if match else {}).items():
        parameters[name] = int(value) if value.isdigit() else value
    parts: dict[str, Any] = {"path_parameters": parameters, "headers": dict(request.headers)}
    if request.content:
        try:
            parts |= {"body": json.loads(request.content), "media_type": "application/json"}
        except ValueError:
            pass
    return parts
