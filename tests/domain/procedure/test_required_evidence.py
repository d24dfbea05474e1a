"""Which indicators still lack the evidence their scheme requires (``evidence_missing``)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.procedure import evidence_missing


@dataclass(frozen=True)
class Indicator:
    id: str
    evidence_required: bool


INDICATORS = (
    Indicator("STR-01", True),
    Indicator("STR-02", False),
    Indicator("PRO-01", True),
    Indicator("PRO-02", True),
)


def test_required_evidence_without_a_file_is_missing_in_the_schemes_order() -> None:
    assert evidence_missing(INDICATORS, set()) == ("STR-01", "PRO-01", "PRO-02")
    assert evidence_missing(INDICATORS, {"PRO-01"}) == ("STR-01", "PRO-02")


def test_evidence_that_is_not_required_is_never_missing() -> None:
    assert evidence_missing(INDICATORS, {"STR-01", "PRO-01", "PRO-02"}) == ()
    assert evidence_missing([Indicator("X", False)], set()) == ()


def test_a_file_for_an_indicator_the_scheme_does_not_have_counts_for_nothing() -> None:
    assert evidence_missing(INDICATORS, {"OTHER-01", "str-01"}) == ("STR-01", "PRO-01", "PRO-02")


@given(
    st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.booleans()), unique_by=lambda t: t[0]),
    st.sets(st.sampled_from("ABCDEFGH")),
)
def test_missing_is_exactly_the_required_without_a_file(
    pairs: list[tuple[str, bool]], evidenced: set[str]
) -> None:
    indicators = [Indicator(i, required) for i, required in pairs]
    missing = evidence_missing(indicators, evidenced)
    assert set(missing) == {i for i, required in pairs if required and i not in evidenced}
    assert list(missing) == [i for i, _r in pairs if i in missing]  # the scheme's order
