"""The self-assessment questionnaire as a form, generated from the procedure's scheme version.

One value field, one comment field and one evidence file field per indicator. The value and
comment fields carry their value at the time the page was loaded (``show_hidden_initial``), so
a save sends the service only what this user changed: two managers filling in different
indicators at the same time do not overwrite each other's answers.

Numbers are read in the language the form was rendered in (German "12,5" and "1.500",
English "12.5" and "1,500"), with a tolerant reading of the other language's decimal mark
where it cannot be a thousands separator ("3.5" in German is 3.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlabel.core.language import LANGS, current_language, lang_of
from clusterlabel.domain.errors import ValueProblem
from clusterlabel.domain.numbers import decimal_places, tidy
from clusterlabel.domain.schemes import Indicator, Lang, Scheme
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.procedures.uploads import ALLOWED_TYPES, check_upload, max_upload_bytes
from clusterlabel.procedures.values import from_json

COMMENT_MAX_LENGTH = 4000
# Long enough for any real indicator value; a bound keeps Decimal away from absurd inputs.
NUMBER_MAX_LENGTH = 40

_SPACES = re.compile(r"[\s\u00a0\u202f']")
# ASCII digits only: Decimal would also read other scripts' digits.
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(G\d{3})+", re.ASCII)

EVIDENCE_ACCEPT = ",".join(
    sorted(set(ALLOWED_TYPES) | {content_type for content_type, _sig in ALLOWED_TYPES.values()})
)


def form_language(requested: str | None = None) -> Lang:
    """``requested`` if it is a scheme language, else the page's."""
    return lang_of(requested) if requested in LANGS else current_language()


def separators(language: str) -> tuple[str, str]:
    """(decimal mark, thousands separator) of ``language``."""
    return (
        str(formats.get_format("DECIMAL_SEPARATOR", lang=language)),
        str(formats.get_format("THOUSAND_SEPARATOR", lang=language)),
    )


def parse_decimal(text: str, language: str) -> Decimal:
    """A number as a person writes it in ``language``; ``ValueError`` if it is not one.

    Spaces and apostrophes are ignored, a trailing "%" too. With both marks present the
    language decides which one groups thousands. With only the thousands separator present,
    it groups ("1.500" in German) when every group after it has three digits and the number
    does not start with 0; otherwise it is read as a decimal mark ("3.5" in German).
    """
    decimal_mark, group_mark = separators(language)
    value = _SPACES.sub("", text).removesuffix("%")
    if not value or len(value) > NUMBER_MAX_LENGTH:
        raise ValueError(text)
    if decimal_mark in value and group_mark in value:
        whole, _sep, fraction = value.rpartition(decimal_mark)
        if group_mark in fraction or not _GROUPED.fullmatch(whole.replace(group_mark, "G")):
            raise ValueError(text)
        value = whole.replace(group_mark, "") + "." + fraction
    elif decimal_mark in value:
        value = value.replace(decimal_mark, ".")
    elif group_mark in value:
        grouped = _GROUPED.fullmatch(value.replace(group_mark, "G"))
        leading_zero = value.lstrip("+-").startswith("0")
        if grouped and not leading_zero:
            value = value.replace(group_mark, "")
        elif value.count(group_mark) == 1:
            value = value.replace(group_mark, ".")
        else:
            raise ValueError(text)
    if not _PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(text)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    return tidy(number)


def format_decimal(number: Decimal, language: str) -> str:
    """``number`` for an input in ``language``: its decimal mark, no grouping (so it reads
    back unambiguously)."""
    decimal_mark, _group = separators(language)
    return format(number, "f").replace(".", decimal_mark)


