"""The scheduling rules: periods, availability, the deadline window, candidate dates, venues."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.scheduling import (
    AgendaItem,
    Period,
    agenda_problems,
    assessment_span,
    candidate_starts,
    common_availability,
    deadline_window,
    intersection,
    merged,
    occupied,
    overlapping_period,
    reschedule_problem,
    start_problems,
    venue_problems,
    video_link_problem,
)

D = date(2026, 3, 2)  # a Monday


def p(start: int, end: int) -> Period:
    """Days counted from ``D``."""
    return Period(D + timedelta(days=start), D + timedelta(days=end))


def day(n: int) -> date:
    return D + timedelta(days=n)


# --- periods ---------------------------------------------------------------------------------


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(day(2), day(1))
    assert p(0, 0).days == 1
    assert list(p(0, 2).dates()) == [day(0), day(1), day(2)]


@pytest.mark.parametrize(
    ("other", "overlaps"),
    [
        ((0, 0), False),
        ((0, 4), False),
        ((0, 5), True),
        ((6, 7), True),
        ((10, 12), True),
        ((11, 12), False),
        ((4, 11), True),
    ],
)
def test_overlaps_shares_a_day(other: tuple[int, int], overlaps: bool) -> None:
    assert p(5, 10).overlaps(p(*other)) is overlaps
    assert p(*other).overlaps(p(5, 10)) is overlaps


def test_an_overlapping_period_of_the_same_person_is_found_touching_ones_are_not() -> None:
    existing = [p(10, 12), p(0, 3)]
    assert overlapping_period(existing, p(4, 9)) is None
    assert overlapping_period(existing, p(3, 10)) == p(0, 3)
    assert overlapping_period(existing, p(11, 11)) == p(10, 12)
    assert overlapping_period([], p(0, 0)) is None


def test_merged_joins_overlapping_and_touching_periods() -> None:
    assert merged([p(5, 6), p(0, 2), p(3, 3), p(10, 12), p(11, 11)]) == (
        p(0, 3),
        p(5, 6),
        p(10, 12),
    )


def test_intersection_and_common_availability() -> None:
    assert intersection([p(0, 5), p(8, 12)], [p(3, 9)]) == (p(3, 5), p(8, 9))
    assert intersection([p(0, 1)], [p(2, 3)]) == ()
    everyone = {"a": [p(0, 10)], "b": [p(2, 4), p(6, 20)], "c": [p(3, 8)]}
    assert common_availability(everyone, p(0, 30)) == (p(3, 4), p(6, 8))
    assert common_availability({}, p(0, 3)) == (p(0, 3),)
    assert common_availability({"a": []}, p(0, 3)) == ()


# --- the span and the window -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "span"), [(Decimal("0.5"), 1), (1, 1), (Decimal(1), 1), (2, 2), (Decimal("1.5"), 2)]
)
def test_the_span_is_whole_days(days: Decimal | int, span: int) -> None:
    assert assessment_span(days) == span


def test_an_assessment_takes_some_time() -> None:
    with pytest.raises(ValueError):
        assessment_span(0)
    with pytest.raises(ValueError):
        occupied(D, 0)
    assert occupied(D, 2) == Period(D, day(1))


def test_the_window_runs_from_the_preparation_time_to_the_moved_step_due_date() -> None:
    window = deadline_window(today=day(0), submitted_on=day(0), preparation_days=28, step_days=21)
    assert window == Period(day(28), day(49))
    # Submitted a week ago: the earliest day is the preparation time from today.
    window = deadline_window(today=day(7), submitted_on=day(0), preparation_days=28, step_days=21)
    assert window == Period(day(35), day(49))


def test_an_overdue_step_still_has_a_window() -> None:
    window = deadline_window(today=day(30), submitted_on=day(0), preparation_days=14, step_days=21)
    assert window == Period(day(44), day(65))


def test_without_a_submission_date_the_window_counts_from_today() -> None:
    window = deadline_window(today=day(3), submitted_on=None, preparation_days=0, step_days=21)
    assert window == Period(day(3), day(24))


def test_the_window_rejects_impossible_rules() -> None:
    with pytest.raises(ValueError):
        deadline_window(today=D, submitted_on=None, preparation_days=-1, step_days=21)
    with pytest.raises(ValueError):
        deadline_window(today=D, submitted_on=None, preparation_days=0, step_days=0)


@given(
    today=st.integers(0, 100),
    submitted=st.one_of(st.none(), st.integers(0, 100)),
    preparation=st.integers(0, 60),
    step=st.integers(1, 60),
)
def test_the_window_is_never_empty_and_respects_the_preparation_time(
    today: int, submitted: int | None, preparation: int, step: int
) -> None:
    window = deadline_window(
        today=day(today),
        submitted_on=None if submitted is None else day(submitted),
        preparation_days=preparation,
        step_days=step,
    )
    assert window.start <= window.end
    assert window.start >= day(today) + timedelta(days=preparation)
    if submitted is not None:
        assert window.start >= day(submitted) + timedelta(days=preparation)


# --- a start date ----------------------------------------------------------------------------


WINDOW = p(10, 30)


def test_a_start_inside_everything_is_fine() -> None:
    assert start_problems(day(12), span_days=2, window=WINDOW, availability={"a": [p(0, 40)]}) == ()


def test_a_start_outside_the_window_says_which_end() -> None:
    (before,) = start_problems(day(9), span_days=1, window=WINDOW, availability={})
    assert before.code == "appointment_before_window"
    assert before.params["earliest"] == day(10)
    (after,) = start_problems(day(31), span_days=1, window=WINDOW, availability={})
    assert after.code == "appointment_after_window"
    assert after.params["latest"] == day(30)


def test_an_unavailable_assessor_is_named_with_the_missing_days() -> None:
    availability = {"zoe": [p(12, 12)], "anna": [p(0, 5)], "ben": [p(12, 13)]}
    problems = start_problems(day(12), span_days=2, window=WINDOW, availability=availability)
    assert [(b.code, b.params["assessor"], b.params["days"]) for b in problems] == [
        ("assessor_unavailable", "anna", 2),
        ("assessor_unavailable", "zoe", 1),
    ]
    assert problems[0].params["first"] == day(12)
    assert problems[0].params["last"] == day(13)


def test_two_touching_periods_cover_a_two_day_assessment() -> None:
    availability = {"a": [p(11, 12), p(13, 14)]}
    assert start_problems(day(12), span_days=2, window=WINDOW, availability=availability) == ()


def test_candidates_are_the_starts_in_the_window_where_everyone_is_free() -> None:
    availability = {"a": [p(0, 13), p(20, 40)], "b": [p(12, 22), p(29, 31)]}
    assert candidate_starts(span_days=2, window=WINDOW, availability=availability) == (
        day(12),
        day(20),
        day(21),
        day(29),
        day(30),  # its second day lies beyond the window: the window bounds the start
    )
    assert candidate_starts(span_days=1, window=p(0, 2), availability={}) == (
        day(0),
        day(1),
        day(2),
    )
    assert candidate_starts(span_days=1, window=WINDOW, availability={"a": []}) == ()


periods = st.builds(
    lambda start, length: p(start, start + length), st.integers(0, 60), st.integers(0, 10)
)


@given(
    availability=st.dictionaries(
        st.sampled_from(["a", "b", "c"]), st.lists(periods, max_size=5), max_size=3
    ),
    window=periods,
    span=st.integers(1, 3),
)
def test_candidates_are_exactly_the_starts_without_problems(
    availability: dict[str, list[Period]], window: Period, span: int
) -> None:
    """The intersection of everyone's availability, cut to the window, gives the same dates
    as checking every day of the window one by one."""
    expected = tuple(
        d
        for d in window.dates()
        if start_problems(d, span_days=span, window=window, availability=availability) == ()
    )
    assert candidate_starts(span_days=span, window=window, availability=availability) == expected


@given(first=st.lists(periods, max_size=6), second=st.lists(periods, max_size=6))
def test_the_intersection_holds_exactly_the_shared_days(
    first: list[Period], second: list[Period]
) -> None:
    shared = intersection(first, second)
    days_a = {d for period in first for d in period.dates()}
    days_b = {d for period in second for d in period.dates()}
    assert {d for period in shared for d in period.dates()} == days_a & days_b
    assert list(shared) == sorted(shared)
    assert all(a.end + timedelta(days=1) < b.start for a, b in pairwise(shared))


# --- agenda, venue, reason -------------------------------------------------------------------


def test_an_agenda_fits_the_days_and_has_titles() -> None:
    good = [AgendaItem(1, time(9), "Welcome"), AgendaItem(2, time(9), "Interviews")]
    assert agenda_problems(good, span_days=2) == ()
    bad = [
        AgendaItem(3, time(9), "Too late"),
        AgendaItem(1, time(10), " "),
        AgendaItem(1, time(9), "A"),
        AgendaItem(1, time(9), "B"),
    ]
    codes = [b.code for b in agenda_problems(bad, span_days=2)]
    assert sorted(codes) == ["agenda_day_outside", "agenda_item_untitled", "agenda_time_twice"]


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("https://meet.example.org/room/42", None),
        ("HTTPS://meet.example.org", None),
        ("http://meet.example.org/room", "video_link_not_https"),
        ("javascript:alert(1)", "video_link_not_https"),
        ("https://", "video_link_not_https"),
        ("meet.example.org", "video_link_not_https"),
        ("https://user:secret@meet.example.org", "video_link_with_credentials"),
        ("https://[::1", "video_link_not_https"),
    ],
)
def test_only_https_video_links(link: str, code: str | None) -> None:
    problem = video_link_problem(link)
    assert (problem.code if problem else None) == code


def test_the_venue_matches_the_mode() -> None:
    assert venue_problems(mode="on_site", address="Hauptstr. 1", video_link="") == ()
    assert [b.code for b in venue_problems(mode="on_site", address=" ", video_link="")] == [
        "appointment_address_missing"
    ]
    assert [b.code for b in venue_problems(mode="video", address="", video_link="")] == [
        "appointment_link_missing"
    ]
    assert [b.code for b in venue_problems(mode="video", address="", video_link="http://x")] == [
        "video_link_not_https"
    ]
    assert venue_problems(mode="video", address="", video_link="https://x.example") == ()


def test_a_reschedule_needs_a_reason() -> None:
    assert reschedule_problem(version=1, reason="") is None
    assert reschedule_problem(version=2, reason="  ").code == "reschedule_reason_missing"
    assert reschedule_problem(version=2, reason="Assessor ill") is None
