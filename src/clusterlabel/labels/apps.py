from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "clusterlabel.labels"
    label = "labels"
    verbose_name = _("Labels")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels
        from clusterlabel.core.daily import daily_jobs
        from clusterlabel.core.health import readiness_checks
        from clusterlabel.labels.certificates.credentials import signing_keys_check
        from clusterlabel.labels.certificates.decision_letter import decision_letter_attach
        from clusterlabel.labels.changes import holder_changed, labels_changes
        from clusterlabel.labels.merging import labels_move
        from clusterlabel.labels.registry.aggregates import (
            public_aggregates_build_all,
            public_aggregates_changed,
            public_aggregates_run,
        )
        from clusterlabel.labels.services import labels_issue_for_decision
        from clusterlabel.organisations import merging, published
        from clusterlabel.procedures import decided, notifications

        decided.decision_made.subscribe("labels.issue", labels_issue_for_decision)
        notifications.decision_attachments.subscribe(
            "labels.decision_letter", decision_letter_attach
        )
        merging.movers.subscribe("labels.move", labels_move)
        published.published_changed.subscribe("labels.changed", holder_changed)
        readiness_checks.subscribe("signing_keys", signing_keys_check)
        labels_changes.subscribe("labels.aggregates", public_aggregates_changed)
        daily_jobs.subscribe("labels.aggregates", public_aggregates_run)
        post_migrate.connect(
            public_aggregates_build_all, sender=self, dispatch_uid="labels.aggregates"
        )

        register_action_labels({"label.import": _("Label imported from a list")})
