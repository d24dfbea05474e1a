"""Forms of the benchmarking pages: they parse the query; what a report compares is decided by
``benchmarks.reports`` and the domain."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from clusterlabel.benchmarks.reports import PEER_GROUP_NAMES


class PeerGroupForm(forms.Form):
    group = forms.ChoiceField(
        label=gettext_lazy("Compare with"),
        choices=[(group.value, name) for group, name in PEER_GROUP_NAMES.items()],
        required=False,
    )
