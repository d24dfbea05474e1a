"""The form that registers an endpoint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlabel.organisations.models import Programme
from clusterlabel.schemes.models import Operator
from clusterlabel.webhooks.models import EventChoice


def owner_key(owner: Operator | Programme) -> str:
    return f"{'operator' if isinstance(owner, Operator) else 'programme'}:{owner.pk}"


class EndpointForm(forms.Form):
    """Whose events, where to, which ones. ``owners`` are the operators and programmes the
    person may manage (``selectors.owners_managed``); nothing else can be chosen."""

    owner = forms.ChoiceField(label=_("Events of"))
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The address that receives the events by POST, e.g. https://crm.example.org/hooks."
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventChoice.choices,
        initial=EventChoice.values,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, owners: list[Operator | Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {owner_key(owner): owner for owner in owners}
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [
            (
                key,
                _("%(name)s (operator)") % {"name": owner.name}
                if isinstance(owner, Operator)
                else _("%(name)s (programme)") % {"name": owner.name},
            )
            for key, owner in self.owners.items()
        ]

    def chosen_owner(self) -> Operator | Programme:
        return self.owners[self.cleaned_data["owner"]]
