"""What imported rows become: renewal chains dated by the scheme's rule, corrections instead
of twins, recognised labels as in-system awards bring them, and one import at a time."""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelSource, LabelState
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory
from tests.labels.issuing.test_reminders import make_label


@pytest.fixture
def optence(loaded_schemes):
    return OrganisationFactory(
        legal_name="Optence e.V.", cluster_name="Optence", country="DE", sector="other"
    )


def run(text: str, **options) -> object:
    return labels_import(data=text.encode("utf-8"), actor=None, file_name="l.csv", **options)


# ESCA lists only the end of validity; rows in no particular order.
ESCA = """\
Name;Land;Label;Gültig bis
Optence;DE;ECEI Bronze;30.09.2022
Optence;DE;ECEI Bronze;30.09.2019
Optence;DE;ECEI Bronze;31.03.2027
"""


def test_a_bronze_renewed_within_a_year_continues_seamlessly_in_one_chain(optence):
    result = run(ESCA)
    assert result.errors == []
    first, second, third = Label.objects.filter(organisation=optence).order_by("valid_until")
    assert (first.valid_from, first.valid_until) == (date(2017, 10, 1), date(2019, 9, 30))
    # Three more years from the previous end, not 24 months back (which left a year's gap).
    assert (second.valid_from, second.valid_until) == (date(2019, 10, 1), date(2022, 9, 30))
    assert second.previous == first
    assert second.first_awarded_on == date(2017, 10, 1)
    assert (first.state, first.state_reason) == (LabelState.SUPERSEDED, second.certificate_number)
    # 2027-03-31 is far more than 36 months after 2022-09-30: renewed after the grace period,
    # a new first award counted back, with a gap and no link.
    assert (third.valid_from, third.previous, third.first_awarded_on) == (
        date(2025, 4, 1),
        None,
        date(2025, 4, 1),
    )
    reports = {item.line: item for item in result.created}
    assert (reports[2].renews_line, reports[2].valid_from) == (3, date(2019, 10, 1))
    assert reports[4].renews == ""


def test_a_row_renews_a_stored_label_by_the_schemes_rule(optence):
    stored = make_label(optence, scheme_id="ecei-bronze", valid_until=date(2019, 9, 30))
    result = run("Name;Label;Gültig bis\nOptence;ECEI Bronze;2022-09-30\n")
    assert result.errors == []
    renewal = Label.objects.get(valid_until=date(2022, 9, 30))
    assert (renewal.valid_from, renewal.previous) == (date(2019, 10, 1), stored)
    assert renewal.first_awarded_on == stored.first_awarded_on
    assert result.created[0].renews == stored.certificate_number


def test_the_dry_run_shows_the_chain_it_will_build(optence, tmp_path):
    path = tmp_path / "esca.csv"
    path.write_text(ESCA, encoding="utf-8")
    out = StringIO()
    call_command("import_labels", str(path), "--dry-run", stdout=out)
    assert "line 2: renews line 3, seamless: 2019-10-01..2022-09-30" in out.getvalue()
    assert "line 4: renews" not in out.getvalue()
    assert not Label.objects.exists()


def test_an_event_column_says_which_rows_are_first_awards_and_renewals(optence):
    text = (
        "Name;Label;Gültig bis;Art\n"
        "Optence;ECEI Bronze;2019-09-30;Vergabe\n"
        "Optence;ECEI Bronze;2022-09-30;Erstvergabe\n"
        "Optence;ECEI Gold;2024-06-30;Verlängerung\n"
    )
    result = run(text)
    assert result.errors == []
    bronze = Label.objects.get(valid_until=date(2022, 9, 30))
    # Said to be a first award: counted back, not linked, although a renewal could explain it.
    assert (bronze.valid_from, bronze.previous) == (date(2020, 10, 1), None)
    # Said to be a renewal, but nothing to renew: imported as a first award, with a warning.
    assert [problem.line for problem in result.warnings] == [4]
    assert Label.objects.get(valid_until=date(2024, 6, 30)).previous is None


def test_a_corrected_end_date_updates_the_label_instead_of_adding_a_twin(optence):
    stored = make_label(optence, scheme_id="ecei-bronze", valid_until=date(2024, 9, 30))
    before = (stored.valid_from, stored.valid_until)
    result = run("Name;Label;Gültig bis\nOptence;ECEI Bronze;2024-10-01\n")
    assert result.errors == []
    assert result.created == []
    changes = [
        (u.line, u.certificate_number, u.valid_until_before, u.valid_until) for u in result.updated
    ]
    assert changes == [(2, stored.certificate_number, date(2024, 9, 30), date(2024, 10, 1))]
    assert Label.objects.count() == 1
    stored.refresh_from_db()
    assert (stored.valid_from, stored.valid_until) == (before[0], date(2024, 10, 1))
    event = AuditEvent.objects.get(action="label.import_update")
    assert event.before["valid_until"] == "2024-09-30"
    assert event.after["valid_until"] == "2024-10-01"
    # Importing the corrected list again changes nothing.
    again = run("Name;Label;Gültig bis\nOptence;ECEI Bronze;2024-10-01\n")
    assert (len(again.unchanged), again.updated, again.created) == (1, [], [])


