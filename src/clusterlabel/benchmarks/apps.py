from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    name = "clusterlabel.benchmarks"
    label = "benchmarks"
    verbose_name = _("Benchmarking")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels
        from clusterlabel.benchmarks.services import reference_assessment_record_for_decision
        from clusterlabel.procedures import decided

        decided.subscribe("benchmarks.record", reference_assessment_record_for_decision)

        register_action_labels(
            {
                "benchmark.import": _("Assessments imported into the benchmarking pool"),
                "benchmark.synthetic_pool": _("Synthetic benchmarking pool generated"),
            }
        )
