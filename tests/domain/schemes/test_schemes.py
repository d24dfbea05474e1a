"""The scheme loader: a good file loads, a bad one is refused with every problem located."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.errors import SchemeFileError, SchemeProblem, UnknownId
from clusterlabel.domain.schemes import (
    Scheme,
    load_scheme_data,
    load_scheme_dir,
    load_scheme_file,
    load_scheme_text,
)
from tests.domain.factories import (
    Raw,
    build_scheme,
    category,
    choices,
    indicator,
    level,
    party,
    scheme_data,
    text,
    to_yaml,
)


def problems_of(data: Raw | str, source: str = "test.yaml") -> list[SchemeProblem]:
    """The problems the loader reports for raw data or YAML text (failing if it accepts it)."""
    with pytest.raises(SchemeFileError) as caught:
        if isinstance(data, str):
            load_scheme_text(data, source=source)
        else:
            load_scheme_data(data, source=source)
    return caught.value.errors


def located(problems: list[SchemeProblem]) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in problems]


def assert_reported(problems: list[SchemeProblem], location: str, fragment: str) -> None:
    matching = [p for p in problems if p.location == location and fragment in p.message]
    assert matching, f"no problem at {location!r} containing {fragment!r} in {located(problems)}"


# --- a valid scheme and its convenience API -------------------------------------------------


def test_default_scheme_loads_with_typed_values(scheme: Scheme) -> None:
    assert scheme.key == "test-scheme@1"
    str01 = scheme.indicator("STR-01")
    assert str01.threshold == Decimal(30) and isinstance(str01.threshold, Decimal)
    assert [(b.start, b.points) for b in str01.bands] == [(Decimal(15), 2), (Decimal(22), 3)]
    assert scheme.indicator("SRV-01").threshold is True
    assert scheme.indicator("SRV-02").threshold == "full"
    assert scheme.indicator("SRV-02").choice_ids == ("none", "partial", "full")
    assert scheme.levels[0].award.min_score_percent == Decimal("80")
    assert scheme.fees.items[0].net == Decimal("4975.00")
    assert scheme.eligibility.min_staff_fte == Decimal("0.5")


def test_lookups_and_totals(scheme: Scheme) -> None:
    assert scheme.category("services").name.en == "Services"
    assert scheme.level("gold").rank == 1
    assert [i.id for i in scheme.indicators_in("services")] == ["SRV-01", "SRV-02"]
    assert scheme.max_points == 14
    assert dict(scheme.max_points_by_category) == {"structures": 8, "services": 6}
    assert [i.id for i in scheme.minimum_criteria] == ["STR-01"]
    assert scheme.text(scheme.name, "de") == "Test scheme (de)"
    assert scheme.text(scheme.name, "en") == "Test scheme"


@pytest.mark.parametrize(
    ("lookup", "identifier", "kind"),
    [("indicator", "STR-99", "indicator"), ("category", "x", "category"), ("level", "x", "level")],
)
def test_unknown_ids_raise_with_a_clear_message(
    scheme: Scheme, lookup: str, identifier: str, kind: str
) -> None:
    with pytest.raises(UnknownId) as caught:
        getattr(scheme, lookup)(identifier)
    assert str(caught.value) == f"scheme test-scheme@1 has no {kind} {identifier!r}"
    with pytest.raises(KeyError):
        scheme.indicators_in("unknown")


def test_text_refuses_other_languages(scheme: Scheme) -> None:
    with pytest.raises(ValueError, match="'fr'"):
        scheme.text(scheme.name, "fr")  # type: ignore[arg-type]


def test_scheme_is_immutable(scheme: Scheme) -> None:
    with pytest.raises(pydantic.ValidationError):
        scheme.id = "other"  # type: ignore[misc]
    assert isinstance(scheme.indicators, tuple)


def test_content_hash_depends_on_content_not_layout() -> None:
    data = scheme_data()
    reordered = dict(reversed(list(data.items())))
    first = load_scheme_text(to_yaml(data), source="a.yaml")
    second = load_scheme_text(to_yaml(reordered), source="b.yaml")
    assert first.content_hash == second.content_hash
    assert len(first.content_hash) == 64 and int(first.content_hash, 16) >= 0
    changed = scheme_data()
    changed["indicators"][0]["threshold"] = 31
    assert build_scheme(changed).content_hash != first.content_hash


def test_yaml_floats_become_exact_decimals() -> None:
    data = scheme_data()
    data["indicators"][0].update(threshold=0.1, bands=[], min=0, max=1.5)
    loaded = load_scheme_text(to_yaml(data), source="f.yaml")
    assert loaded.indicator("STR-01").threshold == Decimal("0.1")
    assert loaded.indicator("STR-01").max == Decimal("1.5")


def test_quoted_dates_are_accepted() -> None:
    data = scheme_data()
    data["fees"]["subsidies"] = [
        {
            "name": text("Introduction"),
            "payer": party("Ministry"),
            "percent": "50",
            "processes": ["new"],
            "valid_from": "2012-11-01",
            "valid_until": date(2016, 12, 31),
        }
    ]
    subsidy = build_scheme(data).fees.subsidies[0]
    assert (subsidy.valid_from, subsidy.valid_until) == (date(2012, 11, 1), date(2016, 12, 31))


def test_lower_direction_bands_run_from_high_to_low() -> None:
    data = scheme_data()
    data["indicators"][0] = indicator(
        "STR-01",
        direction="lower",
        threshold=10,
        bands=[{"from": 30, "points": 1}, {"from": 20, "points": 3}],
    )
    assert build_scheme(data).indicator("STR-01").direction == "lower"


# --- a broken file reports every problem -----------------------------------------------------

BROKEN = """\
format: clusterlabel-scheme/1
id: broken-scheme
version: 2026.1
family: test
name: {de: "Kaputt"}
description: {de: "Test", en: "Test"}
owner: {name: "ESCA", country: DE}
operator: {name: "ESCA", country: DE}
awarding_authority: {name: "Ministry", country: DE}
levels:
  - id: gold
    name: {de: "Gold", en: "Gold"}
    rank: 1
    award: {min_score_procent: "80"}
