from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessorsConfig(AppConfig):
    """The expert pool: each assessor's profile (languages, sectors, the countries they assess
    in), their qualifications per scheme and level, confirmed by the scheme's secretariat, and
    the conflicts of interest they declared once for every later procedure. Sits above
    organisations and below procedures: the panel reads it, it reads no procedure."""

    name = "clusterlabel.assessors"
    label = "assessors"
    verbose_name = _("Assessor pool")

    def ready(self) -> None:
        from clusterlabel.assessors.merging import declared_conflicts_move
        from clusterlabel.audit.display import register_action_labels, register_value_labels
        from clusterlabel.organisations import merging

        merging.movers.subscribe("assessors.move", declared_conflicts_move)
        register_action_labels(
            {
                "assessor_profile.update": _("Assessor profile changed"),
                "qualification.add": _("Qualification recorded"),
                "qualification.remove": _("Qualification removed"),
                "qualification.confirm": _("Qualification confirmed"),
                "declared_conflict.add": _("Conflict of interest declared on the profile"),
                "declared_conflict.remove": _("Declared conflict of interest withdrawn"),
            }
        )
        register_value_labels(
            keys={
                "languages": _("languages"),
                "sectors": _("sectors"),
                "countries": _("countries assessed in"),
                "valid_from": _("valid from"),
                "valid_until": _("valid until"),
                "confirmed": _("confirmed"),
                "since": _("since"),
                "note": _("note"),
                "kind": _("kind"),
                "assessor": _("assessor"),
            }
        )
