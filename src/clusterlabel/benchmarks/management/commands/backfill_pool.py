"""``clusterlabel backfill-pool``: record decided procedures that are not yet in the pool."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from clusterlabel.benchmarks.services import reference_assessment_record_for_procedure
from clusterlabel.benchmarks.stored_pools import pools_built_once
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure


class Command(BaseCommand):
    help = (
        "Record every decided procedure (awarded or refused) that is not yet in the benchmarking "
        "pool, e.g. those decided before the pool existed. Running it again records nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = (
            Procedure.objects.filter(
                state__in=[ProcedureState.AWARDED, ProcedureState.REFUSED],
                reference_assessment__isnull=True,
            )
            .select_related("organisation", "scheme_version")
            .order_by("decided_at", "pk")
        )
        recorded = 0
        with pools_built_once():  # each pool built once at the end, not after every procedure
            for procedure in missing:
                with transaction.atomic():
                    reference_assessment_record_for_procedure(procedure=procedure)
                recorded += 1
        self.stdout.write(f"{recorded} decided procedure(s) recorded in the benchmarking pool.")
