"""The drift report as JUnit XML: a failed test per new deviation, a skipped one per accepted
deviation (with the baseline's reason), and a passed one per clean operation."""

from __future__ import annotations

from xml.etree import ElementTree

from .report import Deviation, Report

SUITE = "imuze contract"


def _case(suite: ElementTree.Element, d: Deviation) -> ElementTree.Element:
    case = ElementTree.SubElement(
        suite, "testcase", classname=f"{SUITE}.{d.operation_id}",
        name=f"{d.check} {d.status or '-'} {d.location}",
    )  # fmt: skip
    properties = ElementTree.SubElement(case, "properties")
    ElementTree.SubElement(properties, "property", name="fingerprint", value=d.fingerprint)
    return case


def _text(d: Deviation) -> str:
    text = [f"{d.operation} · {d.count} case(s) · fingerprint {d.fingerprint}", d.line]
    if d.suggestion:
        text.append(f"suggested fix: {d.suggestion}")
    if d.curl:
        text += ["reproduce with (export IMUZE_TOKEN, or IMUZE_EMAIL and IMUZE_PASSWORD):", d.curl]
    return "\n".join(text)


def render_junit(report: Report) -> str:
    """JUnit XML that CI test reporters show as one failed test per new deviation."""
    deviations = report.sorted_deviations()
    accepted = report.sorted_accepted()
    deviating = {d.operation for d in deviations} | {a.deviation.operation for a in accepted}
    clean = [op for op in report.operations if op not in deviating]
    suite = ElementTree.Element(
        "testsuite",
        name=SUITE,
        tests=str(len(deviations) + len(accepted) + len(clean)),
        failures=str(len(deviations)),
        errors="0",
        skipped=str(len(accepted)),
        time=f"{report.duration:.3f}",
    )
    properties = ElementTree.SubElement(suite, "properties")
    facts = [("base_url", report.base_url), ("seed", str(report.seed))]
    if report.context is not None:
        context = report.context
        facts += [
            ("spec", context.spec or "packaged"), ("spec_path", context.spec_path),
            ("spec_sha256", context.spec_sha256), ("users", ",".join(context.users)),
            ("checks_run", ",".join(context.checks_run)),
            *((f"check_not_run.{check}", why) for check, why in context.checks_not_run),
        ]  # fmt: skip
    for name, value in facts:
        ElementTree.SubElement(properties, "property", name=name, value=value)
    for d in deviations:
        failure = ElementTree.SubElement(_case(suite, d), "failure", message=d.line, type=d.check)
        failure.text = _text(d)
    for item in accepted:
        reason = f"accepted by the baseline ({item.date}): {item.reason}"
        skipped = ElementTree.SubElement(_case(suite, item.deviation), "skipped", message=reason)
        skipped.text = _text(item.deviation)
    for operation in clean:
        ElementTree.SubElement(
            suite, "testcase", classname=f"{SUITE}.operations",
            name=f"{operation} keeps the contract",
        )  # fmt: skip
    out = [*report.notes, *(f"stale baseline entry: {entry.line}" for entry in report.stale)]
    if out:
        ElementTree.SubElement(suite, "system-out").text = "\n".join(out)
    ElementTree.indent(suite)
    body = ElementTree.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
