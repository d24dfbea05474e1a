"""Forms of the labels app: checking a credential, suspending, reinstating or revoking, and the
list of label holders to import (the back office and the API read the same form)."""

from __future__ import annotations

import json
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlabel.credentials.baking import unbake_svg
from clusterlabel.domain.labels import canonical_certificate_number
from clusterlabel.labels.issuing.importing import DEFAULT_TOLERANCE_DAYS

MAX_CREDENTIAL_BYTES = 64 * 1024
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# .svg: a badge with its credential baked in (Open Badges 3.0, ``credentials.baking``).
CREDENTIAL_SUFFIXES = (".jwt", ".json", ".txt", ".svg")
# A VC 2.0 "enveloped" credential carries the VC-JWT in a data: URL.
_ENVELOPE_PREFIXES = ("data:application/vc+jwt,", "data:application/jwt,")


def _bytes(size: int) -> str:
    return number_format(size, force_grouping=True)


def credential_from_text(text: str) -> str:
    """The compact token in ``text``: the text itself, or the VC-JWT inside a JSON wrapper (a
    JSON string, an ``EnvelopedVerifiableCredential``, or an object with ``jwt``,
    ``credential`` or ``token``). Whitespace is removed, since a token never contains any and
    pasted tokens are often wrapped. Raises ``ValidationError`` for an unsigned JSON
    credential, which there is nothing to check in."""
    stripped = text.strip().lstrip("\ufeff")
    if stripped.startswith(("{", '"')):
        try:
            value = json.loads(stripped)
        except ValueError:
            value = None
        if isinstance(value, dict):
            for key in ("jwt", "credential", "token", "id"):
                candidate = value.get(key)
                if not isinstance(candidate, str):
                    continue
                enveloped = candidate.startswith(_ENVELOPE_PREFIXES)
                if enveloped:
                    candidate = candidate.split(",", 1)[1]
                # An "id" is a token only inside a data: URL; otherwise it is the credential's URI.
                if (enveloped or key != "id") and candidate.count(".") == 2:
                    return "".join(candidate.split())
            if "credentialSubject" in value:
                raise ValidationError(
                    _(
                        "This file holds an unsigned credential. Only a signed credential "
                        "(a VC-JWT, three parts separated by dots) can be checked."
                    ),
                    code="unsigned",
                )
        elif isinstance(value, str):
            stripped = value
    return "".join(stripped.split())


