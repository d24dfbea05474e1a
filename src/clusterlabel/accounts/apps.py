from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clusterlabel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from clusterlabel.accounts import checks  # noqa: F401 - registers the deploy checks
        from clusterlabel.audit.display import register_action_labels

        register_action_labels(
            {"api_token.create": _("API token created"), "api_token.revoke": _("API token revoked")}
        )
