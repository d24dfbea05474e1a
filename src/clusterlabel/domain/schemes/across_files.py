"""Checks across the files of a scheme directory, on the loaded schemes.

One file cannot see the others: whether its (id, version) is taken, whether the scheme a
recognition names exists with that level and family, whether the benchmark pool it joins exists
with the same catalogue. :func:`~clusterlabel.domain.schemes.loading.load_scheme_dir` asks here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from clusterlabel.domain.errors import SchemeProblem
from clusterlabel.domain.schemes.checks import alias_key
from clusterlabel.domain.schemes.model import Recognition, Scheme


def check_across_files(schemes: Sequence[tuple[str, Scheme]]) -> list[SchemeProblem]:
    problems: list[SchemeProblem] = []
    first_file: dict[str, str] = {}
    by_id: dict[str, list[Scheme]] = {}
    for source, scheme in schemes:
        if scheme.key in first_file:
            problems.append(
                SchemeProblem(
                    source, "version", f"{scheme.key} is also defined in {first_file[scheme.key]}"
                )
            )
        first_file.setdefault(scheme.key, source)
        by_id.setdefault(scheme.id, []).append(scheme)
    for source, scheme in schemes:
        for li, level in enumerate(scheme.levels):
            for ri, recognition in enumerate(level.recognitions):
                where = f"levels[{li}] ({level.id}).recognitions[{ri}]"
                targets = by_id.get(recognition.scheme, [])
                if not targets:
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.scheme",
                            f"scheme {recognition.scheme!r} is not among the loaded schemes",
                        )
                    )
                    continue
                if all(t.family != recognition.scheme_family for t in targets):
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.scheme_family",
                            f"scheme {recognition.scheme!r} belongs to family "
                            f"{targets[0].family!r}, not {recognition.scheme_family!r}",
                        )
                    )
                if all(recognition.level not in t._level_index for t in targets):
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.level",
                            f"scheme {recognition.scheme!r} has no level {recognition.level!r}",
                        )
                    )
                problems.extend(
                    _check_indicator_mapping(source, where, scheme, recognition, targets)
                )
        problems.extend(_check_benchmark_pool(source, scheme, by_id))
        problems.extend(_check_gold_criteria(source, scheme, by_id))
    problems.extend(alias_clashes(schemes))
    return problems


def _mapping_problems(scheme: Scheme, recognition: Recognition, target: Scheme) -> list[str]:
    """What keeps ``recognition`` from reading ``target``'s indicators from ``scheme``."""
    found: list[str] = []
    mapping = recognition.indicators
    if mapping is not None:
        for target_id in mapping:
            if target_id not in target._indicator_index:
                found.append(f"{target.key} has no indicator {target_id!r}")
        used: dict[str, str] = {}
        for target_id, source_id in mapping.items():
            if source_id in used:
                found.append(
                    f"{source_id!r} is mapped to both {used[source_id]!r} and {target_id!r}"
                )
            used.setdefault(source_id, target_id)
    for indicator in target.indicators:
        if mapping is not None and indicator.id not in mapping:
            found.append(f"indicator {indicator.id!r} of {target.key} is not mapped")
            continue
        source_id = recognition.source_of(indicator.id)
        source = scheme._indicator_index.get(source_id)
        if source is None:
            found.append(
                f"{scheme.key} has no indicator {source_id!r} "
                f"(to stand for {indicator.id!r} of {target.key})"
            )
        elif source.type != indicator.type or source.choice_ids != indicator.choice_ids:
            found.append(
                f"{source_id!r} is a {source.type} indicator and cannot stand for "
                f"{indicator.id!r} of {target.key} ({indicator.type}"
                f"{': ' + ', '.join(indicator.choice_ids) if indicator.choice_ids else ''})"
            )
        elif not _within(source.bounds(), indicator.bounds()):
            found.append(
                f"{source_id!r} accepts values outside the range of {indicator.id!r} of "
                f"{target.key}, which could then not be scored"
            )
    return found


def _within(
    inner: tuple[Decimal | None, Decimal | None], outer: tuple[Decimal | None, Decimal | None]
) -> bool:
    """Whether every value the range ``inner`` accepts is inside ``outer`` (None: unbounded)."""
    low_ok = outer[0] is None or (inner[0] is not None and inner[0] >= outer[0])
    high_ok = outer[1] is None or (inner[1] is not None and inner[1] <= outer[1])
    return low_ok and high_ok


def _check_indicator_mapping(
    source: str,
    where: str,
    scheme: Scheme,
    recognition: Recognition,
    targets: Sequence[Scheme],
) -> list[SchemeProblem]:
    """The recognised scheme's award rules are re-checked on this scheme's values: each of its
    indicators must be read from exactly one indicator of this scheme, of the same type (and
    choices). Several loaded versions of the recognised scheme: one that fits is enough (the
    problems reported are those with the newest loaded)."""
    found: list[str] = []
    for target in targets:
        found = _mapping_problems(scheme, recognition, target)
        if not found:
            return []
    return [SchemeProblem(source, f"{where}.indicators", problem) for problem in found]


