"""The procedure list as a workbook (XLSX), for the secretariat's own lists: the same rows the
list page shows (the procedures the person may see, in the state and search asked for), all of
them rather than one page, through the one writer of cells safe for spreadsheets
(``core.spreadsheet``: a name is never run as a formula)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.accounts.choices import Role
from clusterlabel.core.formatting import scheme_and_level
from clusterlabel.core.spreadsheet import xlsx_workbook
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.selectors import procedure_deadline


def _columns() -> tuple[str, ...]:
    return (
        _("Reference"),
        _("Organisation"),
        _("Legal name"),
        _("Scheme"),
        _("State"),
        _("Since"),
        _("Waiting for"),
        _("Due"),
        _("Overdue"),
    )


def _rows(procedures: Iterable[Procedure], today: date) -> Iterator[tuple[Any, ...]]:
    for procedure in procedures:
        deadline = procedure_deadline(procedure, today=today)
        owner = flow.owner_of(procedure.state)
        yield (
            procedure.reference,
            procedure.organisation.cluster_name,
            procedure.organisation.legal_name,
            scheme_and_level(procedure),
            procedure.get_state_display(),
            timezone.localdate(procedure.state_entered_at),
            str(Role(str(owner)).label) if owner else "",
            deadline.due if deadline else None,
            (_("yes") if deadline.overdue else _("no")) if deadline else "",
        )


def procedure_list_workbook(procedures: Iterable[Procedure]) -> bytes:
    """The procedures (a ``procedure_list`` queryset) as an XLSX workbook."""
    return xlsx_workbook(_columns(), _rows(procedures, timezone.localdate()), title=_("Procedures"))
