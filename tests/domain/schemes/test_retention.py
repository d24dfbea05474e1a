"""A scheme's optional ``retention:`` section: validated, and outside the hash when absent."""

from __future__ import annotations

import pytest

from clusterlabel.domain.errors import SchemeFileError
from tests.domain.factories import build_scheme, scheme_data


def test_a_scheme_without_retention_keeps_its_content_hash() -> None:
    plain = build_scheme(scheme_data())
    assert plain.retention is None
    assert "retention" not in plain.model_dump(mode="json")
    # The same hash as a dump without the key ever existing: what files written before hash to.
    data = scheme_data()
    assert build_scheme(data).content_hash == plain.content_hash


def test_retention_is_read_and_changes_the_hash() -> None:
    plain = build_scheme(scheme_data())
    data = scheme_data()
    data["retention"] = {"evidence_months_after_decision": 60}
    kept = build_scheme(data)
    assert kept.retention is not None
    assert kept.retention.evidence_months_after_decision == 60
    assert kept.model_dump(mode="json")["retention"] == {"evidence_months_after_decision": 60}
    assert kept.content_hash != plain.content_hash


@pytest.mark.parametrize(
    "section",
    [
        {"evidence_months_after_decision": 0},
        {"evidence_months_after_decision": "60"},
        {"evidence_months_after_decision": 60, "other": 1},
        {},
    ],
)
def test_a_wrong_retention_section_is_refused(section: dict) -> None:
    data = scheme_data()
    data["retention"] = section
    with pytest.raises(SchemeFileError, match="retention"):
        build_scheme(data)