categories:
  - {id: structures, name: {de: "Struktur", en: "Structure"}}
indicators:
  - id: STR-01
    category: structures
    name: {de: "Akteure", en: "Participants"}
    help: {de: "Zahl", en: "Count"}
    type: number
    unit: {de: "Akteure", en: "participants"}
    threshold: "30"
    points: 5
    bands:
      - {from: 22, points: 3}
      - {from: 15, points: 6}
  - id: STR-01
    category: structure
    name: {de: "Anteil", en: "Share"}
    help: {de: "Anteil", en: "Share"}
    type: percent
    threshold: 120
  - id: STR-03
    category: structures
    name: {de: "Stufe", en: "Stage"}
    help: {de: "Stufe", en: "Stage"}
    type: choice
    threshold: ful
    points: 2
    choices:
      - {id: none, name: {de: "keine", en: "none"}}
      - {id: full, name: {de: "voll", en: "full"}}
validity: {anchor: assessment_month, months: 24}
renewal: {grace_months_after_expiry: 12, extension_months: 36}
fees:
  currency: EUR
  vat_percent: "19"
  items:
    - {process: new, mode: any, net: "4975.00", name: {de: "Gebühr", en: "Fee"}}
  subsidies:
    - name: {de: "Zuschuss", en: "Subsidy"}
      payer: {name: "Ministry", country: DE}
      percent: "50"
      processes: [new]
      valid_from: 2016-12-31
      valid_until: 2012-11-01
procedure:
  assessors: 1
  national_and_foreign: true
  assessment_modes: [on_site]
  assessment_days: 2
