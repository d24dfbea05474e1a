from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "clusterlabel.reports"
    label = "reports"
    verbose_name = _("Assessment reports and feedback")

    def ready(self) -> None:
        # The trail names this app's events and values in the reader's language.
        from clusterlabel.audit.display import register_action_labels, register_value_labels
        from clusterlabel.procedures.agreement import report_agreement_checks
        from clusterlabel.reports.services import agreement_check

        # An agreement to the report binds to the structured report's revision.
        report_agreement_checks.subscribe("reports.structured_report", agreement_check)

        register_action_labels(
            {
                "report.findings": _("Findings of a category written"),
                "report.agree_findings": _("Agreed to the structured report"),
                "feedback.give": _("Feedback given"),
            }
        )
        register_value_labels(
            keys={
                "strengths": _("strengths"),
                "weaknesses": _("weaknesses"),
                "recommendations": _("recommendations"),
                "rating_fields": _("questions rated"),
            }
        )