class CredentialCheckForm(forms.Form):
    """A credential to check: pasted, or uploaded as a small text file (not both)."""

    token = forms.CharField(
        label=gettext_lazy("Paste a credential"),
        required=False,
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 7, "spellcheck": "false", "autocomplete": "off", "class": "token-input"}
        ),
        help_text=gettext_lazy(
            "The signed credential (VC-JWT) as text: three long parts separated by dots."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("… or upload a credential file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(CREDENTIAL_SUFFIXES)}),
        help_text=gettext_lazy(
            "A .jwt, .json or .txt file, or a badge (.svg) with its credential baked in, of at "
            "most 64 KiB."
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token", "")
        size = len(token.encode("utf-8"))
        if size > MAX_CREDENTIAL_BYTES:
            raise ValidationError(
                _(
                    "The pasted text has %(size)s bytes; a credential has at most %(limit)s "
                    "bytes (64 KiB). Please paste only the credential."
                )
                % {"size": _bytes(size), "limit": _bytes(MAX_CREDENTIAL_BYTES)},
                code="too_large",
            )
        return token

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in CREDENTIAL_SUFFIXES:
            raise ValidationError(
                _("“%(name)s” is not a .jwt, .json, .txt or .svg file.") % {"name": upload.name},
                code="file_type",
            )
        if upload.size > MAX_CREDENTIAL_BYTES:
            raise ValidationError(
                _(
                    "The file “%(name)s” has %(size)s bytes; at most %(limit)s bytes (64 KiB) "
                    "are accepted. A credential is only a few KiB: is this the right file?"
                )
                % {
                    "name": upload.name,
                    "size": _bytes(upload.size),
                    "limit": _bytes(MAX_CREDENTIAL_BYTES),
                },
                code="too_large",
            )
        data = upload.read(MAX_CREDENTIAL_BYTES + 1)
        if len(data) > MAX_CREDENTIAL_BYTES:  # the declared size was wrong
            raise ValidationError(
                _("The file has more than %(limit)s bytes (64 KiB).")
                % {"limit": _bytes(MAX_CREDENTIAL_BYTES)},
                code="too_large",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("The file “%(name)s” is not a text file.") % {"name": upload.name},
                code="not_text",
            ) from exc
        if suffix == ".svg":
            baked = unbake_svg(text)
            if baked is None:
                raise ValidationError(
                    _("The badge “%(name)s” has no credential baked in.") % {"name": upload.name},
                    code="not_baked",
                )
            return baked
        return credential_from_text(text) or None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        token, upload = cleaned.get("token"), cleaned.get("file")
        if token and upload:
            raise ValidationError(
                _("Please paste a credential or upload a file, not both."), code="both"
            )
        if upload:
            cleaned["credential"], cleaned["source"] = upload, "file"
        elif token:
            try:
                cleaned["credential"] = credential_from_text(token)
            except ValidationError as exc:
                self.add_error("token", exc)
                return cleaned
            cleaned["source"] = "token"
        elif self.files.get("file") is not None:
            self.add_error("file", _("The file is empty."))
        else:
            raise ValidationError(
                _("Please paste a credential or choose a file to check."), code="empty"
            )
        return cleaned


class CertificateNumberForm(forms.Form):
    """A certificate number as printed on a paper certificate, to look up its label. The number
    is kept as typed (the page shows it back); ``canonical`` is the spelling it is stored in."""

    number = forms.CharField(
        label=gettext_lazy("Certificate number"),
        max_length=60,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "ECEI-G-2024-00001"}
        ),
        help_text=gettext_lazy("As printed on the certificate, for example ECEI-G-2024-00001."),
        error_messages={"required": gettext_lazy("Please type a certificate number.")},
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"]
        self.cleaned_data["canonical"] = canonical_certificate_number(number)
        return number

    def number_unknown(self) -> None:
        """Record that no label has the typed number (the field keeps what was typed)."""
        self.add_error(
            "number",
            ValidationError(
                _(
                    "No label has the certificate number “%(number)s”. Please check the number "
                    "on the certificate (letters, digits and hyphens, for example "
                    "ECEI-G-2024-00001)."
                )
                % {"number": self.cleaned_data.get("number", "")},
                code="unknown",
            ),
        )


class LabelStateChangeForm(forms.Form):
    """Suspend or reinstate a label: a reason is required and goes into the audit trail."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded in the audit trail; not shown publicly."),
        error_messages={"required": gettext_lazy("Please give a reason.")},
    )


class LabelRevokeForm(LabelStateChangeForm):
    """Revoke a label: also needs an explicit confirmation, since a revocation is final."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I understand a revocation is final"),
        required=True,
        error_messages={
            "required": gettext_lazy("Please confirm that you understand a revocation is final.")
        },
    )


class LabelImportForm(forms.Form):
    """The list to import and how to read it."""

    file = forms.FileField(
        label=gettext_lazy("List of label holders (CSV)"),
        help_text=gettext_lazy(
            "Columns such as Organisation/Name, Land/Country, Bundesland/Region, Branche, "
            "Label, Stufe, Gültig bis/Label valid until, Verliehen am, Art/Event, "
            "Zertifikatsnummer, Website/www (German, English, French or Spanish names). CSV in "
            "UTF-8, UTF-16 (“Unicode text”) or Windows-1252; title rows above the header and "
            "Excel's “sep=” line are skipped."
        ),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect (UTF-16 or UTF-8, else Windows-1252)")),
            ("utf-8", "UTF-8"),
            ("utf-16", "UTF-16"),
            ("cp1252", "Windows-1252"),
            ("latin-1", "ISO-8859-1 (Latin-1)"),
        ],
    )
    delimiter = forms.ChoiceField(
        label=gettext_lazy("Column separator"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect")),
            (";", ";"),
            (",", ","),
            ("\t", gettext_lazy("Tab")),
            ("|", "|"),
        ],
    )
    tolerance_days = forms.IntegerField(
        label=gettext_lazy("Days an end date may be off"),
        required=False,
        min_value=0,
        max_value=366,
        initial=DEFAULT_TOLERANCE_DAYS,
        help_text=gettext_lazy(
            "A row whose end date is at most this many days off a stored label of the same "
            "organisation and level corrects that label instead of adding a second one "
            "(0: never)."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("Label of every row"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "For a list without a label column (such as ESCA's Bronze export): the label every "
            "row without one holds, e.g. “ECEI Bronze”, “CE-BW” or “EUCLES Gold”."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file (write nothing)"), required=False, initial=True
    )

    def tolerance(self) -> int:
        days = self.cleaned_data.get("tolerance_days")
        return DEFAULT_TOLERANCE_DAYS if days is None else int(days)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                gettext_lazy("The file is larger than %(limit)s MB."),
                params={"limit": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload
