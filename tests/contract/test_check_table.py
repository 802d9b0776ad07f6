"""One row per check: a check's metadata lives in imuze_contract/checks.toml (read by
check_table.py), and its id appears, quoted, in at most one other product module (the code
that implements or handles it), never in a second table keyed by the same strings."""

from __future__ import annotations

from pathlib import Path

from imuze_contract import checks, checks_body
from imuze_contract.check_table import CHECKS, SINGLE_ANSWER, checks_of_run, row_of

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("imuze", "imuze_ext", "imuze_cli", "imuze_mock", "imuze_contract", "imuze_spec")
#: `error` is also an ordinary word (an error body's field, a status kind).
WORDS = {"error"}


def test_a_check_id_is_quoted_in_at_most_one_module_beside_its_row() -> None:
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if path.name != "check_table.py"
    }
    crowded = {}
    for check in set(CHECKS) - WORDS:
        homes = [name for name, text in sources.items() if f'"{check}"' in text]
        if len(homes) > 1:
            crowded[check] = homes
    assert crowded == {}


def test_the_contracts_own_checks_take_their_metadata_from_their_row() -> None:
    own = [checks.count_matches_items, checks.shows_requested_resource,
           checks.malformed_path_id_answers_400, checks_body.error_body_echoes_credentials,
           checks_body.error_body_discloses_internals,
           checks_body.response_schema_under_any_content_type]  # fmt: skip
    for check in own:
        assert row_of(check).id == check.__name__
    assert checks.CountMismatch.checks == ("count_matches_items",)
    assert set(SINGLE_ANSWER) <= set(CHECKS)
    ran, not_run = checks_of_run(2)
    assert set(ran).isdisjoint(dict(not_run)) and set(ran) | set(dict(not_run)) == set(CHECKS)
