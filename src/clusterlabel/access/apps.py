from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "clusterlabel.access"
    verbose_name = _("Roles and grants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Cache invalidation only (no rule lives here): see ``policy.grants_of``.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from clusterlabel.access.models import Grant
        from clusterlabel.access.policy import grants_changed

        post_save.connect(grants_changed, sender=Grant, dispatch_uid="access-grant-saved")
        post_delete.connect(grants_changed, sender=Grant, dispatch_uid="access-grant-deleted")
        # ``Organisation.managers`` runs through Grant, so adding a manager is a Grant change too.
        m2m_changed.connect(grants_changed, sender=Grant, dispatch_uid="access-managers")