def alias_clashes(schemes: Sequence[tuple[str, Scheme]]) -> list[SchemeProblem]:
    """An alias (``CE-BW``) must name one label among all schemes: a level of another scheme
    (another id; versions of one scheme share their aliases) may not give it as an alias or
    as its name."""
    owner: dict[str, tuple[str, str]] = {}  # alias key -> (scheme id, level id)
    for _source, scheme in schemes:
        for level in scheme.levels:
            for alias in level.aliases:
                owner.setdefault(alias_key(alias), (scheme.id, level.id))
    problems: list[SchemeProblem] = []
    for source, scheme in schemes:
        for li, level in enumerate(scheme.levels):
            for ai, alias in enumerate(level.aliases):
                first = owner[alias_key(alias)]
                if first != (scheme.id, level.id):
                    problems.append(
                        SchemeProblem(
                            source,
                            f"levels[{li}] ({level.id}).aliases[{ai}]",
                            f"alias {alias!r} is already given to {first[0]} ({first[1]})",
                        )
                    )
            names = {alias_key(level.name.de), alias_key(level.name.en)}
            for key in names & owner.keys():
                if owner[key][0] != scheme.id:
                    problems.append(
                        SchemeProblem(
                            source,
                            f"levels[{li}] ({level.id}).name",
                            f"{level.name.en!r} is an alias of {owner[key][0]} ({owner[key][1]})",
                        )
                    )
    return problems


def _check_benchmark_pool(
    source: str, scheme: Scheme, by_id: Mapping[str, list[Scheme]]
) -> list[SchemeProblem]:
    """A shared pool must exist and be scored on the same indicators (ids and types)."""
    if scheme.benchmark_pool is None or scheme.benchmark_pool == scheme.id:
        return []
    targets = by_id.get(scheme.benchmark_pool, [])
    if not targets:
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} is not among the loaded schemes",
            )
        ]
    if targets[0].benchmark_pool not in (None, targets[0].id):
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} itself joins another pool; name that one",
            )
        ]
    own = {(i.id, i.type, i.category) for i in scheme.indicators}
    if all({(i.id, i.type, i.category) for i in t.indicators} != own for t in targets):
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} has other indicators (ids, types or "
                "categories); only schemes with the same catalogue can share a pool",
            )
        ]
    return []


def _check_gold_criteria(
    source: str, scheme: Scheme, by_id: Mapping[str, list[Scheme]]
) -> list[SchemeProblem]:
    """Silver's improvement areas: the Gold criteria an area is validated against must be
    indicators of the named Gold scheme (of some loaded version), mapped from categories of
    this scheme; a rule naming areas names the Gold scheme and at most as many areas as there
    are categories."""
    problems: list[SchemeProblem] = []
    for li, level in enumerate(scheme.levels):
        rule = level.award.improvement
        if rule is None:
            continue
        where = f"levels[{li}] ({level.id}).award.improvement"
        if rule.improvement_areas is not None:
            if rule.gold_scheme is None or not rule.gold_criteria_by_category:
                problems.append(
                    SchemeProblem(
                        source,
                        f"{where}.improvement_areas",
                        "improvement areas need gold_scheme and gold_criteria_by_category, "
                        "the criteria the on-site review validates them against",
                    )
                )
            if rule.improvement_areas > len(scheme.categories):
                problems.append(
                    SchemeProblem(
                        source,
                        f"{where}.improvement_areas",
                        f"{rule.improvement_areas} improvement areas (one category each) but "
                        f"the scheme has only {len(scheme.categories)} categories",
                    )
                )
        if rule.gold_scheme is None:
            continue
        targets = by_id.get(rule.gold_scheme, [])
        if not targets:
            problems.append(
                SchemeProblem(
                    source,
                    f"{where}.gold_scheme",
                    f"scheme {rule.gold_scheme!r} is not among the loaded schemes",
                )
            )
            continue
        known = {indicator.id for target in targets for indicator in target.indicators}
        categories = {category.id for category in scheme.categories}
        for category_id, criteria in rule.gold_criteria_by_category.items():
            path = f"{where}.gold_criteria_by_category.{category_id}"
            if category_id not in categories:
                problems.append(
                    SchemeProblem(source, path, f"{category_id!r} is not a category of this scheme")
                )
            if not criteria:
                problems.append(SchemeProblem(source, path, "no Gold criteria are named"))
            for criterion in criteria:
                if criterion not in known:
                    problems.append(
                        SchemeProblem(
                            source,
                            path,
                            f"{criterion!r} is not an indicator of {rule.gold_scheme!r}",
                        )
                    )
        missing = sorted(categories - set(rule.gold_criteria_by_category))
        if rule.improvement_areas is not None and missing:
            problems.append(
                SchemeProblem(
                    source,
                    f"{where}.gold_criteria_by_category",
                    f"categories without Gold criteria: {', '.join(missing)}",
                )
            )
    return problems
