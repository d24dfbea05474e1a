"""Grants in the back office: a list for administrators, and two pages that grant and revoke
through ``clusterlabel.access.services`` (so the granter's scope is checked and the audit event
written). Nothing here edits a grant directly; people who do not manage accounts (the
secretariat is staff too) see none of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusterlabel.access import admin_accounts, admin_audit, policy  # noqa: F401 (registers)
from clusterlabel.access.choices import GrantRole, ScopeKind
from clusterlabel.access.models import Grant, organisation_model, programme_model
from clusterlabel.access.selectors import grants_managed_by
from clusterlabel.access.services import (
    AccessRefused,
    GrantInvalid,
    ScopeChoice,
    grant_create,
    grant_revoke,
)
from clusterlabel.accounts.models import User
from clusterlabel.core.form_fields import choice_field
from clusterlabel.core.http import AuthenticatedHttpRequest, authenticated
from clusterlabel.domain.access import Activity
from clusterlabel.schemes.models import Operator, SchemeVersion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' type of a lazy string


def manages_accounts(request: HttpRequest) -> bool:
    return policy.can(request.user, Activity.MANAGE_ACCOUNTS)


class ScopeKindFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"
    _queries = {
        ScopeKind.SCHEME: ~Q(scheme_id=""),
        ScopeKind.OPERATOR: Q(operator__isnull=False),
        ScopeKind.ORGANISATION: Q(organisation__isnull=False),
        ScopeKind.PROGRAMME: Q(programme__isnull=False),
        ScopeKind.GLOBAL: Q(
            scheme_id="",
            operator__isnull=True,
            organisation__isnull=True,
            programme__isnull=True,
        ),
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [(kind.value, kind.label) for kind in ScopeKind]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Grant]) -> QuerySet[Grant]:
        value = self.value()
        if value in ScopeKind.values:
            return queryset.filter(self._queries[ScopeKind(value)])
        return queryset


class GrantForm(forms.Form):
    """A role for one scope; which scope fits which role is checked by the service."""

    user = forms.ModelChoiceField(
        label=_("person"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    role = forms.ChoiceField(label=_("role"), choices=GrantRole.choices)
    scheme_id = forms.ChoiceField(label=_("scheme"), required=False)
    operator = forms.ModelChoiceField(
        label=_("operator"), queryset=Operator.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=organisation_model().objects.all(), required=False
    )
    programme = forms.ModelChoiceField(
        label=_("programme"), queryset=programme_model().objects.all(), required=False
    )
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schemes = SchemeVersion.objects.order_by("scheme_id").values_list("scheme_id", flat=True)
        choice_field(self, "scheme_id").choices = [("", "---------")] + [
            (scheme, scheme) for scheme in sorted(set(schemes))
        ]
        self.fields["scheme_id"].help_text = _(
            "Name one scope at most: none means the whole installation (administrators only)."
        )

    def scope(self) -> ScopeChoice:
        data = self.cleaned_data
        return ScopeChoice(
            scheme_id=data["scheme_id"] or "",
            operator=data["operator"],
            organisation=data["organisation"],
            programme=data["programme"],
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "scope", "granted_by", "created_at", "revoke_link")
    list_filter = ("role", ScopeKindFilter, "operator", "created_at")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "operator", "organisation", "programme", "granted_by")
    readonly_fields = (
        "user",
        "role",
        "scope",
        "granted_by",
        "created_at",
    )
    fields = readonly_fields
    date_hierarchy = "created_at"

    @admin.display(description=_("scope"))
    def scope(self, grant: Grant) -> str:
        return grant.scope_label

    @admin.display(description=_("revoke"))
    def revoke_link(self, grant: Grant) -> str:
        url = reverse("admin:access_grant_revoke", args=[grant.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Revoke"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Grant]:
        return grants_managed_by(authenticated(request).user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return manages_accounts(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_accounts(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return manages_accounts(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [
            path("<int:grant_id>/revoke/", revoke, name="access_grant_revoke"),
            *super().get_urls(),
        ]

    def _render(
        self, request: HttpRequest, template: str, title: str, **context: Any
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/access/grant/{template}", context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Grant a role: the service checks the scope against the role and the granter's."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                grant = grant_create(
                    actor=authenticated(request).user,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    scope=form.scope(),
                    reason=form.cleaned_data["reason"],
                )
            except (GrantInvalid, AccessRefused) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Granted: %(grant)s") % {"grant": grant})
                return HttpResponseRedirect(reverse("admin:access_grant_changelist"))
        return self._render(request, "grant.html", gettext("Grant a role"), form=form)

    def revoke_view(self, request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
        """Revoke one grant, with a reason; the same checks as granting it."""
        if not manages_accounts(request):
            raise PermissionDenied
        grant = get_object_or_404(self.get_queryset(request), pk=grant_id)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            label = str(grant)
            try:
                grant_revoke(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
            except (GrantInvalid, AccessRefused) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Revoked: %(grant)s") % {"grant": label})
                return HttpResponseRedirect(reverse("admin:access_grant_changelist"))
        return self._render(
            request, "revoke.html", gettext("Revoke a role"), form=form, grant=grant
        )
