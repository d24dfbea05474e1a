"""The daily run (``clusterlabel send-reminders``): work that apps above the command's own app
add to it, without the command importing them (the overdue-invoice reminders of ``invoices``).

A leaf module: ``daily_jobs`` is a ``core.hooks.Hook``; apps subscribe in ``AppConfig.ready``
and the command runs every subscriber once per run, after its own reminders, with the day it
acts on, whether it is a dry run, and where to write its lines of output (in English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from clusterlabel.core.hooks import Hook


@dataclass(frozen=True)
class DailyRun:
    """One run of the daily command, as a subscriber sees it."""

    today: date
    dry_run: bool
    write: Callable[[str], object]


daily_jobs: Hook[DailyRun] = Hook()
"""What the daily command runs besides the label-expiry reminders."""


class Outcome(StrEnum):
    """What became of one reminder in a daily run (expiry, deadline): the command's words."""

    SENT = "sent"
    WOULD_SEND = "would send"
    FAILED = "failed"
    ALREADY_SENT = "already sent"
    NO_RECIPIENTS = "no recipients"
