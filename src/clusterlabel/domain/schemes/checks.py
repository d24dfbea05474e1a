"""Cross-field checks of a scheme file: what pydantic's per-field validation cannot see.

They run on the raw data (a mapping as YAML or JSON gives it), even when its structure is
broken, so the loader in :mod:`~clusterlabel.domain.schemes.loading` can report them together
with pydantic's structural errors. Each problem is a location path and a message.

Because the data may be broken, no check assumes the type of a raw value: a value whose type is
wrong is left to pydantic's report and skipped here (ids are compared only when they are
strings, lists are counted only when they are lists), so the checks never raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from typing import Any

from clusterlabel.domain.schemes.fields import _date, _decimal_text, _number, _show

_Path = tuple[str | int, ...]
"""Where a problem is: ``("indicators", 3, "threshold")``."""


def _raw_number(value: Any) -> Decimal | None:
    try:
        return _number(value)
    except ValueError:
        return None


def _raw_decimal_text(value: Any) -> Decimal | None:
    try:
        return _decimal_text(value)
    except ValueError:
        return None


def _raw_date(value: Any) -> date | None:
    try:
        return _date(value)
    except ValueError:
        return None


def _entries(container: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = container.get(key) if isinstance(container, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def alias_key(text: str) -> str:
    """What two spellings of a label's alias share: casefolded words without accents
    (``CE-BW`` = ``ce bw``, ``Qualitätssiegel`` = ``qualitatssiegel``)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))


def _str_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) else None


