from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "clusterlabel.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from clusterlabel.audit.display import register_action_labels

        register_action_labels(
            {
                "organisation.merge": _("Organisations merged"),
                "programme.create": _("Programme created"),
                "programme.update": _("Programme changed"),
            }
        )