def test_the_tolerance_is_configurable_and_overlaps_are_reported(optence):
    stored = make_label(optence, scheme_id="ecei-bronze", valid_until=date(2024, 9, 30))
    text = "Name;Label;Gültig ab;Gültig bis\nOptence;ECEI Bronze;2023-01-01;2024-11-15\n"
    result = run(text, dry_run=True)  # 46 days off: beyond the default 31
    assert result.updated == []
    assert [item.line for item in result.created] == [2]
    assert [problem.line for problem in result.warnings] == [2]
    assert stored.certificate_number in result.warnings[0].message
    wider = run(text, tolerance_days=60)
    assert [u.certificate_number for u in wider.updated] == [stored.certificate_number]
    assert Label.objects.count() == 1


def test_the_command_takes_the_tolerance(optence, tmp_path):
    make_label(optence, scheme_id="ecei-bronze", valid_until=date(2024, 9, 30))
    path = tmp_path / "list.csv"
    path.write_text("Name;Label;Gültig bis\nOptence;ECEI Bronze;2024-10-02\n", encoding="utf-8")
    out = StringIO()
    call_command("import_labels", str(path), "--tolerance-days", "0", "--dry-run", stdout=out)
    assert "1 would be imported" in out.getvalue()
    out = StringIO()
    call_command("import_labels", str(path), stdout=out)
    assert "line 2: corrects " in out.getvalue()
    assert "0 imported, 0 unchanged, 0 duplicates, 1 corrected" in out.getvalue()


def test_an_imported_state_label_brings_ecei_gold_as_an_award_does(optence):
    result = run("Name;Label;Gültig ab;Gültig bis\nOptence;Cluster-Exzellenz BW;;2017-07-02\n")
    assert result.errors == []
    state = Label.objects.get(scheme_id="bw-cluster-excellence")
    gold = Label.objects.get(scheme_id="ecei-gold")
    assert (gold.recognised_with, gold.source, gold.organisation) == (
        state,
        LabelSource.IMPORTED,
        optence,
    )
    # Dated by the Gold scheme's own rule from the same award, as labels_issue_for_award does:
    # two years from the assessment day (the state label's start stands for it).
    assert (gold.valid_from, gold.valid_until) == (date(2015, 7, 3), date(2017, 7, 2))
    assert [(r.line, r.scheme_id, r.certificate_number) for r in result.recognised] == [
        (2, "ecei-gold", gold.certificate_number)
    ]
    # The recognised label is issued once: a second import finds the state label unchanged.
    assert run("Name;Label;Gültig bis\nOptence;Cluster-Exzellenz BW;2017-07-02\n").recognised == []
    assert Label.objects.count() == 2


def test_a_renewed_state_label_renews_its_recognised_gold_too(optence):
    text = (
        "Name;Label;Gültig bis\n"
        "Optence;Cluster-Exzellenz BW;2017-07-02\n"
        "Optence;Cluster-Exzellenz BW;2019-07-02\n"
    )
    assert run(text).errors == []
    first_gold, second_gold = Label.objects.filter(scheme_id="ecei-gold").order_by("valid_until")
    second_state = Label.objects.get(
        scheme_id="bw-cluster-excellence", valid_until=date(2019, 7, 2)
    )
    assert second_state.previous is not None
    assert (second_gold.previous, second_gold.recognised_with) == (first_gold, second_state)
    # Gold's renewal extends seamlessly by its 24 months from the previous end.
    assert (second_gold.valid_from, second_gold.valid_until) == (date(2017, 7, 3), date(2019, 7, 2))


def test_a_file_that_lists_the_gold_label_itself_gets_no_second_one(optence):
    text = (
        "Name;Label;Gültig bis\n"
        "Optence;Cluster-Exzellenz BW;2017-07-02\n"
        "Optence;ECEI Gold;2017-06-30\n"
    )
    result = run(text)
    assert result.errors == []
    assert result.recognised == []
    assert Label.objects.filter(scheme_id="ecei-gold").count() == 1


def test_a_double_submit_writes_once(optence):
    first = run(ESCA)
    second = run(ESCA)
    assert (len(first.created), len(second.created), len(second.unchanged)) == (3, 0, 3)
    assert Label.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a real concurrent database")
@pytest.mark.django_db(transaction=True)
def test_three_imports_of_the_same_file_at_once_write_it_once():
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

    scheme_versions_load_directory(directory=SHIPPED_DIR)
    text = "Name;Land;Label;Gültig bis\n" + "".join(
        f"Cluster {n};DE;ECEI Bronze;{2019 + n % 4}-09-30\n" for n in range(40)
    )
    start = threading.Barrier(3)
    results: list[object] = []
    errors: list[BaseException] = []

    def import_once() -> None:
        try:
            start.wait(timeout=10)
            results.append(run(text))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=import_once) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted((len(r.created), len(r.unchanged)) for r in results) == [
        (0, 40),
        (0, 40),
        (40, 0),
    ]
    assert Label.objects.count() == 40
    assert Organisation.objects.count() == 40
    assert AuditEvent.objects.filter(action="label.import").count() == 40
