from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "clusterlabel.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels
        from clusterlabel.core import daily
        from clusterlabel.labels import events
        from clusterlabel.procedures import decided
        from clusterlabel.webhooks.outbox import (
            label_event_record,
            label_expiries_run,
            procedure_decided_record,
        )

        events.label_events.subscribe("webhooks.label", label_event_record)
        # After labels' subscriber (INSTALLED_APPS order): the award's labels exist by then.
        decided.decision_made.subscribe("webhooks.decided", procedure_decided_record)
        daily.daily_jobs.subscribe("webhooks.expiries", label_expiries_run)
        register_action_labels(
            {
                "webhook.create": _("Webhook endpoint registered"),
                "webhook.deactivate": _("Webhook endpoint deactivated"),
                "webhook.redeliver": _("Webhook delivery sent again"),
            }
        )
