"""`run(old, new)`: both verdicts of `imuze-spec diff`, deduplicated and in report order."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ._wire_uses import with_uses
from .findings import Finding
from .load import Spec, SpecLoadError, load
from .wire import wire_findings


def _python(old: Spec, new: Spec) -> list[Finding]:
    """The Python-API verdict: both clients generated and diffed (imported late: it needs
    the generator from the `spec` extra, and the wire verdict does not)."""
    try:
        from .python_api import GenerationError, python_findings
    except ImportError as exc:  # a lean install: griffe and the generator are not there
        raise SpecLoadError(
            f"the Python verdict needs the spec extra ({exc.name} is missing): "
            "pip install 'imuze[spec]', or pass --no-python"
        ) from None

    with tempfile.TemporaryDirectory(prefix="imuze-spec-") as tmp:
        paths = []
        for name, spec in (("old", old), ("new", new)):
            path = Path(tmp) / name / "openapi.yaml"
            path.parent.mkdir()
            path.write_text(spec.text, encoding="utf-8")
            paths.append(path)
        try:
            return python_findings(paths[0], paths[1])
        except GenerationError as exc:  # the generator refused a spec: it cannot be loaded
            raise SpecLoadError(str(exc)) from None


def order(findings: list[Finding]) -> list[Finding]:
    """Once each (by fingerprint), grouped by operation, the most severe first."""
    unique = {finding.fingerprint: finding for finding in findings}
    return sorted(
        unique.values(),
        key=lambda f: (group_of(f), -f.level, f.side != "wire", f.location, f.id),
    )


def group_of(finding: Finding) -> str:
    """The heading a finding is listed under: its operation, or what a shared change reaches."""
    if finding.operation:
        return finding.operation
    if finding.operations:
        return ", ".join(finding.operations)
    return ""


def _same(before: Spec, after: Spec) -> bool:
    try:
        return bool(before.doc == after.doc)
    except RecursionError:  # deeper than the comparison's stack: the wire verdict says so
        return False


def run(old: str, new: str, *, python: bool = True, cwd: Path | None = None) -> list[Finding]:
    """Load both specs (a path or `GITREF:path`) and classify every change between them.

    Raises SpecLoadError (one readable line) when either spec cannot be loaded.
    """
    before, after = load(old, cwd), load(new, cwd)
    if before.text == after.text or _same(before, after):
        return []  # the same document (comments and layout aside) generates the same client
    findings = with_uses(before, wire_findings(before, after))
    if python:
        findings += _python(before, after)
    return order(findings)
