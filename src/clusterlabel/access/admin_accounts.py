"""Accounts in the back office: read-only. Accounts and grants change only through
``clusterlabel.access.services`` (the ``users``/``roles`` commands and the grant pages), which
check the granter's scope and write the audit trail; the flags ``is_staff``/``is_superuser`` are
derived from the grants and cannot be ticked here. Registered by access (above accounts)
because the list shows the roles from the grants."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import roles_label_prefetched
from clusterlabel.accounts.models import User
from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin


@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("username", "email", "first_name", "last_name", "roles", "is_active")
    list_filter = ("is_active", "grants__role")
    search_fields = ("username", "email", "first_name", "last_name")
    fields = (
        "username",
        "email",
        "first_name",
        "last_name",
        "preferred_language",
        "country",
        "is_active",
        "last_login",
        "date_joined",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # The roles column reads each account's grants: one query for the page, not one a row.
        return super().get_queryset(request).prefetch_related("grants")

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        return roles_label_prefetched(user)