class IndicatorNumberField(forms.Field):
    """A number or percentage of one indicator, within the indicator's bounds."""

    widget = forms.TextInput

    def __init__(self, *, indicator: Indicator, language: str, **kwargs: Any) -> None:
        self.indicator = indicator
        self.language = language
        self.low, self.high = indicator.bounds()
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": "decimal",
                "autocomplete": "off",
                "size": "14",
                "maxlength": str(NUMBER_MAX_LENGTH),
                "class": "sa-number",
            }
        )
        if self.low is not None:
            attrs["data-min"] = str(self.low)
        if self.high is not None:
            attrs["data-max"] = str(self.high)
        return attrs

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value), self.language)
        except ValueError:
            example = "12,5" if separators(self.language)[0] == "," else "12.5"
            raise ValidationError(
                _("Enter a number, for example %(example)s.") % {"example": example},
                code="invalid",
            ) from None

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is None:
            return
        low, high = self.low, self.high  # a percentage always has both
        if (
            self.indicator.type == "percent"
            and low is not None
            and high is not None
            and not (low <= value <= high)
        ):
            raise ValidationError(
                _("A percentage lies between %(min)s and %(max)s.")
                % {"min": _number(self.low), "max": _number(self.high)},
                code="out_of_range",
            )
        if self.low is not None and value < self.low:
            raise ValidationError(
                _("Enter a value of at least %(min)s.") % {"min": _number(self.low)},
                code="out_of_range",
            )
        if self.high is not None and value > self.high:
            raise ValidationError(
                _("Enter a value of at most %(max)s.") % {"max": _number(self.high)},
                code="out_of_range",
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            before = self.to_python(initial)
            after = self.to_python(data)
        except ValidationError:
            return True
        return before != after


class CommentField(forms.CharField):
    """Free text; line breaks normalised so that a browser's CRLF is not a change."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""  # None only for a field whose empty value is None
        return text.replace("\r\n", "\n").replace("\r", "\n")


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    normalized = tidy(value)
    places = decimal_places(normalized)
    return formats.number_format(normalized, decimal_pos=places, use_l10n=True, force_grouping=True)


def _yes_no(value: str) -> bool:
    return value == "yes"


class SelfAssessmentForm(forms.Form):
    """Every indicator of ``scheme``: ``value-<id>``, ``comment-<id>``, ``evidence-<id>``.

    Valid when every value can be scored and every file is acceptable evidence; nothing is
    saved here. ``changed_values()`` and ``changed_comments()`` give what the user changed since
    the page was loaded, ``uploads()`` the files to store.
    """

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
        *,
        scheme: Scheme,
        answers: Mapping[str, Any],
        language: str | None = None,
    ) -> None:
        requested = data.get("number_language") if data is not None else None
        self.language = form_language(requested or language)
        self.scheme = scheme
        initial = self._initial(scheme, answers)
        if data is not None:
            data = self._with_initial(data, initial)
        super().__init__(data, files, initial=initial)
        for indicator in scheme.indicators:
            self.fields[self.value_name(indicator.id)] = self._value_field(indicator)
            self.fields[self.comment_name(indicator.id)] = CommentField(
                label=_("Comment on %(indicator)s") % {"indicator": indicator.id},
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                show_hidden_initial=True,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            )
            self.fields[self.evidence_name(indicator.id)] = forms.FileField(
                label=_("Add a file for %(indicator)s") % {"indicator": indicator.id},
                required=False,
                allow_empty_file=True,  # check_upload refuses it, with its own message
                help_text=_("Uploaded when you save; at most %(size)s.")
                % {"size": filesizeformat(max_upload_bytes())},
                widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
            )

    # --- names -----------------------------------------------------------------------------

    @staticmethod
    def value_name(indicator_id: str) -> str:
        return f"value-{indicator_id}"

    @staticmethod
    def comment_name(indicator_id: str) -> str:
        return f"comment-{indicator_id}"

    @staticmethod
    def evidence_name(indicator_id: str) -> str:
        return f"evidence-{indicator_id}"

    # --- construction ----------------------------------------------------------------------

    def _initial(self, scheme: Scheme, answers: Mapping[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for indicator in scheme.indicators:
            answer = answers.get(indicator.id)
            if answer is None:
                continue
            value = from_json(indicator, answer.value)
            if value is None:
                shown = ""
            elif indicator.type in ("number", "percent"):
                shown = format_decimal(Decimal(value), self.language)
            elif indicator.type == "boolean":
                shown = "yes" if value else "no"
            else:
                shown = str(value)
            initial[self.value_name(indicator.id)] = shown
            initial[self.comment_name(indicator.id)] = answer.comment
        return initial

    def _with_initial(
        self, data: QueryDict | dict[str, Any], initial: Mapping[str, Any]
    ) -> QueryDict | dict[str, Any]:
        """A posted field without its hidden initial value (a client other than our page) is
        compared with what is stored; a field not posted at all stays unchanged."""
        names = [
            name
            for indicator in self.scheme.indicators
            for name in (self.value_name(indicator.id), self.comment_name(indicator.id))
        ]
        missing = [n for n in names if n in data and f"initial-{n}" not in data]
        if not missing:
            return data
        data = data.copy()
        for name in missing:
            data[f"initial-{name}"] = initial.get(name, "")
        return data

    def _value_field(self, indicator: Indicator) -> forms.Field:
        label = _("Your value for %(indicator)s") % {"indicator": indicator.id}
        if indicator.type in ("number", "percent"):
            return IndicatorNumberField(
                indicator=indicator,
                language=self.language,
                label=label,
                required=False,
                show_hidden_initial=True,
                help_text=self._range_help(indicator),
            )
        if indicator.type == "boolean":
            return forms.TypedChoiceField(
                label=label,
                required=False,
                show_hidden_initial=True,
                choices=[("", _("not answered")), ("yes", _("yes")), ("no", _("no"))],
                coerce=_yes_no,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        return forms.TypedChoiceField(
            label=label,
            required=False,
            show_hidden_initial=True,
            choices=[("", _("— not answered —"))]
            + [(choice.id, choice.name.get(self.language)) for choice in indicator.choices],
            empty_value=None,
        )

    def _range_help(self, indicator: Indicator) -> str:
        low, high = indicator.bounds()
        unit = indicator.unit.get(self.language) if indicator.unit else ""
        if indicator.type == "percent":
            text = _("A percentage from %(min)s to %(max)s.") % {
                "min": _number(low),
                "max": _number(high),
            }
        elif low is not None and high is not None:
            text = _("From %(min)s to %(max)s.") % {"min": _number(low), "max": _number(high)}
        elif low is not None:
            text = _("At least %(min)s.") % {"min": _number(low)}
        elif high is not None:
            text = _("At most %(max)s.") % {"max": _number(high)}
        else:
            text = ""
        decimal_mark = separators(self.language)[0]
        hint = _("Decimals with “%(mark)s”.") % {"mark": decimal_mark}
        if unit:
            return format_html("{} {} {}", _("Unit: %(unit)s.") % {"unit": unit}, text, hint)
        return format_html("{} {}", text, hint)

    # --- validation ------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # Form.clean() is typed to maybe return None
        for indicator in self.scheme.indicators:
            name = self.evidence_name(indicator.id)
            upload = cleaned.get(name)
            if not upload:
                continue
            try:
                check_upload(upload)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def add_value_problems(self, problems: Iterable[ValueProblem]) -> None:
        """Show the domain's objections (should the form have let one through) at the field."""
        messages = {
            "out_of_range": gettext_lazy("The value is outside the allowed range."),
            "unknown_choice": gettext_lazy("This is not one of the indicator's answers."),
            "wrong_type": gettext_lazy("This value does not fit the indicator."),
        }
        for problem in problems:
            name = self.value_name(problem.indicator_id)
            message = messages.get(problem.code, problem.message)
            self.add_error(name if name in self.fields else None, str(message))

    # --- results ---------------------------------------------------------------------------

    def changed_values(self) -> dict[str, IndicatorValue]:
        changed = set(self.changed_data)
        return {
            indicator.id: self.cleaned_data.get(self.value_name(indicator.id))
            for indicator in self.scheme.indicators
            if self.value_name(indicator.id) in changed
        }

    def changed_comments(self) -> dict[str, str]:
        changed = set(self.changed_data)
        return {
            indicator.id: self.cleaned_data.get(self.comment_name(indicator.id)) or ""
            for indicator in self.scheme.indicators
            if self.comment_name(indicator.id) in changed
        }

    def uploads(self) -> dict[str, UploadedFile]:
        return {
            indicator.id: self.cleaned_data[self.evidence_name(indicator.id)]
            for indicator in self.scheme.indicators
            if self.cleaned_data.get(self.evidence_name(indicator.id))
        }
