"""The drift report as JUnit XML: one test per deviation (failed) and per clean operation."""

from __future__ import annotations

from xml.etree import ElementTree

from .report import Report

SUITE = "imuze contract"


def render_junit(report: Report) -> str:
    """JUnit XML that CI test reporters show as one failed test per deviation."""
    deviations = report.sorted_deviations()
    deviating = {d.operation for d in deviations}
    clean = [op for op in report.operations if op not in deviating]
    suite = ElementTree.Element(
        "testsuite",
        name=SUITE,
        tests=str(len(deviations) + len(clean)),
        failures=str(len(deviations)),
        errors="0",
        time=f"{report.duration:.3f}",
    )
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (("base_url", report.base_url), ("seed", str(report.seed))):
        ElementTree.SubElement(properties, "property", name=name, value=value)
    for d in deviations:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=f"{SUITE}.{d.operation_id}",
            name=f"{d.check} {d.status or '-'} {d.location}",
        )
        failure = ElementTree.SubElement(case, "failure", message=d.line, type=d.check)
        text = [f"{d.operation} · {d.count} case(s)", d.line]
        if d.suggestion:
            text.append(f"suggested fix: {d.suggestion}")
        if d.curl:
            text += ["reproduce with:", d.curl]
        failure.text = "\n".join(text)
    for operation in clean:
        ElementTree.SubElement(
            suite,
            "testcase",
            classname=f"{SUITE}.operations",
            name=f"{operation} keeps the contract",
        )
    if report.notes:
        ElementTree.SubElement(suite, "system-out").text = "\n".join(report.notes)
    ElementTree.indent(suite)
    body = ElementTree.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
