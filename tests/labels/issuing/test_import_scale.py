"""The import at scale: its queries do not grow with the rows, and writing in bulk keeps
every guarantee of writing row by row (numbers, chains, recognitions, the audit chain)."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import verify_chain
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelState
from tests.factories import OrganisationFactory
from tests.labels.issuing.test_reminders import make_label


def listing(prefix: str, organisations: int) -> str:
    """Per ``organisations``: two new organisations, one with an ECEI Gold award and its
    renewal (one chain), one with the state label, which brings a recognised ECEI Gold."""
    lines = ["Name;Land;Label;Gültig ab;Gültig bis"]
    for n in range(organisations):
        lines.append(f"{prefix} Gold {n};DE;ECEI Gold;01.10.2021;30.09.2023")
        lines.append(f"{prefix} Gold {n};DE;ECEI Gold;01.10.2023;30.09.2025")
        lines.append(f"{prefix} Land {n};DE;Cluster-Exzellenz BW;01.10.2023;30.09.2025")
    return "\n".join(lines) + "\n"


def queries_of(text: str) -> tuple[int, int]:
    """The import's queries: those that are not INSERTs, and the INSERTs."""
    with CaptureQueriesContext(connection) as queries:
        result = labels_import(data=text.encode(), actor=None, file_name="l.csv")
    assert result.errors == [] and result.written
    inserts = sum(query["sql"].startswith("INSERT") for query in queries.captured_queries)
    return len(queries) - inserts, inserts


def test_the_queries_of_an_import_do_not_grow_with_its_rows(loaded_schemes):
    queries_of(listing("Warm-up", 2))  # creates the counters and the lock row
    twenty = queries_of(listing("Small", 7))  # 21 rows
    sixty = queries_of(listing("Large", 20))  # 60 rows, 80 labels, 120 audit events
    assert sixty[0] == twenty[0]
    # One INSERT per batch of rows of a kind: SQLite takes 999 parameters a query, so ~50
    # organisations or ~75 audit events; PostgreSQL 500 of each.
    assert sixty[1] - twenty[1] <= 3


def test_a_bulk_import_numbers_chains_recognises_and_audits_as_row_by_row(loaded_schemes):
    events_before = AuditEvent.objects.count()
    result = labels_import(data=listing("Cluster", 3).encode(), actor=None, file_name="l.csv")
    assert result.errors == [] and result.written
    labels = Label.objects.order_by("status_list_index")
    # Sequential numbers per level and year; status list places random and distinct.
    gold_2021 = sorted(
        label.certificate_number
        for label in labels
        if label.certificate_number[:11] == "ECEI-G-2021"
    )
    assert gold_2021 == ["ECEI-G-2021-00001", "ECEI-G-2021-00002", "ECEI-G-2021-00003"]
    indices = [label.status_list_index for label in labels]
    assert len(set(indices)) == len(indices)
    assert indices != list(range(indices[0], indices[0] + len(indices)))
    # Each renewal continues its label, which is superseded by it.
    renewal = Label.objects.get(organisation__cluster_name="Cluster Gold 1", previous__isnull=False)
    first = renewal.previous
    assert first.valid_until == date(2023, 9, 30)
    assert (first.state, first.state_reason) == (LabelState.SUPERSEDED, renewal.certificate_number)
    assert renewal.first_awarded_on == date(2021, 10, 1)
    # The state label brings ECEI Gold, linked to it.
    state_label = Label.objects.get(
        organisation__cluster_name="Cluster Land 2", scheme_id__startswith="bw"
    )
    (recognised,) = state_label.recognitions.all()
    assert (recognised.scheme_id, recognised.level_id) == ("ecei-gold", "gold")
    assert [r.certificate_number for r in result.recognised if r.line == 10] == [
        recognised.certificate_number
    ]
    # One event per organisation and label, in order, and the chain holds.
    events = list(AuditEvent.objects.filter(sequence__gt=events_before).order_by("sequence"))
    actions = [event.action for event in events]
    assert actions.count("organisation.create") == 6
    assert actions.count("label.import") == 9
    assert actions.count("label.issue") == 3
    assert actions[:6] == ["organisation.create"] * 6
    assert actions[-2:] == ["label.import", "label.issue"]  # the last state label, its Gold
    assert events[-1].target_id == str(recognised.pk)
    assert events[-1].after["renews"] is None
    assert verify_chain().ok


class Terminal(StringIO):
    """Standard error as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def test_the_command_draws_a_bar_for_the_check_and_one_for_the_writing(loaded_schemes, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(listing("Cluster", 50), encoding="utf-8")  # 150 rows, 200 labels
    terminal, log = Terminal(), StringIO()
    call_command("import_labels", str(path), stdout=StringIO(), stderr=terminal)
    lines = terminal.getvalue().split("\n")
    # Each bar redraws itself on one line (\r) and ends with a line break when complete.
    assert lines[0].split("\r")[1:] == [
        "check [####################..........] 100/150",
        "check [##############################] 150/150",
    ]
    assert lines[1].split("\r")[-1] == "write [##############################] 200/200"
    assert lines[1].count("\r") == 2  # 100 and 200 labels written
    assert lines[2:] == [""]
    call_command("import_labels", str(path), "--dry-run", stdout=StringIO(), stderr=log)
    assert log.getvalue() == ""  # not a terminal: no bar in a log


def test_generated_numbers_skip_those_stored(loaded_schemes):
    holder = OrganisationFactory()
    stored = make_label(holder, valid_from=date(2019, 1, 1), valid_until=date(2020, 12, 31))
    # A number the counter has not given (typed in another installation; stored in capitals).
    Label.objects.filter(pk=stored.pk).update(certificate_number="ECEI-G-2021-00001")
    result = labels_import(data=listing("Cluster", 1).encode(), actor=None, file_name="l.csv")
    assert result.errors == []
    numbers = sorted(r.certificate_number for r in result.created if "2021" in r.certificate_number)
    assert numbers == ["ECEI-G-2021-00002"]
