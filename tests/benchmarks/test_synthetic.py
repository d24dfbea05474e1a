"""The synthetic demo pool: reproducible, valid, realistic, recorded idempotently."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import clusterlabel
from clusterlabel.audit.models import AuditEvent
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.services import AssessmentEntry
from clusterlabel.benchmarks.synthetic import (
    COUNTRY_WEIGHTS,
    SECTOR_WEIGHTS,
    SyntheticPoolError,
    allocate,
    synthetic_pool_entries,
    synthetic_pool_generate,
    synthetic_pool_summary,
)
from clusterlabel.core.countries import parse_country
from clusterlabel.domain.benchmark.from_scheme import category_percentages
from clusterlabel.domain.schemes import load_scheme_text
from clusterlabel.domain.scoring import score_assessment, validate_values
from clusterlabel.organisations.choices import Sector
from clusterlabel.schemes.models import SchemeVersion
from tests.procedures.builders import ensure_schemes

SHIPPED = Path(clusterlabel.__file__).parent / "schemes" / "shipped"
TODAY = date(2026, 3, 1)


def unsaved_version(scheme_id: str) -> SchemeVersion:
    """A shipped scheme as an unsaved scheme version: generating entries needs no database."""
    (path,) = SHIPPED.glob(f"{scheme_id}-*.yaml")
    text = path.read_text(encoding="utf-8")
    scheme = load_scheme_text(text, source=path.name)
    return SchemeVersion(
        scheme_id=scheme.id,
        version=scheme.version,
        family=scheme.family,
        content=text,
        content_hash=scheme.content_hash,
        source_name=path.name,
    )


def entries_of(
    scheme_id: str = "ecei-bronze", organisations: int = 60, seed: int = 2026
) -> list[AssessmentEntry]:
    return synthetic_pool_entries(
        scheme_version=unsaved_version(scheme_id),
        organisations=organisations,
        seed=seed,
        today=TODAY,
    )


def as_text(entries: list[AssessmentEntry]) -> list[tuple[object, ...]]:
    """Everything an entry records, values as their exact text (``2.5`` and ``2.50`` differ)."""
    return [
        (
            e.external_key,
            e.name,
            e.assessed_on,
            e.sector,
            e.country,
            e.founding_year,
            e.committed_members,
            e.source,
            sorted((key, repr(value)) for key, value in e.values.items()),
        )
        for e in entries
    ]


def latest_entries(entries: list[AssessmentEntry]) -> list[AssessmentEntry]:
    latest: dict[str, AssessmentEntry] = {}
    for entry in entries:
        if (
            entry.external_key not in latest
            or entry.assessed_on > latest[entry.external_key].assessed_on
        ):
            latest[entry.external_key] = entry
    return list(latest.values())


def cycles_by_organisation(entries: list[AssessmentEntry]) -> dict[str, list[AssessmentEntry]]:
    cycles: dict[str, list[AssessmentEntry]] = defaultdict(list)
    for entry in entries:
        cycles[entry.external_key].append(entry)
    return {key: sorted(rows, key=lambda e: e.assessed_on) for key, rows in cycles.items()}


@pytest.fixture(scope="module")
def large_pool() -> list[AssessmentEntry]:
    return entries_of(organisations=1300)


# --- reproducible ------------------------------------------------------------------------------


def test_the_same_seed_and_size_give_exactly_the_same_assessments():
    first, second = entries_of(seed=7), entries_of(seed=7)
    assert as_text(first) == as_text(second)
    assert len(first) > 60  # some organisations have several cycles


def test_another_seed_gives_another_pool():
    first, other = entries_of(seed=7), entries_of(seed=8)
    assert as_text(first) != as_text(other)
    first_values = {e.external_key.rsplit("-", 1)[1]: e.values for e in latest_entries(first)}
    other_values = {e.external_key.rsplit("-", 1)[1]: e.values for e in latest_entries(other)}
    differing = [n for n in first_values if first_values[n] != other_values[n]]
    assert len(differing) == 60
    assert [e.country for e in first[:20]] != [e.country for e in other[:20]]


def test_names_and_keys_say_the_organisations_are_synthetic():
    entries = entries_of(seed=11)
    assert {e.source for e in entries} == {ReferenceSource.SYNTHETIC}
    for entry in entries:
        match = re.fullmatch(r"Synthetic cluster (\d{4}) \(([A-Z]{2})\)", entry.name)
        assert match, entry.name
        assert match.group(2) == entry.country
        assert entry.external_key == f"synthetic-ecei-bronze-11-{match.group(1)}"
        assert entry.organisation is None
    numbers = sorted({e.external_key for e in entries})
    assert numbers[0].endswith("-0001") and numbers[-1].endswith("-0060")


# --- valid -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme_id", ["ecei-bronze", "ecei-gold", "bw-cluster-excellence"])
def test_every_value_is_valid_for_the_scheme(scheme_id):
    version = unsaved_version(scheme_id)
    scheme = version.scheme
    for entry in entries_of(scheme_id, organisations=120, seed=3):
        assert validate_values(scheme, entry.values) == []
        assert set(entry.values) == {indicator.id for indicator in scheme.indicators}
        for indicator in scheme.indicators:
            value = entry.values[indicator.id]
            if value is None:
                continue
            if indicator.type == "boolean":
                assert isinstance(value, bool)
            elif indicator.type == "choice":
                assert value in indicator.choice_ids
            else:
                assert isinstance(value, Decimal) and value.is_finite()
                assert -value.as_tuple().exponent <= 2, (indicator.id, value)
                low, high = indicator.bounds()
                assert low is None or value >= low
                assert high is None or value <= high


def test_counts_are_whole_numbers_and_only_ratios_fte_and_percentages_have_decimals(large_pool):
    scheme = unsaved_version("ecei-bronze").scheme
    places: dict[str, set[int]] = defaultdict(set)
    for entry in large_pool:
        for indicator_id, value in entry.values.items():
            if isinstance(value, Decimal):
                places[indicator_id].add(max(0, -value.as_tuple().exponent))
    with_decimals = {indicator_id for indicator_id, found in places.items() if found != {0}}
    percents = {i.id for i in scheme.indicators if i.type == "percent"}
    # Growth in %, staff in FTE, participants per FTE and contacts per month are not counts.
    assert with_decimals == percents | {"STR-06", "MGT-02", "MGT-03", "INT-01"}
    assert places["MGT-02"] == {0, 1, 2}
    fte = {e.values["MGT-02"] for e in large_pool if e.values["MGT-02"] is not None}
    assert all((value * 4) == (value * 4).to_integral_value() for value in fte)
    assert all(places[i] <= {0, 1} for i in percents | {"STR-06", "MGT-03", "INT-01"})
    growth = [e.values["STR-06"] for e in large_pool if e.values["STR-06"] is not None]
    assert min(growth) < 0 < max(growth)  # some clusters shrink


# --- realistic ---------------------------------------------------------------------------------


def test_countries_and_sectors_come_from_the_shared_lists():
    assert len(COUNTRY_WEIGHTS) == 48
    assert all(parse_country(code) == code for code in COUNTRY_WEIGHTS)
    assert set(SECTOR_WEIGHTS) == set(Sector.values)
    biggest = sorted(COUNTRY_WEIGHTS, key=COUNTRY_WEIGHTS.__getitem__, reverse=True)[:8]
    assert set(biggest) == {"DE", "ES", "FR", "IT", "PL", "AT", "DK", "SE"}
    assert min(SECTOR_WEIGHTS, key=SECTOR_WEIGHTS.__getitem__) == Sector.OTHER


def test_a_full_size_pool_has_every_country_and_sector_in_realistic_shares(large_pool):
    latest = latest_entries(large_pool)
    assert len(latest) == 1300
    countries = Counter(e.country for e in latest)
    assert len(countries) == 48
    assert countries.most_common(1)[0][0] == "DE"
    assert 0.15 < countries["DE"] / 1300 < 0.30
    assert all(countries[code] >= 1 for code in COUNTRY_WEIGHTS)
    assert sum(countries[code] for code in ("DE", "ES", "FR", "IT", "PL", "AT", "DK", "SE")) > 650
    sectors = Counter(e.sector for e in latest)
    assert set(sectors) == set(Sector.values)
    assert sectors[Sector.OTHER] < 0.03 * 1300
    assert sectors[Sector.ICT] > sectors[Sector.TEXTILES]


def test_organisations_are_mostly_young_and_small(large_pool):
    latest = latest_entries(large_pool)
    ages = [TODAY.year - e.founding_year for e in latest]
    assert min(e.founding_year for e in latest) >= 1985
    assert max(e.founding_year for e in latest) <= TODAY.year - 1
    assert statistics.median(ages) < 12
    assert sum(age <= 10 for age in ages) > 2 * sum(age > 20 for age in ages) > 0
    members = [e.committed_members for e in latest]
    assert min(members) >= 20 and max(members) <= 600
    assert 60 <= statistics.median(members) <= 120
    assert sum(m > 300 for m in members) < 0.1 * 1300


def test_scores_spread_like_a_real_pool_and_categories_correlate(large_pool):
    scheme = unsaved_version("ecei-bronze").scheme
    scores = [score_assessment(scheme, e.values) for e in latest_entries(large_pool)]
    percents = np.array([float(score.percent) for score in scores])
    assert 50 <= np.median(percents) <= 75
    assert np.mean((percents >= 40) & (percents <= 85)) >= 0.7
    assert 0.01 <= np.mean(percents >= 90) <= 0.15  # some excellent ones
    assert np.mean(percents < 40) >= 0.02  # and some weak ones
    by_category = np.array(
        [[float(p) for p in category_percentages(score).values()] for score in scores]
    )
    correlations = np.corrcoef(by_category, rowvar=False)
    off_diagonal = correlations[~np.eye(len(correlations), dtype=bool)]
    assert off_diagonal.min() > 0.2


def test_about_three_percent_of_the_values_are_missing(large_pool):
    values = [value for entry in large_pool for value in entry.values.values()]
    assert 0.02 <= sum(value is None for value in values) / len(values) <= 0.04


def test_a_third_have_two_or_three_cycles_years_apart_and_usually_better(large_pool):
    scheme = unsaved_version("ecei-bronze").scheme
    cycles = cycles_by_organisation(large_pool)
    counts = Counter(len(rows) for rows in cycles.values())
    assert set(counts) == {1, 2, 3}
    assert 0.28 <= (counts[2] + counts[3]) / 1300 <= 0.42
    assert 1800 <= len(large_pool) <= 2000
    better = pairs = 0
    for rows in cycles.values():
        assert rows[0].founding_year < rows[0].assessed_on.year
        assert date(2013, 1, 1) <= rows[0].assessed_on and rows[-1].assessed_on <= TODAY
        for earlier, later in pairwise(rows):
            assert 24 * 30 - 20 <= (later.assessed_on - earlier.assessed_on).days <= 37 * 31 + 20
            assert earlier.committed_members <= later.committed_members
            pairs += 1
            better += (
                score_assessment(scheme, later.values).percent
                > score_assessment(scheme, earlier.values).percent
            )
    assert better / pairs >= 0.6
    years = Counter(entry.assessed_on.year for entry in large_pool)
    assert set(years) == set(range(2013, TODAY.year + 1))
    assert years[2025] > years[2016]  # recent assessments are more frequent


def test_today_must_leave_room_for_assessments():
    with pytest.raises(SyntheticPoolError, match="after 2013-01-01"):
        synthetic_pool_entries(
            scheme_version=unsaved_version("ecei-bronze"),
            organisations=5,
            seed=1,
            today=date(2013, 1, 1),
        )
    entries = synthetic_pool_entries(
        scheme_version=unsaved_version("ecei-bronze"),
        organisations=5,
        seed=1,
        today=date(2013, 1, 2),
    )
    assert {e.assessed_on for e in entries} <= {date(2013, 1, 1), date(2013, 1, 2)}


# --- allocation of countries and sectors -------------------------------------------------------


def test_allocate_is_proportional_and_adds_up():
    assert allocate([3, 1], 8) == [6, 2]
    assert allocate([1, 1, 1], 10) in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert sum(allocate(list(COUNTRY_WEIGHTS.values()), 1300)) == 1300
    assert allocate([100, 1], 1) == [1, 0]


def test_allocate_keeps_a_rare_label_that_rounding_would_lose_but_not_a_too_rare_one():
    # 60 x 1/98 = 0.61: kept; 60 x 1/300 = 0.2: too rare for 60.
    assert allocate([97, 1], 60) == [59, 1]
    assert allocate([299, 1], 60) == [60, 0]
    assert min(allocate(list(COUNTRY_WEIGHTS.values()), 1300)) >= 1


def test_a_small_pool_still_has_every_sector_but_only_the_common_countries():
    latest = latest_entries(entries_of(organisations=60, seed=5))
    assert {e.sector for e in latest} == set(Sector.values)
    countries = Counter(e.country for e in latest)
    assert countries["DE"] >= 10
    assert "MA" not in countries and len(countries) < 48


# --- recording ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_generating_records_the_pool_once_and_again_changes_nothing():
    ensure_schemes()
    outcome = synthetic_pool_generate(organisations=60, seed=7, today=TODAY)
    expected = entries_of(seed=7)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (len(expected), 0, 0)
    assert outcome.pools == {"ecei-bronze"}
    rows = ReferenceAssessment.objects.filter(pool_id="ecei-bronze")
    assert rows.count() == len(expected)
    assert set(rows.values_list("source", flat=True)) == {ReferenceSource.SYNTHETIC}
    latest = list(rows.filter(is_latest=True))
    assert len(latest) == 60 == len({row.external_key for row in latest})
    newest = {}
    for entry in expected:
        newest[entry.external_key] = max(
            newest.get(entry.external_key, entry.assessed_on), entry.assessed_on
        )
    assert {row.external_key: row.assessed_on for row in latest} == newest
    stored = {(row.external_key, row.assessed_on): row.values for row in rows}
    for entry in expected:
        assert stored[(entry.external_key, entry.assessed_on)] == {
            key: value if isinstance(value, bool | str) else str(value)
            for key, value in entry.values.items()
            if value is not None
        }
    event = AuditEvent.objects.get(action="benchmark.synthetic_pool")
    assert event.after["source"] == "synthetic seed 7"
    assert event.after["created"] == len(expected)

    again = synthetic_pool_generate(organisations=60, seed=7, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(expected))
    assert rows.count() == len(expected)
    assert AuditEvent.objects.filter(action="benchmark.synthetic_pool").count() == 1


@pytest.mark.django_db
def test_another_day_or_size_for_the_same_seed_is_refused_and_another_seed_is_added():
    ensure_schemes()
    synthetic_pool_generate(organisations=30, seed=7, today=TODAY)
    count = ReferenceAssessment.objects.count()
    with pytest.raises(SyntheticPoolError, match="another day or another number"):
        synthetic_pool_generate(organisations=30, seed=7, today=date(2026, 3, 2))
    with pytest.raises(SyntheticPoolError, match="seed 7"):
        synthetic_pool_generate(organisations=40, seed=7, today=TODAY)
    assert ReferenceAssessment.objects.count() == count
    other = synthetic_pool_generate(organisations=30, seed=8, today=TODAY)
    assert ReferenceAssessment.objects.count() == count + other.created
    assert ReferenceAssessment.objects.filter(is_latest=True).count() == 60


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pool_id", "message"),
    [
        ("nope", "there is no benchmarking pool 'nope'. Pools: bw-cluster-excellence, ecei-bronze"),
        ("ecei-silver", "its assessments join the pool 'ecei-bronze'"),
    ],
)
def test_a_pool_id_that_is_no_pool_is_refused(pool_id, message):
    ensure_schemes()
    with pytest.raises(SyntheticPoolError, match=re.escape(message)):
        synthetic_pool_generate(pool_id=pool_id, organisations=10, today=TODAY)
    assert not ReferenceAssessment.objects.exists()


@pytest.mark.django_db
def test_without_loaded_schemes_the_message_says_to_load_them():
    with pytest.raises(SyntheticPoolError, match=r"load the schemes first"):
        synthetic_pool_generate(organisations=10, today=TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("organisations", "seed", "message"), [(0, 1, "at least one organisation"), (5, -1, "seed")]
)
def test_a_bad_size_or_seed_is_refused(organisations, seed, message):
    ensure_schemes()
    with pytest.raises(SyntheticPoolError, match=message):
        synthetic_pool_generate(organisations=organisations, seed=seed, today=TODAY)


@pytest.mark.django_db
def test_the_full_pool_of_1300_organisations_is_recorded_in_a_few_seconds():
    ensure_schemes()
    started = time.perf_counter()
    outcome = synthetic_pool_generate(today=TODAY)
    seconds = time.perf_counter() - started
    assert seconds < 20  # about 1 s on a laptop; a gross slowdown fails here
    summary = synthetic_pool_summary("ecei-bronze", 2026)
    assert summary.organisations == 1300
    assert summary.assessments == outcome.created == ReferenceAssessment.objects.count()
    assert (summary.countries, summary.sectors) == (48, len(Sector.values))
    assert summary.first >= date(2013, 1, 1) and summary.last <= TODAY
    assert 0.28 <= summary.several_cycles / 1300 <= 0.42
    assert ReferenceAssessment.objects.filter(is_latest=True).count() == 1300


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_what_it_created_and_then_that_nothing_changed():
    ensure_schemes()
    out = StringIO()
    call_command(
        "generate_pool", "--organisations", "60", "--seed", "7", "--today", "2026-03-01", stdout=out
    )
    created = len(entries_of(seed=7))
    text = out.getvalue()
    assert "Synthetic pool ecei-bronze, seed 7: 60 organisations" in text
    assert f"{created} assessments" in text
    assert f"Assessments: {created} created, 0 changed, 0 unchanged" in text
    out = StringIO()
    call_command(
        "generate_pool", "--organisations", "60", "--seed", "7", "--today", "2026-03-01", stdout=out
    )
    assert f"Assessments: 0 created, 0 changed, {created} unchanged" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_pool_with_a_clear_message():
    ensure_schemes()
    with pytest.raises(CommandError, match="Nothing was generated: there is no benchmarking pool"):
        call_command("generate_pool", "--pool", "ecei-platinum", stdout=StringIO())
    assert not ReferenceAssessment.objects.exists()
