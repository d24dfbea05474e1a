"""The demo's benchmarking pool: earlier assessments of two demo organisations, imported from an
operator's list with the real importer, and a reproducible synthetic pool of some 1,300
organisations (ECEI Bronze) and 150 (ECEI Gold), marked synthetic wherever it is shown.

The demo organisations' latest assessments join the pool through their procedures' decisions
(``benchmarks.services``); what is added here gives their reports something to compare with.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clusterlabel.accounts.models import User
from clusterlabel.benchmarks.importing import assessments_import
from clusterlabel.benchmarks.synthetic import synthetic_pool_generate, synthetic_pool_summary
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.procedures.walkthrough import excellent_values
from clusterlabel.schemes.models import SchemeVersion

SYNTHETIC_POOLS = (("ecei-bronze", 1300, 2026), ("ecei-gold", 150, 2027))
SYNTHETIC_TODAY = date(2026, 11, 1)  # fixed, so the pool is the same whenever the demo starts


def realistic_values(scheme: Scheme) -> dict[str, IndicatorValue]:
    """A plausible assessment: a third of the indicators at their excellence value, a third at
    their best partial band, a third at their lowest band (or below the threshold)."""
    values = excellent_values(scheme)
    for position, indicator in enumerate(scheme.indicators):
        kind = position % 3
        if kind == 0 or indicator.direction == "lower":
            continue
        if indicator.type == "boolean":
            values[indicator.id] = kind == 1
        elif indicator.type == "choice":
            rank = indicator.choice_rank(str(indicator.threshold))
            values[indicator.id] = indicator.choice_ids[max(rank - kind, 0)]
        elif indicator.bands:
            band = indicator.bands[-1] if kind == 1 else indicator.bands[0]
            values[indicator.id] = Decimal(str(band.start))
    return values


def _earlier(indicator: Indicator, value: IndicatorValue, years_back: int) -> IndicatorValue:
    """The value some years earlier: a little worse, most of the time."""
    if value is None or (years_back == 3 and indicator.id.endswith(("1", "5"))):
        return value
    if indicator.type == "boolean":
        return value if indicator.id.endswith("6") else False
    if indicator.type == "choice":
        rank = indicator.choice_ids.index(str(value))
        return indicator.choice_ids[max(rank - 1, 0)]
    number = Decimal(str(value))
    factor = (
        Decimal("1.3")
        if indicator.direction == "lower"
        else Decimal("0.7") - Decimal(years_back) / 20
    )
    earlier = number * Decimal(str(factor))
    low, high = indicator.bounds()
    if low is not None:
        earlier = max(earlier, low)
    if high is not None:
        earlier = min(earlier, high)
    return (
        earlier.quantize(Decimal(1))
        if indicator.type == "number"
        else earlier.quantize(Decimal("0.1"))
    )


def _cell(value: IndicatorValue) -> str:
    if value is None:
        return "k.A."
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


def earlier_assessments_csv(scheme: Scheme, current: dict[str, dict[str, IndicatorValue]]) -> str:
    """An operator's list (German headers, semicolons, decimal commas) of earlier assessments:
    ``current`` maps an organisation's name to its latest values; each gets the assessments of
    2019 and 2022 (BioCon Valley's Silver benchmarkings) or of 2023."""
    ids = [indicator.id for indicator in scheme.indicators]
    lines = [";".join(["Organisation", "Land", "Schema", "Bewertet am", *ids])]
    for name, values in current.items():
        days = ("30.09.2019", "30.09.2022") if "BioCon" in name else ("15.06.2023",)
        for day in days:
            years_back = 2026 - int(day[-4:])
            row = [
                _cell(_earlier(indicator, values.get(indicator.id), years_back))
                for indicator in scheme.indicators
            ]
            lines.append(";".join([name, "Deutschland", "ECEI Bronze", day, *row]))
    return "\n".join(lines) + "\n"


def demo_benchmarks_load(
    *, secretariat: User, current: dict[str, dict[str, IndicatorValue]]
) -> int:
    """Import the earlier assessments and generate the synthetic pools (each only once).
    Returns the number of assessments added."""
    added = 0
    bronze = SchemeVersion.objects.get(scheme_id="ecei-bronze", is_current=True).scheme
    result = assessments_import(
        data=earlier_assessments_csv(bronze, current).encode("utf-8"),
        actor=secretariat,
        source_name="benchmarking-2019-2023.csv",
    )
    if result.errors:
        raise RuntimeError(f"demo assessments do not import: {result.errors}")
    added += result.outcome.created if result.outcome else 0
    for pool_id, organisations, seed in SYNTHETIC_POOLS:
        if synthetic_pool_summary(pool_id, seed).organisations:
            continue
        outcome = synthetic_pool_generate(
            pool_id=pool_id,
            organisations=organisations,
            seed=seed,
            today=SYNTHETIC_TODAY,
            actor=None,
        )
        added += outcome.created
    return added