def _whole_number(value: Any) -> int | None:
    """``value`` if it is an int (a bool is not), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_key(*values: Any) -> tuple[str, ...] | None:
    """``values`` as a key for duplicate detection, or None unless every one is a string."""
    return values if all(isinstance(value, str) for value in values) else None


def _is_scalar_threshold(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str))


def _more_than_cents(amount: Decimal) -> bool:
    """True if ``amount`` has a non-zero digit after the second decimal place.

    Exact for any size: ``quantize`` would need the context's precision (28 digits) and raise
    ``InvalidOperation`` for a larger amount.
    """
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        return False  # NaN or infinity: _decimal_text refuses them, nothing to check here
    significant = len(digits)
    while significant and digits[significant - 1] == 0:
        significant -= 1
    trailing_zeros = len(digits) - significant
    return significant > 0 and exponent + trailing_zeros < -2


class _CrossChecks:
    """The checks pydantic's per-field validation cannot make; tolerant of broken structure."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[_Path, str]] = []

    def add(self, path: _Path, message: str) -> None:
        self.problems.append((path, message))

    def run(self) -> list[tuple[_Path, str]]:
        self.check_unique_ids("levels", "level")
        self.check_unique_ids("categories", "category")
        self.check_unique_ids("indicators", "indicator")
        self.check_indicators()
        self.check_levels()
        self.check_aliases()
        self.check_validity_and_renewal()
        self.check_eligibility()
        self.check_fees()
        self.check_procedure()
        return self.problems

    def check_unique_ids(
        self, key: str, kind: str, container: Any = None, base: _Path = ()
    ) -> None:
        first: dict[str, int] = {}
        for index, item in _entries(self.data if container is None else container, key):
            identifier = _str_id(item)
            if identifier is None:
                continue
            if identifier in first:
                self.add(
                    (*base, key, index, "id"),
                    f"duplicate {kind} id {identifier!r} "
                    f"(first used at {key}[{first[identifier]}])",
                )
            else:
                first[identifier] = index

    # indicators -------------------------------------------------------------------------------

    def check_indicators(self) -> None:
        ids = (_str_id(c) for _, c in _entries(self.data, "categories"))
        categories = {category_id for category_id in ids if category_id is not None}
        used: set[str] = set()
        for index, indicator in _entries(self.data, "indicators"):
            path: _Path = ("indicators", index)
            category = indicator.get("category")
            if isinstance(category, str):
                used.add(category)
                if categories and category not in categories:
                    close = get_close_matches(category, sorted(categories), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    self.add(
                        (*path, "category"),
                        f"category {category!r} is not defined under categories{hint}",
                    )
            self.check_unique_ids("choices", "choice", indicator, path)
            self.check_indicator(path, indicator)
        for index, category in _entries(self.data, "categories"):
            identifier = _str_id(category)
            if identifier and "indicators" in self.data and identifier not in used:
                self.add(("categories", index, "id"), f"category {identifier!r} has no indicators")

    def check_indicator(self, path: _Path, indicator: dict[str, Any]) -> None:
        kind = indicator.get("type")
        if kind not in ("number", "percent", "boolean", "choice"):
            return
        choice_ids = [_str_id(c) for _, c in _entries(indicator, "choices")]
        # choices that are not a list are reported by pydantic ("must be a list"): there is
        # nothing to count, and no choice ids to check the threshold and bands against
        raw_choices = indicator.get("choices")
        choices_unusable = raw_choices is not None and not isinstance(raw_choices, list)
        if kind == "choice":
            if not choices_unusable and len(raw_choices or []) < 2:
                self.add((*path, "choices"), "a choice indicator needs at least two choices")
        elif "choices" in indicator:
            self.add((*path, "choices"), "only choice indicators have choices")
        if kind in ("boolean", "choice") and indicator.get("direction") == "lower":
            self.add(
                (*path, "direction"), "direction applies to number and percent indicators only"
            )
        if kind == "number" and indicator.get("unit") is None:
            self.add((*path, "unit"), "a number indicator needs a unit")
        for bound in ("min", "max"):
            if kind != "number" and bound in indicator:
                self.add(
                    (*path, bound),
                    f"{bound} applies to number indicators only (percent is always 0-100)",
                )
        low, high = _raw_number(indicator.get("min")), _raw_number(indicator.get("max"))
        if kind == "number" and low is not None and high is not None and low > high:
            self.add((*path, "max"), f"max ({high}) is below min ({low})")
            low = high = None  # no range to check values against
        if kind == "percent":
            low, high = Decimal(0), Decimal(100)
        elif kind != "number":
            low = high = None

        def check_value(value: Any, where: _Path, what: str) -> Any:
            """The value as an orderable position, or None (after reporting) if unusable."""
            if kind in ("number", "percent"):
                number = None if isinstance(value, str) else _raw_number(value)
                if number is None:
                    self.add(
                        where, f"a {kind} indicator needs a number as {what}, found {_show(value)}"
                    )
                    return None
                if (low is not None and number < low) or (high is not None and number > high):
                    bounds = f"between {low if low is not None else '-inf'} and "
                    bounds += f"{high if high is not None else 'inf'}"
                    self.add(where, f"{what} must be {bounds}, found {number}")
                    return None
                return number if indicator.get("direction", "higher") != "lower" else -number
            if kind == "boolean":
                if not isinstance(value, bool):
                    self.add(
                        where,
                        f"a boolean indicator needs true or false as {what}, found {_show(value)}",
                    )
                return None
            if choices_unusable:
                return None
            if not isinstance(value, str) or value not in choice_ids:
                listed = ", ".join(c for c in choice_ids if c)
                self.add(
                    where,
                    f"{what} of a choice indicator must be one of its choice ids ({listed}), "
                    f"found {_show(value)}",
                )
                return None
            return choice_ids.index(value)

        threshold = indicator.get("threshold")
        position = None
        if _is_scalar_threshold(threshold):
            position = check_value(threshold, (*path, "threshold"), "threshold")
        self.check_bands(path, indicator, kind, position, check_value)

    def check_bands(
        self,
        path: _Path,
        indicator: dict[str, Any],
        kind: str,
        threshold_position: Any,
        check_value: Callable[[Any, _Path, str], Any],
    ) -> None:
        if "bands" not in indicator:
            return
        if kind == "boolean":
            self.add((*path, "bands"), "a boolean indicator cannot have bands")
            return
        points = indicator.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            points = None
        previous_position: Any = None
        previous_points: int | None = None
        for index, band in _entries(indicator, "bands"):
            where: _Path = (*path, "bands", index)
            start = band.get("from")
            position = (
                check_value(start, (*where, "from"), "band 'from'")
                if _is_scalar_threshold(start)
                else None
            )
            if position is not None:
                if threshold_position is not None and position >= threshold_position:
                    self.add(
                        (*where, "from"),
                        f"band 'from' ({_show(start)}) must be worse than the threshold "
                        f"({_show(indicator.get('threshold'))}); "
                        "meeting the threshold earns the points",
                    )
                if previous_position is not None and position <= previous_position:
                    order = "falling" if indicator.get("direction") == "lower" else "rising"
                    self.add(
                        (*where, "from"),
                        f"bands go from worst to best: 'from' must be {order}"
                        + (" (choices listed worst to best)" if kind == "choice" else ""),
                    )
                previous_position = position
            band_points = band.get("points")
            if isinstance(band_points, int) and not isinstance(band_points, bool):
                if points is not None and band_points >= points:
                    self.add(
                        (*where, "points"),
                        f"band points ({band_points}) must be below "
                        f"the indicator's points ({points})",
                    )
                if previous_points is not None and band_points <= previous_points:
                    self.add((*where, "points"), "band points must rise from band to band")
                previous_points = band_points

    # levels -------------------------------------------------------------------------------------

    def check_aliases(self) -> None:
        """An alias names one level: not twice, and not another level's name."""
        names: dict[str, int] = {}
        for index, level in _entries(self.data, "levels"):
            name = level.get("name")
            for text in name.values() if isinstance(name, dict) else ():
                if isinstance(text, str):
                    names.setdefault(alias_key(text), index)
        first: dict[str, tuple[int, int]] = {}
        for index, level in _entries(self.data, "levels"):
            aliases = level.get("aliases")
            for ai, alias in enumerate(aliases if isinstance(aliases, list) else ()):
                if not isinstance(alias, str) or not alias_key(alias):
                    continue
                key, path = alias_key(alias), ("levels", index, "aliases", ai)
                if key in first:
                    li, aj = first[key]
                    self.add(path, f"alias {alias!r} is also given at levels[{li}].aliases[{aj}]")
                elif names.get(key, index) != index:
                    self.add(path, f"alias {alias!r} is the name of levels[{names[key]}]")
                first.setdefault(key, (index, ai))

    def check_levels(self) -> None:
        ranks: dict[Any, int] = {}
        categories = len(_entries(self.data, "categories"))
        total_points = sum(
            p
            for _, i in _entries(self.data, "indicators")
            if isinstance(p := i.get("points"), int) and not isinstance(p, bool)
        )
        for index, level in _entries(self.data, "levels"):
            path: _Path = ("levels", index)
            rank = level.get("rank")
            if isinstance(rank, int) and not isinstance(rank, bool):
                if rank in ranks:
                    self.add((*path, "rank"), f"rank {rank} is also used by levels[{ranks[rank]}]")
                ranks.setdefault(rank, index)
            award = level.get("award")
            if isinstance(award, dict):
                if (
                    "min_score_percent" in award
                    and _entries(self.data, "indicators")
                    and total_points == 0
                ):
                    self.add(
                        (*path, "award", "min_score_percent"),
                        "the indicators give no points at all, "
                        "so a minimum score cannot be reached",
                    )
                self.check_improvement(
                    (*path, "award", "improvement"), award.get("improvement"), categories
                )
            seen: set[tuple[str, ...]] = set()
            for ri, recognition in _entries(level, "recognitions"):
                where: _Path = (*path, "recognitions", ri)
                scheme = recognition.get("scheme")
                if isinstance(scheme, str) and scheme == self.data.get("id"):
                    self.add((*where, "scheme"), "a level cannot recognise its own scheme")
                target = _str_key(scheme, recognition.get("level"))
                if target is None:
                    continue  # a wrongly typed scheme or level is reported by pydantic
                if target in seen:
                    self.add(where, "this recognition is listed twice")
                seen.add(target)

    def check_improvement(self, path: _Path, improvement: Any, categories: int) -> None:
        if not isinstance(improvement, dict):
            return
        low = improvement.get("min_months_since_previous")
        high = improvement.get("max_months_since_previous")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.add(
                (*path, "max_months_since_previous"),
                f"max_months_since_previous ({high}) is below min_months_since_previous ({low})",
            )
        wanted = improvement.get("min_improved_categories")
        if isinstance(wanted, int) and categories and wanted > categories:
            self.add(
                (*path, "min_improved_categories"),
                f"{wanted} improved categories are required but the scheme has only {categories}",
            )

    # validity, eligibility, fees, procedure -------------------------------------------------------

    def check_validity_and_renewal(self) -> None:
        validity, renewal = self.data.get("validity"), self.data.get("renewal")
        if not (isinstance(validity, dict) and isinstance(renewal, dict)):
            return
        months = _whole_number(validity.get("months"))
        grace = _whole_number(renewal.get("grace_months_after_expiry"))
        extension = _whole_number(renewal.get("extension_months"))
        if (
            months is not None
            and grace is not None
            and extension is not None
            and months + grace < extension
        ):
            self.add(
                ("renewal", "extension_months"),
                f"extension_months ({extension}) exceeds validity.months + "
                f"grace_months_after_expiry ({months + grace}): a renewal one day after the "
                "grace period would end earlier than one on its last day",
            )

    def check_eligibility(self) -> None:
        eligibility = self.data.get("eligibility")
        if not isinstance(eligibility, dict):
            return
        countries, regions = eligibility.get("countries"), eligibility.get("regions")
        if isinstance(countries, list) and isinstance(regions, list):
            for index, region in enumerate(regions):
                if isinstance(region, str) and region[:2] not in countries:
                    self.add(
                        ("eligibility", "regions", index),
                        f"region {region!r} lies outside the eligible countries",
                    )

    def check_fees(self) -> None:
        fees = self.data.get("fees")
        if not isinstance(fees, dict):
            return
        procedure = self.data.get("procedure")
        modes = procedure.get("assessment_modes") if isinstance(procedure, dict) else None
        seen: dict[tuple[str, ...], int] = {}
        for index, item in _entries(fees, "items"):
            path: _Path = ("fees", "items", index)
            mode = item.get("mode")
            key = _str_key(item.get("process"), mode)
            if key is not None:  # a wrongly typed process or mode is reported by pydantic
                if key in seen:
                    self.add(
                        path,
                        f"fees.items[{seen[key]}] already prices process {key[0]!r} "
                        f"in mode {key[1]!r}",
                    )
                seen.setdefault(key, index)
            if isinstance(modes, list) and mode in ("on_site", "video") and mode not in modes:
                self.add((*path, "mode"), f"mode {mode!r} is not among procedure.assessment_modes")
            net = _raw_decimal_text(item.get("net"))
            if net is not None and _more_than_cents(net):
                self.add((*path, "net"), f"fees are in cents: at most two decimals, found {net}")
        ranges: list[tuple[int, set[Any], date, date]] = []
        for index, subsidy in _entries(fees, "subsidies"):
            path = ("fees", "subsidies", index)
            start, end = _raw_date(subsidy.get("valid_from")), _raw_date(subsidy.get("valid_until"))
            if start and end and start > end:
                self.add(
                    (*path, "valid_until"),
                    f"the date range is inverted: valid_until {end} is before valid_from {start}",
                )
                continue
            processes = subsidy.get("processes")
            processes = (
                {p for p in processes if isinstance(p, str)}
                if isinstance(processes, list)
                else set()
            )
            start, end = start or date.min, end or date.max
            for other, other_processes, other_start, other_end in ranges:
                shared = processes & other_processes
                if shared and start <= other_end and other_start <= end:
                    self.add(
                        path,
                        f"overlaps fees.subsidies[{other}] for {', '.join(sorted(shared))}: "
                        "at most one subsidy may apply to an application",
                    )
            ranges.append((index, processes, start, end))

    def check_procedure(self) -> None:
        procedure = self.data.get("procedure")
        if not isinstance(procedure, dict):
            return
        assessors = procedure.get("assessors")
        if (
            procedure.get("national_and_foreign") is True
            and isinstance(assessors, int)
            and assessors < 2
        ):
            self.add(
                ("procedure", "national_and_foreign"),
                f"one national and one foreign assessor need assessors >= 2, found {assessors}",
            )
        if procedure.get("advisory_board") is True:
            if procedure.get("board_quorum") is None:
                self.add(("procedure", "board_quorum"), "an advisory board needs a board_quorum")
        else:
            for key in ("board_name", "board_quorum", "board_majority_percent"):
                if key in procedure:
                    self.add(("procedure", key), f"{key} applies only with advisory_board: true")
        modes = procedure.get("assessment_modes")
        if isinstance(modes, list):
            for index, mode in enumerate(modes):
                if isinstance(mode, str) and modes.index(mode) != index:
                    self.add(
                        ("procedure", "assessment_modes", index), f"mode {mode!r} is listed twice"
                    )
