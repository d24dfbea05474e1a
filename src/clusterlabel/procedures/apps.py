from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "clusterlabel.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clusterlabel.audit.display import register_action_labels, register_value_labels
        from clusterlabel.organisations import merging
        from clusterlabel.procedures.choices import (
            AssessmentMode,
            Decision,
            ProcedureState,
            Process,
        )
        from clusterlabel.procedures.merging import procedures_move

        merging.movers.subscribe("procedures.move", procedures_move)
        register_action_labels(
            {
                "procedure.improvement_areas": _("Improvement areas named"),
                "procedure.improvement_area_review": _("Improvement area reviewed on site"),
            }
        )
        register_value_labels(
            keys={
                "previous_benchmarking": _("previous benchmarking"),
                "areas": _("improvement areas"),
                "category": _("category"),
                "description": _("what was improved"),
                "evidence": _("evidence"),
                "validated": _("validated against the Gold criteria"),
                "gold_criteria": _("Gold criteria"),
            }
        )
        register_value_labels(
            keys={
                "state": _("state"),
                "applied_at": _("applied at"),
                "contracted_at": _("contract concluded at"),
                "fee_currency": _("currency"),
                "fee_net": _("fee (net)"),
                "fee_vat": _("VAT"),
                "fee_gross": _("fee (gross)"),
                "fee_subsidy": _("subsidy"),
                "fee_subsidy_payer": _("subsidy paid by"),
                "fee_payable_gross": _("payable by the organisation (gross)"),
                "fee_vat_treatment": _("VAT treatment"),
                "fee_customer_vat_id": _("VAT identification number"),
                "fee_process": _("fee charged for"),
                "assessment_date": _("assessment date"),
                "assessment_mode": _("assessment mode"),
                "assessors": _("assessors"),
                "no_conflict_declared": _("declared no conflict of interest"),
                "report_submitted_at": _("report submitted at"),
                "summary": _("summary"),
                "decision": _("decision"),
                "decision_reason": _("reason for the decision"),
                "decided_at": _("decided at"),
                "decided_by": _("decided by"),
                "board_round": _("board round"),
                "organisation": _("organisation"),
                "scheme": _("scheme"),
                "level": _("level"),
                "process": _("process"),
                "prefilled_answers": _("answers taken over from the last cycle"),
                "value": _("value"),
                "comment": _("comment"),
                "evidence_seen": _("evidence seen"),
                "indicator": _("indicator"),
                "revision": _("version"),
                "file": _("file"),
                "size": _("size in bytes"),
            },
            values={
                "state": dict(ProcedureState.choices),
                "assessment_mode": dict(AssessmentMode.choices),
                "process": dict(Process.choices),
                "decision": dict(Decision.choices),
            },
        )
