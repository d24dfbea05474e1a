"""The forms of the report page and the feedback: they parse, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlabel.reports.presenters import FEEDBACK_QUESTIONS

_LINES_HELP = _("One finding per line.")


def lines(text: str) -> list[str]:
    """A textarea's lines (the domain drops the blank ones)."""
    return text.splitlines()


class FindingsForm(forms.Form):
    """The findings of one category, at the revision the assessor saw."""

    category_id = forms.CharField(widget=forms.HiddenInput, max_length=32)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    strengths = forms.CharField(
        label=_("Strengths"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_LINES_HELP,
    )
    weaknesses = forms.CharField(
        label=_("Weaknesses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_LINES_HELP,
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_LINES_HELP,
    )


class AgreeForm(forms.Form):
    """The summary and the agreement to the report at the revision the assessor saw."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    """Four ratings from 1 (poor) to 5 (excellent) and an optional comment."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, label in FEEDBACK_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
