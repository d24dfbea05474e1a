from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "clusterlabel.invoices"
    label = "invoices"
    verbose_name = _("Invoices")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels
        from clusterlabel.core import daily
        from clusterlabel.invoices.reminders import overdue_reminders_run
        from clusterlabel.invoices.services import invoices_issue_for_contract
        from clusterlabel.procedures import contracted

        contracted.contract_made.subscribe("invoices.issue", invoices_issue_for_contract)
        daily.daily_jobs.subscribe("invoices.overdue_reminders", overdue_reminders_run)
        register_action_labels(
            {
                "invoice.issue": _("Invoice issued"),
                "invoice.mark_paid": _("Invoice marked paid"),
                "invoice.cancel": _("Invoice cancelled by credit note"),
                "invoice.overdue_reminder": _("Overdue invoice reminded"),
            }
        )
