"""Forms of scheduling: they parse input; the rules are the domain's, applied by the services."""

from __future__ import annotations

from datetime import date, time

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.form_fields import choice_field
from clusterlabel.domain import scheduling as rules
from clusterlabel.procedures.choices import AssessmentMode


class AvailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        return data


class ProposalForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AppointmentForm(forms.Form):
    """The appointment: first day, mode, venue, an agenda written one item a line
    (``1 09:00 Welcome``: day, time, title) and, for a change, the reason."""

    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(label=_("Assessment mode"), choices=AssessmentMode.choices)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    video_link = forms.CharField(label=_("Video link"), max_length=500, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One item a line: the day of the assessment, the time and the title, e.g. "
            "“1 09:00 Welcome and introduction”."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when an appointment is already fixed."),
    )

    def __init__(self, *args: object, modes: tuple[str, ...], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice_field(self, "mode").choices = [(mode, AssessmentMode(mode).label) for mode in modes]

    def clean_agenda(self) -> list[rules.AgendaItem]:
        items: list[rules.AgendaItem] = []
        for number, line in enumerate(str(self.cleaned_data["agenda"]).splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(maxsplit=2)
            try:
                day = int(parts[0])
                at = time.fromisoformat(parts[1])
                title = parts[2]
            except (IndexError, ValueError) as exc:
                raise forms.ValidationError(
                    _("Line %(line)s is not “day time title”, e.g. “1 09:00 Welcome”."),
                    code="agenda_line",
                    params={"line": number},
                ) from exc
            items.append(rules.AgendaItem(day=day, at=at, title=title))
        return items
