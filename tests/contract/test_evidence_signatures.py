"""A report's evidence quotes no presigned signature and no URL user info: the values it
keeps from the server's answers (an mp3_url) go through the one redaction vocabulary."""

from __future__ import annotations

import json

from imuze_contract.redact import Secrets
from imuze_contract.report import Deviation, Report
from imuze_contract.runner import _scrub

SIGNED = "//cdn.test/media/1.mp3?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=sG9w%22Lf-sign"


def test_the_evidence_keeps_no_signature() -> None:
    evidence = {
        "value": SIGNED,
        "body": {"id": 1, "mp3_url": SIGNED, "links": ["http://deploy:S3cret-pw@cdn.test/a"]},
    }
    deviation = Deviation(
        "GET /songs/{id}", "getSong", "response_schema_conformance", 200, "/mp3_url",
        "a URI", "a protocol-relative URL", None, "", "ST1", "title", evidence=evidence,
    )  # fmt: skip
    report = Report("http://api.test/api/4", 1, 1, deviations=[deviation])
    _scrub(report, Secrets(), "http://api.test/api/4/tokens")
    text = json.dumps(report.deviations[0].evidence)
    assert "sG9w" not in text and "AKIA" not in text and "S3cret" not in text
    assert report.deviations[0].evidence["body"]["id"] == 1
    assert "cdn.test/media/1.mp3?X-Amz-Credential=" in text  # the rest is kept
