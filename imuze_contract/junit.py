"""The drift report as JUnit XML: a failed test per new deviation, a skipped one per accepted
deviation (with the baseline's reason), and a passed one per clean operation; then the
coverage as a suite of its own: its figures as properties, a test per operation of the spec,
and, with --min-coverage, a test that fails when the run exercised less."""

from __future__ import annotations

from xml.etree import ElementTree

from .coverage import Coverage
from .report import Deviation, Report

SUITE = "imuze contract"
COVERAGE_SUITE = "imuze contract coverage"


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
    root = ElementTree.Element("testsuites", name=SUITE)
    root.append(suite)
    if report.coverage is not None:
        root.append(_coverage_suite(report.coverage, report.min_coverage))
    for total in ("tests", "failures", "errors", "skipped"):
        root.set(total, str(sum(int(s.get(total, "0")) for s in root)))
    root.set("time", suite.get("time", "0"))
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _coverage_properties(coverage: Coverage, minimum: float | None) -> list[tuple[str, str]]:
    """The coverage as (name, value) pairs: `coverage.<operationId>.<field>` per operation."""
    facts = [("coverage.percent", f"{coverage.percent:.2f}")]
    if minimum is not None:
        facts.append(("coverage.min", f"{minimum:g}"))
    for op in coverage.operations:
        at = f"coverage.{op.operation_id}"
        facts += [
            (f"{at}.operation", op.label), (f"{at}.requests", str(op.requests)),
            (f"{at}.statuses_observed", ",".join(op.statuses_observed)),
            (f"{at}.statuses_not_observed", ",".join(op.statuses_not_observed)),
            (f"{at}.statuses_undocumented", ",".join(map(str, op.statuses_undocumented))),
            (f"{at}.inputs_exercised", ",".join(op.inputs_exercised)),
            (f"{at}.inputs_not_exercised", ",".join(op.inputs_not_exercised)),
            (f"{at}.checks_ran", ",".join(op.checks_ran)),
            *((f"{at}.check_not_run.{check}", why) for check, why in op.checks_not_run.items()),
            (f"{at}.links_followed", ",".join(op.links_followed)),
            (f"{at}.states_reached", ",".join(op.states_reached)),
        ]  # fmt: skip
    facts += [(f"not_in_spec.{r.method} {r.path}", r.line) for r in coverage.not_in_spec]
    added = coverage.added
    facts += [("added_requests.sent", str(added.sent)), ("added_requests.created", str(
        added.created)), ("added_requests.per_created", f"{added.per_created:g}"),
        ("added_requests.bound", str(added.bound))]  # fmt: skip
    return facts


def _coverage_suite(coverage: Coverage, minimum: float | None) -> ElementTree.Element:
    """A passed test per operation (its figures in its name), the off-spec routes and the
    figures as properties, and the --min-coverage gate as a test of its own."""
    short = minimum is not None and coverage.percent < minimum
    tests = len(coverage.operations) + (minimum is not None)
    suite = ElementTree.Element(
        "testsuite", name=COVERAGE_SUITE, tests=str(tests), failures=str(int(short)),
        errors="0", skipped="0", time="0",
    )  # fmt: skip
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in _coverage_properties(coverage, minimum):
        ElementTree.SubElement(properties, "property", name=name, value=value)
    for op in coverage.operations:
        ElementTree.SubElement(
            suite, "testcase", classname=f"{COVERAGE_SUITE}.{op.operation_id}",
            name=f"{op.label}: {op.line}",
        )  # fmt: skip
    if minimum is not None:
        gate = ElementTree.SubElement(
            suite, "testcase", classname=COVERAGE_SUITE, name=f"coverage >= {minimum:g}%"
        )
        if short:
            message = f"coverage {coverage.headline}: below --min-coverage {minimum:g}%"
            ElementTree.SubElement(gate, "failure", message=message, type="min_coverage")
    out = [f"not in the spec: {route.line}" for route in coverage.not_in_spec]
    out += [f"not run: {check} on {', '.join(on)}: {why}" for check, why, on in coverage.not_run()]
    out.append(coverage.added.line)
    text = [f"coverage {coverage.headline}", *out]
    ElementTree.SubElement(suite, "system-out").text = "\n".join(text)
    return suite