"""


def test_broken_file_reports_every_problem_with_its_location() -> None:
    problems = problems_of(BROKEN, source="broken.yaml")
    assert {p.source for p in problems} == {"broken.yaml"}
    expected = [
        ("version", 'put it in quotes ("2026.1")'),
        ("name.en", "the English text (en) is missing"),
        ("levels[0] (gold).award.min_score_procent", "did you mean 'min_score_percent'?"),
        ("indicators[0] (STR-01).threshold", "needs a number as threshold, found '30'"),
        ("indicators[0] (STR-01).bands[1].from", "bands go from worst to best"),
        ("indicators[0] (STR-01).bands[1].points", "must be below the indicator's points (5)"),
        ("indicators[1] (STR-01).id", "duplicate indicator id 'STR-01'"),
        ("indicators[1] (STR-01).category", "did you mean 'structures'?"),
        ("indicators[1] (STR-01).threshold", "must be between 0 and 100, found 120"),
        ("indicators[1] (STR-01).points", "required field is missing"),
        ("indicators[2] (STR-03).threshold", "must be one of its choice ids (none, full)"),
        ("fees.subsidies[0].valid_until", "valid_until 2012-11-01 is before valid_from 2016-12-31"),
        ("procedure.national_and_foreign", "need assessors >= 2, found 1"),
    ]
    for location, fragment in expected:
        assert_reported(problems, location, fragment)
    assert len(problems) == len(expected), located(problems)


def test_error_text_is_one_line_per_problem() -> None:
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_text(BROKEN, source="broken.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.errors)
    assert (
        "broken.yaml: indicators[1] (STR-01).id: duplicate indicator id 'STR-01' "
        "(first used at indicators[0])"
    ) in lines
    assert all(line.startswith("broken.yaml: ") for line in lines)


def test_cross_checks_still_run_when_the_structure_is_broken() -> None:
    data = scheme_data()
    del data["indicators"][0]["points"]
    data["categories"].append(category("services"))
    data["validity"] = "24 months"
    problems = problems_of(data)
    assert_reported(problems, "indicators[0] (STR-01).points", "required field is missing")
    assert_reported(problems, "categories[2] (services).id", "duplicate category id 'services'")
    assert_reported(problems, "validity", "must be a mapping")


# --- one check at a time ----------------------------------------------------------------------

Mutation = Callable[[Raw], Any]


def _set(path: str, value: Any) -> Mutation:
    """A mutation that sets a dotted path (list indices as numbers) of the raw scheme."""

    def mutate(data: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


def _append(key: str, value: Any) -> Mutation:
    return lambda data: data[key].append(value)


def _each(*mutations: Mutation) -> Mutation:
    def mutate(data: Raw) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


SUBSIDY = {
    "name": text("Introduction"),
    "payer": party("Ministry"),
    "percent": "50",
    "processes": ["new"],
}

CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "duplicate level id",
        _append("levels", level("gold", rank=2)),
        "levels[1] (gold).id",
        "duplicate level id 'gold' (first used at levels[0])",
    ),
    (
        "duplicate rank",
        _append("levels", level("silver", rank=1)),
        "levels[1] (silver).rank",
        "rank 1 is also used by levels[0]",
    ),
    (
        "duplicate choice id",
        _set("indicators.3.choices", choices("none", "partial", "none", "full")),
        "indicators[3] (SRV-02).choices[2] (none).id",
        "duplicate choice id 'none'",
    ),
    (
        "undefined category",
        _set("indicators.2.category", "service"),
        "indicators[2] (SRV-01).category",
        "category 'service' is not defined under categories; did you mean 'services'?",
    ),
    (
        "category without indicators",
        _append("categories", category("financing")),
        "categories[2] (financing).id",
        "category 'financing' has no indicators",
    ),
    (
        "boolean threshold written as text",
        _set("indicators.2.threshold", "yes"),
        "indicators[2] (SRV-01).threshold",
        "needs true or false as threshold, found 'yes'",
    ),
    (
        "number threshold outside min/max",
        _set("indicators.0.threshold", 200000),
        "indicators[0] (STR-01).threshold",
        "must be between 0 and 100000, found 200000",
    ),
    (
        "percent threshold below 0",
        _set("indicators.1.threshold", -1),
        "indicators[1] (STR-02).threshold",
        "must be between 0 and 100",
    ),
    (
        "choice threshold is a number",
        _set("indicators.3.threshold", 2),
        "indicators[3] (SRV-02).threshold",
        "must be one of its choice ids (none, partial, full), found 2",
    ),
    (
        "threshold of no usable type",
        _set("indicators.0.threshold", [30]),
        "indicators[0] (STR-01).threshold",
        "must be a number, true/false or a choice id, found a list",
    ),
    (
        "band reaching the threshold",
        _set("indicators.0.bands", [{"from": 30, "points": 2}]),
        "indicators[0] (STR-01).bands[0].from",
        "must be worse than the threshold (30)",
    ),
    (
        "band points not rising",
        _set("indicators.0.bands", [{"from": 15, "points": 3}, {"from": 22, "points": 2}]),
        "indicators[0] (STR-01).bands[1].points",
        "band points must rise from band to band",
    ),
    (
        "band points equal to the indicator's points",
        _set("indicators.0.bands", [{"from": 15, "points": 5}]),
        "indicators[0] (STR-01).bands[0].points",
        "band points (5) must be below the indicator's points (5)",
    ),
    (
        "bands on a boolean",
        _set("indicators.2.bands", [{"from": False, "points": 1}]),
        "indicators[2] (SRV-01).bands",
        "a boolean indicator cannot have bands",
    ),
    (
        "choice band at the threshold choice",
        _set("indicators.3.bands", [{"from": "full", "points": 1}]),
        "indicators[3] (SRV-02).bands[0].from",
        "must be worse than the threshold ('full')",
    ),
    (
        "choice band naming no choice",
        _set("indicators.3.bands", [{"from": "half", "points": 1}]),
        "indicators[3] (SRV-02).bands[0].from",
        "band 'from' of a choice indicator must be one of its choice ids",
    ),
    (
        "percent band above 100",
        _set("indicators.1.bands", [{"from": 101, "points": 1}]),
        "indicators[1] (STR-02).bands[0].from",
        "must be between 0 and 100, found 101",
    ),
    (
        "lower-direction bands in the wrong order",
        _set(
            "indicators.0",
            indicator(
                "STR-01",
                direction="lower",
                threshold=10,
                bands=[{"from": 20, "points": 1}, {"from": 30, "points": 2}],
            ),
        ),
        "indicators[0] (STR-01).bands[1].from",
        "'from' must be falling",
    ),
    (
        "choices on a number indicator",
        _set("indicators.0.choices", choices("a", "b")),
        "indicators[0] (STR-01).choices",
        "only choice indicators have choices",
    ),
    (
        "a single choice",
        _each(_set("indicators.3.choices", choices("full")), _delete("indicators.3.bands")),
        "indicators[3] (SRV-02).choices",
        "needs at least two choices",
    ),
    (
        "min above max",
        _set("indicators.0.min", 500000),
        "indicators[0] (STR-01).max",
        "max (100000) is below min (500000)",
    ),
    (
        "min on a percent indicator",
        _set("indicators.1.min", 10),
        "indicators[1] (STR-02).min",
        "min applies to number indicators only",
    ),
    (
        "direction on a boolean",
        _set("indicators.2.direction", "lower"),
        "indicators[2] (SRV-01).direction",
        "direction applies to number and percent indicators only",
    ),
    (
        "number indicator without unit",
        _delete("indicators.0.unit"),
        "indicators[0] (STR-01).unit",
        "a number indicator needs a unit",
    ),
    (
        "unknown indicator type",
        _set("indicators.0.type", "integer"),
        "indicators[0] (STR-01).type",
        "must be one of 'number', 'percent', 'boolean' or 'choice', found 'integer'",
    ),
    (
        "negative points",
        _set("indicators.0.points", -1),
        "indicators[0] (STR-01).points",
        "must be at least 0",
    ),
    (
        "lower-case indicator id",
        _set("indicators.0.id", "str-01"),
        "indicators[0] (str-01).id",
        "must be upper-case letters, digits, '-' (like STR-01), found 'str-01'",
    ),
    (
        "missing German text",
        _set("indicators.0.name", {"en": "Participants"}),
        "indicators[0] (STR-01).name.de",
        "the German text (de) is missing",
    ),
    (
        "empty text",
        _set("description", {"de": " ", "en": "x"}),
        "description.de",
        "must not be empty",
    ),
    (
        "third language",
        _set("name", {"de": "a", "en": "b", "fr": "c"}),
        "name.fr",
        "unknown field (allowed: de, en)",
    ),
    ("wrong format", _set("format", "clusterlabel-scheme/2"), "format", "must be one of"),
    ("scheme id with capitals", _set("id", "BW"), "id", "(like ecei-gold), found 'BW'"),
    ("country code", _set("owner.country", "Germany"), "owner.country", "ISO 3166-1 alpha-2"),
    ("no levels", _set("levels", []), "levels", "must list at least 1 entry"),
    ("missing section", _delete("renewal"), "renewal", "required field is missing"),
    (
        "float money",
        _set("fees.items.0.net", 4975.5),
        "fees.items[0].net",
        'write decimals as quoted strings (like "4975.5")',
    ),
    (
        "fee with fractions of a cent",
        _set("fees.items.0.net", "4975.001"),
        "fees.items[0].net",
        "at most two decimals",
    ),
    (
        "VAT above 100",
        _set("fees.vat_percent", "119"),
        "fees.vat_percent",
        "must be at most 100, found 119",
    ),
    (
        "two items for the same process and mode",
        _set("fees.items.1.process", "new"),
        "fees.items[1]",
        "fees.items[0] already prices process 'new' in mode 'any'",
    ),
    (
        "score percent zero",
        _set("levels.0.award.min_score_percent", "0"),
        "levels[0] (gold).award.min_score_percent",
        "must be greater than 0",
    ),
    (
        "improvement window inverted",
        _set(
            "levels.0.award.improvement",
            {
                "min_improved_categories": 1,
                "min_months_since_previous": 24,
                "max_months_since_previous": 18,
            },
        ),
        "levels[0] (gold).award.improvement.max_months_since_previous",
        "max_months_since_previous (18) is below min_months_since_previous (24)",
    ),
    (
        "more improved categories than categories",
        _set("levels.0.award.improvement", {"min_improved_categories": 3}),
        "levels[0] (gold).award.improvement.min_improved_categories",
        "3 improved categories are required but the scheme has only 2",
    ),
    (
        "window for an unknown process",
        _set(
            "levels.0.award.improvement",
            {"min_improved_categories": 1, "window_processes": ["first"]},
        ),
        "levels[0] (gold).award.improvement.window_processes[0]",
        "must be one of 'new' or 'renewal', found 'first'",
    ),
    (
        "recognition of the scheme itself",
        _set(
            "levels.0.recognitions",
            [{"scheme_family": "test", "scheme": "test-scheme", "level": "gold"}],
        ),
        "levels[0] (gold).recognitions[0].scheme",
        "a level cannot recognise its own scheme",
    ),
    (
        "recognition listed twice",
        _set(
            "levels.0.recognitions",
            [{"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"}] * 2,
        ),
        "levels[0] (gold).recognitions[1]",
        "this recognition is listed twice",
    ),
    (
        "overlapping subsidies",
        _set(
            "fees.subsidies",
            [
                {**SUBSIDY, "valid_until": date(2016, 12, 31)},
                {**SUBSIDY, "valid_from": date(2016, 12, 31), "processes": ["new", "renewal"]},
            ],
        ),
        "fees.subsidies[1]",
        "overlaps fees.subsidies[0] for new",
    ),
    (
        "subsidy without processes",
        _set("fees.subsidies", [{**SUBSIDY, "processes": []}]),
        "fees.subsidies[0].processes",
        "must list at least 1 entry",
    ),
    (
        "date with a time",
        _set("fees.subsidies", [{**SUBSIDY, "valid_from": "someday"}]),
        "fees.subsidies[0].valid_from",
        "must be a date written YYYY-MM-DD, found 'someday'",
    ),
    (
        "advisory board without quorum",
        _delete("procedure.board_quorum"),
        "procedure.board_quorum",
        "an advisory board needs a board_quorum",
    ),
    (
        "quorum without advisory board",
        _each(_set("procedure.advisory_board", False), _delete("procedure.board_majority_percent")),
        "procedure.board_quorum",
        "board_quorum applies only with advisory_board: true",
    ),
    (
        "majority of 100 percent",
        _set("procedure.board_majority_percent", "100"),
        "procedure.board_majority_percent",
        "must be less than 100",
    ),
    (
        "mode listed twice",
        _set("procedure.assessment_modes", ["video", "video"]),
        "procedure.assessment_modes[1]",
        "mode 'video' is listed twice",
    ),
    (
        "extension longer than validity plus grace",
        _set("renewal.extension_months", 48),
        "renewal.extension_months",
        "extension_months (48) exceeds validity.months + grace_months_after_expiry (36)",
    ),
    (
        "region outside the countries",
        _set("eligibility", {"countries": ["AT"], "regions": ["DE-BW"]}),
        "eligibility.regions[0]",
        "region 'DE-BW' lies outside the eligible countries",
    ),
    (
        "too many member types",
        _set("eligibility.min_member_types", 5),
        "eligibility.min_member_types",
        "must be at most 4",
    ),
    (
        "integer written as text",
        _set("validity.months", "24"),
        "validity.months",
        "must be a whole number, found '24'",
    ),
    (
        "yes/no as boolean written as text",
        _set("eligibility.website_required", "yes"),
        "eligibility.website_required",
        "must be true or false, found 'yes'",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "location", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_problem_is_reported_at_its_location(
    mutation: Mutation, location: str, fragment: str
) -> None:
    data = scheme_data()
    mutation(data)
    problems = problems_of(data)
    assert_reported(problems, location, fragment)
    assert len(problems) == 1, located(problems)


def test_fee_mode_must_be_offered_by_the_procedure() -> None:
    data = scheme_data()
    data["procedure"]["assessment_modes"] = ["on_site"]
    data["fees"]["items"].append(
        {"process": "new", "mode": "video", "net": "1650.00", "name": text("Video")}
    )
    problems = problems_of(data)
    assert located(problems) == [
        ("fees.items[2].mode", "mode 'video' is not among procedure.assessment_modes")
    ]


def test_min_score_needs_points_to_reach() -> None:
    data = scheme_data()
    for item in data["indicators"]:
        item["points"] = 0
        item.pop("bands", None)
    problems = problems_of(data)
    assert_reported(
        problems, "levels[0] (gold).award.min_score_percent", "the indicators give no points"
    )


# --- YAML-level problems -----------------------------------------------------------------------


def test_yaml_syntax_error_names_line_and_column() -> None:
    problems = problems_of("format: clusterlabel-scheme/1\nlevels: [1, 2\nid: x\n", "syntax.yaml")
    assert len(problems) == 1
    assert problems[0].source == "syntax.yaml"
    assert problems[0].location == "line 3, column 3"
    assert problems[0].message.startswith("YAML syntax error:")


def test_duplicate_yaml_keys_are_reported_not_silently_overwritten() -> None:
    yaml_text = to_yaml(scheme_data()).replace("id: test-scheme\n", "id: test-scheme\nid: other\n")
    problems = problems_of(yaml_text)
    assert located(problems) == [
        ("line 3, column 1", "duplicate key 'id': the later value would win")
    ]


def test_yaml_reads_unquoted_no_as_false_and_the_message_says_so() -> None:
    yaml_text = to_yaml(scheme_data()).replace("id: none", "id: no")
    problems = problems_of(yaml_text)
    assert_reported(
        problems,
        "indicators[3] (SRV-02).choices[0].id",
        "YAML reads yes/no/on/off/true/false as booleans, so put it in quotes",
    )


@pytest.mark.parametrize(
    ("text_", "message"),
    [
        ("", "a scheme file is a mapping of fields, found nothing"),
        ("- 1\n- 2\n", "a scheme file is a mapping of fields, found a list"),
    ],
)
def test_a_document_that_is_not_a_mapping(text_: str, message: str) -> None:
    assert located(problems_of(text_)) == [("", message)]


# --- files and directories ---------------------------------------------------------------------


def test_load_scheme_file_names_problems_by_file_name(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(to_yaml(scheme_data()), encoding="utf-8")
    assert load_scheme_file(good).key == "test-scheme@1"
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_file(bad)
    assert {p.source for p in caught.value.errors} == {"bad.yaml"}


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Qualitätslabel\n".encode("latin-1"))
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_file(path)
    assert caught.value.errors[0].source == "latin1.yaml"
    assert "not UTF-8" in caught.value.errors[0].message


def _write(directory: Path, name: str, data: Raw) -> None:
    (directory / name).write_text(to_yaml(data), encoding="utf-8")


def test_load_scheme_dir_loads_in_file_name_order_and_checks_recognitions(tmp_path: Path) -> None:
    _write(tmp_path, "b-gold.yaml", scheme_data(id="ecei-gold", family="ecei"))
    state = scheme_data(id="bw-label", family="bw")
    state["levels"][0]["recognitions"] = [
        {"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"}
    ]
    _write(tmp_path, "a-state.yaml", state)
    (tmp_path / "README.txt").write_text("not a scheme", encoding="utf-8")
    schemes = load_scheme_dir(tmp_path)
    assert [s.id for s in schemes] == ["bw-label", "ecei-gold"]


def test_load_scheme_dir_collects_problems_of_all_files(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    _write(tmp_path, "one.yaml", scheme_data())
    _write(tmp_path, "two.yml", scheme_data())
    state = scheme_data(id="bw-label", family="bw")
    state["levels"][0]["recognitions"] = [
        {"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"},
        {"scheme_family": "ecei", "scheme": "test-scheme", "level": "silver"},
    ]
    _write(tmp_path, "state.yaml", state)
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_dir(tmp_path)
    problems = caught.value.errors
    assert {p.source for p in problems} == {"broken.yaml", "two.yml", "state.yaml"}
    assert ("version", "test-scheme@1 is also defined in one.yaml") in located(problems)
    where = "levels[0] (gold).recognitions"
    assert (f"{where}[0].scheme", "scheme 'ecei-gold' is not among the loaded schemes") in located(
        problems
    )
    assert (
        f"{where}[1].scheme_family",
        "scheme 'test-scheme' belongs to family 'test', not 'ecei'",
    ) in located(problems)
    assert (f"{where}[1].level", "scheme 'test-scheme' has no level 'silver'") in located(problems)


def test_load_scheme_dir_of_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_scheme_dir(tmp_path / "missing")
    assert load_scheme_dir(tmp_path) == []


# --- wrongly typed values: reported, never raised ----------------------------------------------
#
# The cross-field checks read the raw data, so every value may have any type YAML can give. A
# value of the wrong type must end up as a SchemeProblem at its location (pydantic reports it),
# never as a TypeError from a check that assumed a type (len() of a number, a list as a dict key).


WRONGLY_TYPED: list[tuple[str, Mutation, str, str]] = [
    (
        "choices as a number",
        _set("indicators.3.choices", 3),
        "indicators[3] (SRV-02).choices",
        "must be a list, found 3",
    ),
    (
        "choices as a string",
        _set("indicators.3.choices", "none, partial, full"),
        "indicators[3] (SRV-02).choices",
        "must be a list",
    ),
    (
        "choices as a mapping",
        _set("indicators.3.choices", {"none": "None", "full": "Full"}),
        "indicators[3] (SRV-02).choices",
        "must be a list, found a mapping",
    ),
    (
        "fee process as a list",
        _set("fees.items.0.process", ["new"]),
        "fees.items[0].process",
        "must be one of 'new' or 'renewal', found a list",
    ),
    (
        "fee mode as a list",
        _set("fees.items.0.mode", ["any"]),
        "fees.items[0].mode",
        "found a list",
    ),
    (
        "fee mode as a mapping",
        _set("fees.items.1.mode", {"any": True}),
        "fees.items[1].mode",
        "found a mapping",
    ),
    (
        "recognised scheme as a list",
        _set(
            "levels.0.recognitions",
            [{"scheme_family": "ecei", "scheme": ["ecei-gold"], "level": "gold"}],
        ),
        "levels[0] (gold).recognitions[0].scheme",
        "found a list",
    ),
    (
        "recognised level as a mapping",
        _set(
            "levels.0.recognitions",
            [{"scheme_family": "ecei", "scheme": "ecei-gold", "level": {"id": "gold"}}],
        ),
        "levels[0] (gold).recognitions[0].level",
        "found a mapping",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "location", "fragment"),
    [case[1:] for case in WRONGLY_TYPED],
    ids=[case[0] for case in WRONGLY_TYPED],
)
def test_a_wrongly_typed_value_is_reported_once_at_its_field(
    mutation: Mutation, location: str, fragment: str
) -> None:
    data = scheme_data()
    mutation(data)
    problems = problems_of(data)
    assert_reported(problems, location, fragment)
    assert len(problems) == 1, located(problems)  # no follow-on noise from the cross checks
    assert located(problems_of(to_yaml(data))) == located(problems)


def test_wrongly_typed_duplicates_are_reported_at_each_field() -> None:
    data = scheme_data()
    for item in data["fees"]["items"]:
        item["process"], item["mode"] = ["new"], {"any": 1}
    data["levels"][0]["recognitions"] = [
        {"scheme_family": "ecei", "scheme": {"id": "ecei-gold"}, "level": ["gold"]}
    ] * 2
    problems = problems_of(data)
    for index in (0, 1):
        assert_reported(problems, f"fees.items[{index}].process", "found a list")
        assert_reported(problems, f"fees.items[{index}].mode", "found a mapping")
        where = f"levels[0] (gold).recognitions[{index}]"
        assert_reported(problems, f"{where}.scheme", "found a mapping")
        assert_reported(problems, f"{where}.level", "found a list")
    assert len(problems) == 8, located(problems)


def test_fee_cents_are_checked_exactly_for_amounts_of_any_size() -> None:
    # beyond 28 digits Decimal.quantize raised InvalidOperation instead of checking
    data = scheme_data()
    data["fees"]["items"][0]["net"] = "1e30"
    data["fees"]["items"][1]["net"] = "123456789012345678901234567890.10"
    assert build_scheme(data).fees.items[0].net == Decimal("1e30")
    data["fees"]["items"][1]["net"] = "123456789012345678901234567890.001"
    assert located(problems_of(data)) == [
        (
            "fees.items[1].net",
            "fees are in cents: at most two decimals, found 123456789012345678901234567890.001",
        )
    ]


@pytest.mark.parametrize(
    ("replace", "by", "location", "fragment"),
    [
        ("id: test-scheme\n", "id: 2024-13-45\n", "line 2, column 5", "cannot read '2024-13-45'"),
        ("months: 24", "months: !!int abc", "line ", "cannot read 'abc' as int"),
        ("months: 24", "months: !!float abc", "line ", "cannot read 'abc' as float"),
        ("months: 24", "months: " + "9" * 5000, "line ", "as int (Exceeds the limit"),
        ("version: '1'", "version: '1\x00'", "line 3, column 12", "unacceptable character"),
        ("months: 24", "months: " + "[" * 600 + "]" * 600, "", "nested too deeply"),
    ],
    ids=["impossible date", "bad !!int", "bad !!float", "huge int", "NUL character", "deep"],
)
def test_yaml_values_pyyaml_cannot_convert_are_reported(
    replace: str, by: str, location: str, fragment: str
) -> None:
    yaml_text = to_yaml(scheme_data())
    assert replace in yaml_text
    problems = problems_of(yaml_text.replace(replace, by, 1))
    assert len(problems) == 1, located(problems)
    assert problems[0].location.startswith(location), located(problems)
    assert fragment in problems[0].message
    assert "\n" not in str(problems[0])


def _rich_scheme_data() -> Raw:
    """The default scheme plus every optional part a cross check looks at."""
    data = scheme_data()
    data["levels"].append(
        level(
            "silver",
            rank=2,
            improvement={
                "min_improved_categories": 1,
                "min_months_since_previous": 18,
                "max_months_since_previous": 24,
                "window_processes": ["new"],
            },
            recognitions=[{"scheme_family": "ecei", "scheme": "ecei-silver", "level": "silver"}],
        )
    )
    data["indicators"][1]["direction"] = "lower"
    data["indicators"][1]["bands"] = [{"from": 90, "points": 1}, {"from": 75, "points": 2}]
    data["eligibility"].update(countries=["DE"], regions=["DE-BW"])
    data["fees"]["subsidies"] = [
        {
            "name": text("Introduction"),
            "payer": party("Ministry"),
            "percent": "50",
            "processes": ["new"],
            "valid_from": "2024-01-01",
            "valid_until": "2025-12-31",
        }
    ]
    return data


def test_the_rich_scheme_of_the_fuzz_test_is_valid() -> None:
    assert build_scheme(_rich_scheme_data()).level("silver").recognitions


def _value_paths(node: Any, base: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value below ``node``: leaves and the containers above them."""
    children: Any = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    paths = []
    for key, child in children:
        paths.append((*base, key))
        paths.extend(_value_paths(child, (*base, key)))
    return paths


