from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    name = "clusterlabel.benchmarks"
    label = "benchmarks"
    verbose_name = _("Benchmarking")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels
        from clusterlabel.benchmarks.merging import reference_assessments_move
        from clusterlabel.benchmarks.previous import imported_benchmarking_find
        from clusterlabel.benchmarks.services import reference_assessment_record_for_decision
        from clusterlabel.benchmarks.stored_pools import pools_build_all
        from clusterlabel.organisations import merging
        from clusterlabel.procedures import benchmarkings, decided

        decided.decision_made.subscribe(
            "benchmarks.record", reference_assessment_record_for_decision
        )
        merging.movers.subscribe("benchmarks.move", reference_assessments_move)
        benchmarkings.imported_benchmarkings.subscribe(
            "benchmarks.imported", imported_benchmarking_find
        )
        post_migrate.connect(pools_build_all, sender=self, dispatch_uid="benchmarks.pools")

        register_action_labels(
            {
                "benchmark.import": _("Assessments imported into the benchmarking pool"),
                "benchmark.synthetic_pool": _("Synthetic benchmarking pool generated"),
            }
        )
