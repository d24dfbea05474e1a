"""The structured assessment report and the organisation's feedback: pure rules.

The panel writes, per category of the scheme, its findings (strengths, weaknesses,
recommendations: lists of short texts). The report as a whole carries a ``revision`` that
grows with every change; an assessor's agreement binds to one revision, so an edit withdraws
every agreement (:func:`agreement_current`). Where the organisation was assessed before, the
report compares each category's score then and now (:func:`compare_categories`).

After the decision the organisation's managers rate the procedure and the panel once
(:func:`ratings_clean`); the ratings are shown only in aggregate (:func:`summarise`), per
expert only from :data:`MIN_RATINGS_PER_EXPERT` ratings on (:func:`expert_summaries`).

Standard library only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

# --- findings ----------------------------------------------------------------------------------


class FindingKind(StrEnum):
    """The three lists of findings the panel keeps per category."""

    STRENGTHS = "strengths"
    WEAKNESSES = "weaknesses"
    RECOMMENDATIONS = "recommendations"


#: A finding is a short text: one sentence or two, not a chapter.
MAX_FINDING_LENGTH = 500
#: At most this many findings of one kind in one category.
MAX_FINDINGS = 15


class ReportError(ValueError):
    """A report write the rules refuse: ``code`` (stable) and ``params`` for the message.

    Codes: ``finding_too_long`` (``length``, ``limit``), ``too_many_findings`` (``count``,
    ``limit``), ``report_revision_conflict`` (``current``, ``based_on``),
    ``categories_lack_findings`` (``categories``)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = MappingProxyType(dict(params))
        super().__init__(f"{code}: {dict(params)}")


def findings_clean(lines: Iterable[str]) -> tuple[str, ...]:
    """The findings as stored: each stripped, with inner whitespace runs of a line kept, blank
    lines dropped, exact repetitions dropped (the first kept, order kept).

    Raises ``ReportError`` (``finding_too_long``, ``too_many_findings``)."""
    cleaned: list[str] = []
    for line in lines:
        text = line.strip()
        if not text or text in cleaned:
            continue
        if len(text) > MAX_FINDING_LENGTH:
            raise ReportError("finding_too_long", length=len(text), limit=MAX_FINDING_LENGTH)
        cleaned.append(text)
    if len(cleaned) > MAX_FINDINGS:
        raise ReportError("too_many_findings", count=len(cleaned), limit=MAX_FINDINGS)
    return tuple(cleaned)


@dataclass(frozen=True)
class CategoryFindings:
    """The panel's findings for one category."""

    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()

    @property
    def has_findings(self) -> bool:
        """A category is covered once the panel names at least one strength or weakness; a
        recommendation alone says what to do, not what was found."""
        return bool(self.strengths or self.weaknesses)

    def of(self, kind: FindingKind | str) -> tuple[str, ...]:
        return tuple(getattr(self, FindingKind(kind).value))


def categories_lacking_findings(
    category_ids: Sequence[str], findings: Mapping[str, CategoryFindings]
) -> tuple[str, ...]:
    """The categories (in the scheme's order) for which the panel has no finding yet."""
    return tuple(
        category_id
        for category_id in category_ids
        if not findings.get(category_id, CategoryFindings()).has_findings
    )


# --- revision and agreement -----------------------------------------------------------------


def check_revision(*, current: int, based_on: int) -> None:
    """A write names the revision it was based on (0 when the report did not exist yet); any
    other than the current one is refused (``report_revision_conflict``), so that of two
    assessors saving at once the second is told instead of overwriting."""
    if current != based_on:
        raise ReportError("report_revision_conflict", current=current, based_on=based_on)


def next_revision(current: int) -> int:
    """The revision after a change (the first save makes revision 1)."""
    if current < 0:
        raise ValueError("a revision is never negative")
    return current + 1


def agreement_current(agreed_revision: int | None, current: int) -> bool:
    """An agreement counts only for the revision it was given to: any later change of the
    report withdraws it."""
    return agreed_revision is not None and agreed_revision == current


def may_agree(
    *,
    current: int,
    based_on: int,
    category_ids: Sequence[str],
    findings: Mapping[str, CategoryFindings],
) -> None:
    """An assessor may agree to the report as they saw it (``based_on`` is the current
    revision) and only once every category has findings; otherwise ``ReportError``."""
    check_revision(current=current, based_on=based_on)
    missing = categories_lacking_findings(category_ids, findings)
    if missing:
        raise ReportError("categories_lack_findings", categories=missing)


# --- comparison with the previous assessment ----------------------------------------------------


class Trend(StrEnum):
    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"
    NOT_COMPARABLE = "not_comparable"  # the category was not scored in one of the cycles


@dataclass(frozen=True)
class CategoryComparison:
    """One category's score (percent of its maximum) in the previous cycle and now."""

    category_id: str
    then: Decimal | None
    now: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """Percentage points gained (negative: lost); ``None`` when not comparable."""
        if self.then is None or self.now is None:
            return None
        return self.now - self.then

    @property
    def trend(self) -> Trend:
        change = self.change
        if change is None:
            return Trend.NOT_COMPARABLE
        if change > 0:
            return Trend.IMPROVED
        if change < 0:
            return Trend.DECLINED
        return Trend.UNCHANGED


