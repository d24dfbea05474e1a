"""The agreement to the report: what other apps check when an assessor agrees.

The report an assessor agrees to may have parts kept by apps above procedures (the structured
report of ``clusterlabel.reports``: findings per category, with a revision). ``report_agree``
does not know them; it runs ``report_agreement_checks`` (a ``core.hooks.Hook``) inside its
transaction, with the locked procedure, before it records the agreement. A subscriber refuses
by raising (a ``ValidationError`` on ``summary`` reaches the summary form), which rolls back the
agreement, and may record what the assessor agreed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusterlabel.core.hooks import Hook

if TYPE_CHECKING:
    from clusterlabel.accounts.models import User
    from clusterlabel.procedures.models import Procedure


@dataclass(frozen=True)
class AgreementToReport:
    """One agreement, as the subscribers see it. ``report_revision`` is the revision of the
    structured report the assessor read when agreeing, ``None`` when they agreed on the summary
    form (which shows no structured report)."""

    procedure: Procedure
    assessor: User
    report_revision: int | None


report_agreement_checks: Hook[AgreementToReport] = Hook()
"""The checks an agreement to the report passes (reports: the structured report's revision)."""
