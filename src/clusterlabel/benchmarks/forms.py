"""Forms of the benchmarking pages: they parse the query; what a report compares is decided by
``benchmarks.reports`` and the domain."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from clusterlabel.benchmarks.reports import PEER_GROUP_NAMES
from clusterlabel.domain.benchmark import PeerGroup


class PeerGroupForm(forms.Form):
    group = forms.ChoiceField(
        label=gettext_lazy("Compare with"),
        choices=[(group.value, name) for group, name in PEER_GROUP_NAMES.items()],
        required=False,
    )

    def peer_group(self) -> PeerGroup:
        """The group asked for; all organisations when none or an unknown one is asked for."""
        if self.is_valid() and self.cleaned_data["group"]:
            return PeerGroup(self.cleaned_data["group"])
        return PeerGroup.ALL