def percent_of(value: object) -> Decimal | None:
    """A stored percentage (a ``Decimal``, an int, or its text as the result JSON keeps it) as
    a ``Decimal``; ``None`` for a missing or unreadable value. Floats are refused (they are
    never stored)."""
    if value is None or isinstance(value, bool | float):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
    return None


def compare_categories(
    category_ids: Sequence[str],
    *,
    previous: Mapping[str, object] | None,
    current: Mapping[str, object],
) -> tuple[CategoryComparison, ...]:
    """Per category of the current scheme (in its order) the percentage then and now.

    ``previous`` and ``current`` map a category id to its percentage (as :func:`percent_of`
    reads it). Empty when there is no previous assessment. Categories only the previous cycle
    had are left out: the report speaks about the catalogue assessed now."""
    if previous is None:
        return ()
    return tuple(
        CategoryComparison(
            category_id=category_id,
            then=percent_of(previous.get(category_id)),
            now=percent_of(current.get(category_id)),
        )
        for category_id in category_ids
    )


class AreaVerdict(StrEnum):
    """What the panel found on one of a Silver application's improvement areas."""

    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"
    NOT_REVIEWED = "not_reviewed"


def area_verdict(validated: bool | None) -> AreaVerdict:
    if validated is None:
        return AreaVerdict.NOT_REVIEWED
    return AreaVerdict.VALIDATED if validated else AreaVerdict.NOT_VALIDATED


# --- feedback ------------------------------------------------------------------------------------


class FeedbackQuestion(StrEnum):
    """What the organisation rates, 1 (poor) to 5 (excellent). The first two are about the
    procedure, the last two about the panel."""

    PROCESS = "process"  # the procedure as a whole: clear, on time, worth its effort
    COMMUNICATION = "communication"  # how the secretariat informed and answered
    PANEL_EXPERTISE = "panel_expertise"  # the assessors knew the field
    PANEL_FAIRNESS = "panel_fairness"  # the assessors were fair and well prepared


PANEL_QUESTIONS: tuple[FeedbackQuestion, ...] = (
    FeedbackQuestion.PANEL_EXPERTISE,
    FeedbackQuestion.PANEL_FAIRNESS,
)
RATING_MIN, RATING_MAX = 1, 5
#: Ratings of one expert are shown only from this many on, so that nobody can work out what
#: one organisation said about its panel.
MIN_RATINGS_PER_EXPERT = 5


class FeedbackRefused(Exception):
    """Feedback that cannot be given: ``code`` is ``not_decided``, ``not_manager``,
    ``feedback_already_given`` or ``rating_invalid`` (``params``: ``question``)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = MappingProxyType(dict(params))
        super().__init__(code)


def ratings_clean(ratings: Mapping[str, object]) -> dict[FeedbackQuestion, int]:
    """Every question answered with a whole number from 1 to 5; nothing else accepted
    (``FeedbackRefused("rating_invalid", question=...)`` names the first bad one)."""
    cleaned: dict[FeedbackQuestion, int] = {}
    unknown = set(ratings) - {q.value for q in FeedbackQuestion}
    if unknown:
        raise FeedbackRefused("rating_invalid", question=sorted(unknown)[0])
    for question in FeedbackQuestion:
        value = ratings.get(question.value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FeedbackRefused("rating_invalid", question=question.value)
        if not RATING_MIN <= value <= RATING_MAX:
            raise FeedbackRefused("rating_invalid", question=question.value)
        cleaned[question] = value
    return cleaned


def feedback_refusal(*, decided: bool, is_manager: bool, already_given: bool) -> str | None:
    """Why the person cannot give feedback now, or ``None``: only the organisation's managers,
    only after the decision, only once per procedure."""
    if not is_manager:
        return "not_manager"
    if not decided:
        return "not_decided"
    if already_given:
        return "feedback_already_given"
    return None


_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class RatingSummary:
    """How many rated, and the average per question (one decimal, half up)."""

    count: int
    averages: Mapping[FeedbackQuestion, Decimal] = field(
        default_factory=lambda: MappingProxyType({})
    )


def summarise(
    entries: Iterable[Mapping[FeedbackQuestion, int]],
    questions: Sequence[FeedbackQuestion] = tuple(FeedbackQuestion),
) -> RatingSummary:
    """Count and per-question average of ``entries`` (each a complete set of ratings)."""
    rows = list(entries)
    if not rows:
        return RatingSummary(count=0)
    averages = {
        question: (Decimal(sum(row[question] for row in rows)) / len(rows)).quantize(
            _ONE_DECIMAL, rounding=ROUND_HALF_UP
        )
        for question in questions
    }
    return RatingSummary(count=len(rows), averages=MappingProxyType(averages))


K = TypeVar("K", bound=Hashable)


def expert_summaries(
    by_expert: Mapping[K, Sequence[Mapping[FeedbackQuestion, int]]],
) -> dict[K, RatingSummary]:
    """The panel questions' summary per expert, only for experts with at least
    :data:`MIN_RATINGS_PER_EXPERT` ratings: below that an expert is not listed at all (not
    even with a count, which would say that they were rated)."""
    return {
        expert: summarise(entries, PANEL_QUESTIONS)
        for expert, entries in by_expert.items()
        if len(entries) >= MIN_RATINGS_PER_EXPERT
    }
