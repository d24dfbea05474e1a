from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "clusterlabel.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels, register_value_labels
        from clusterlabel.procedures.choices import AssessmentMode

        register_action_labels(
            {
                "availability.add": _("Availability recorded"),
                "availability.delete": _("Availability removed"),
                "appointment.propose": _("Assessment date proposed"),
                "appointment.fix": _("Assessment appointment fixed"),
                "appointment.reschedule": _("Assessment appointment changed"),
            }
        )
        register_value_labels(
            keys={
                "start": _("from"),
                "end": _("until"),
                "note": _("note"),
                "start_date": _("first day"),
                "end_date": _("last day"),
                "mode": _("assessment mode"),
                "address": _("address"),
                "video_link": _("video link"),
                "agenda": _("agenda"),
                "version": _("version"),
            },
            values={"mode": dict(AssessmentMode.choices)},
        )