_INTERESTING_TEXTS = (
    *("", " ", "new", "renewal", "any", "on_site", "video", "gold", "silver", "structures"),
    *("services", "none", "partial", "full", "STR-01", "test-scheme", "ecei-silver", "DE"),
    *("DE-BW", "lower", "choice", "number", "percent", "19", "4975.001", "1e30", "2024-01-01"),
)
_TEXTS = st.sampled_from(_INTERESTING_TEXTS) | st.text(max_size=6)
_SCALARS: dict[type, st.SearchStrategy[Any]] = {
    int: st.integers(),
    str: _TEXTS,
    float: st.floats(),
    bool: st.booleans(),
    type(None): st.none(),
}
_YAML_VALUES = st.recursive(
    st.one_of(*_SCALARS.values()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXTS, inner, max_size=3),
    max_leaves=6,
)
_VALUES_BY_TYPE: dict[type, st.SearchStrategy[Any]] = {
    **_SCALARS,
    list: st.lists(_YAML_VALUES, max_size=3),
    dict: st.dictionaries(_TEXTS, _YAML_VALUES, max_size=3),
}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_wrongly_typed_value_is_a_scheme_file_error_never_a_crash(data: st.DataObject) -> None:
    raw = _rich_scheme_data()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        *parents, last = data.draw(st.sampled_from(_value_paths(raw)), label="path")
        node: Any = raw
        for key in parents:
            node = node[key]
        other_types = [kind for kind in _VALUES_BY_TYPE if kind is not type(node[last])]
        kind = data.draw(st.sampled_from(other_types), label="type")
        node[last] = data.draw(_VALUES_BY_TYPE[kind], label="value")
    try:
        result = load_scheme_data(raw, source="fuzz.yaml")
    except SchemeFileError as exc:  # anything else fails the test
        assert exc.errors and all(isinstance(p, SchemeProblem) for p in exc.errors)
    else:
        assert isinstance(result, Scheme)


def test_a_party_without_an_id_hashes_as_before_ids_existed():
    """Loaded scheme versions keep their content hash: an absent ``id`` is not serialised."""
    from clusterlabel.domain.schemes import Party

    assert Party(name="ESCA", country="DE").model_dump() == {"name": "ESCA", "country": "DE"}
    assert Party(name="ESCA", country="DE", id="eucles").model_dump()["id"] == "eucles"
    assert Party(name="VDI/VDE Innovation + Technik GmbH", country="DE").key == (
        "vdivde-innovation-technik-gmbh"
    )
    assert Party(name="ESCA", country="DE", id="eucles").key == "eucles"
