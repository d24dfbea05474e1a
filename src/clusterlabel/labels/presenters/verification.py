"""What the verification pages show: a label's public verification page (what its QR code
leads to) and the check of a credential that someone pasted or uploaded, each check in words,
the verdict, and what a genuine credential states. Nothing of a token whose signature did not
verify is ever shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from clusterlabel.credentials.vcjwt import (
    DatesOutcome,
    KeyOutcome,
    SignatureOutcome,
    StatusOutcome,
    Verdict,
    VerificationReport,
)
from clusterlabel.labels.forms import CredentialCheckForm
from clusterlabel.labels.models import Label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' type of a lazy string


def verify_page(label: Label, *, recognitions: list[Label] | None = None) -> dict[str, Any]:
    """The label's verification page: the label and, prominently, whether it is valid today,
    its renewal if any and its ``recognitions`` (read from the label when not given; a label
    from ``selectors.label_for_verification`` comes with them and its renewal)."""
    return {
        "label": label,
        "status": label.status,
        "renewal": getattr(label, "renewal", None),
        "recognitions": list(label.recognitions.all()) if recognitions is None else recognitions,
    }


# ------------------------------------------------------------------ credential check


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    ok: bool | None  # None: not checked


@dataclass(frozen=True)
class VerdictDisplay:
    key: str
    word: StrOrPromise
    text: StrOrPromise
    ok: bool


VERDICTS: dict[Verdict, VerdictDisplay] = {
    Verdict.VALID: VerdictDisplay(
        "valid",
        _("Valid"),
        _("The credential is genuine, within its validity period, and not revoked or suspended."),
        True,
    ),
    Verdict.EXPIRED: VerdictDisplay(
        "expired", _("Expired"), _("The credential is genuine, but its validity has ended."), False
    ),
    Verdict.NOT_YET_VALID: VerdictDisplay(
        "not_yet_valid",
        _("Not yet valid"),
        _("The credential is genuine, but its validity has not begun."),
        False,
    ),
    Verdict.SUSPENDED: VerdictDisplay(
        "suspended",
        _("Suspended"),
        _("The credential is genuine, but the label is suspended and not valid at present."),
        False,
    ),
    Verdict.REVOKED: VerdictDisplay(
        "revoked",
        _("Revoked"),
        _("The credential is genuine, but the label has been revoked and is no longer valid."),
        False,
    ),
    Verdict.SIGNATURE_INVALID: VerdictDisplay(
        "signature_invalid",
        _("Invalid signature"),
        _("The signature does not match the content: the credential was altered or forged."),
        False,
    ),
    Verdict.UNKNOWN_KEY: VerdictDisplay(
        "unknown_key",
        _("Unknown key"),
        _("The credential was not signed with a key this issuer has published."),
        False,
    ),
    Verdict.MALFORMED: VerdictDisplay(
        "malformed",
        _("Malformed"),
        _("This is not a readable label credential."),
        False,
    ),
    Verdict.STATUS_NOT_CHECKED: VerdictDisplay(
        "status_unknown",
        _("Status not checked"),
        _("The credential is genuine, but its revocation status could not be checked."),
        False,
    ),
    Verdict.STATUS_LIST_INVALID: VerdictDisplay(
        "status_unknown",
        _("Status not checked"),
        _("The credential is genuine, but its revocation status could not be checked."),
        False,
    ),
}

_SIGNATURE = {
    SignatureOutcome.VALID: (_("The signature is correct."), True),
    SignatureOutcome.INVALID: (_("The signature is not correct."), False),
}
_KEY = {
    KeyOutcome.KNOWN: (_("Signed with a key this issuer has published."), True),
    KeyOutcome.UNKNOWN_KID: (_("The key is not one this issuer has published."), False),
    KeyOutcome.NOT_IN_SET: (_("The credential names no key of this issuer."), False),
}
_DATES = {
    DatesOutcome.VALID: (_("Today is within the validity period."), True),
    DatesOutcome.EXPIRED: (_("The validity period has ended."), False),
    DatesOutcome.NOT_YET_VALID: (_("The validity period has not begun."), False),
}
_STATUS = {
    StatusOutcome.VALID: (_("Neither revoked nor suspended."), True),
    StatusOutcome.REVOKED: (_("Revoked."), False),
    StatusOutcome.SUSPENDED: (_("Suspended."), False),
    StatusOutcome.LIST_INVALID: (_("The status list could not be read."), False),
}
_NOT_CHECKED = (_("Not checked."), None)


def report_checks(report: VerificationReport) -> list[Check]:
    """Each check of a verification as a line to show, in the order they run."""
    return [
        Check(str(_("Signature")), *_text(_SIGNATURE.get(report.signature, _NOT_CHECKED))),
        Check(str(_("Key")), *_text(_KEY.get(report.key, _NOT_CHECKED))),
        Check(str(_("Validity dates")), *_text(_DATES.get(report.dates, _NOT_CHECKED))),
        Check(
            str(_("Revocation and suspension")),
            *_text(_STATUS.get(report.status, _NOT_CHECKED)),
        ),
    ]


def _text(pair: tuple[Any, bool | None]) -> tuple[str, bool | None]:
    return str(pair[0]), pair[1]


@dataclass(frozen=True)
class CredentialDetails:
    organisation: str | None
    cluster: str | None
    label: str | None
    issuer: str | None
    certificate_number: str | None
    valid_from: date | None
    valid_until: date | None
    verify_url: str | None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def credential_details(report: VerificationReport) -> CredentialDetails | None:
    """What a correctly signed credential states about the label, or ``None`` (data from a
    token whose signature did not verify is never shown)."""
    credential = report.credential
    if credential is None or report.signature is not SignatureOutcome.VALID:
        return None
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    identifiers = {
        item.get("identityType"): item.get("identityHash")
        for item in subject.get("identifier") or []
        if isinstance(item, dict)
    }
    achievement = subject.get("achievement")
    issuer = credential.get("issuer")
    number = _string(subject.get("licenseNumber"))
    verify_url = None
    if number:
        try:
            verify_url = reverse("labels:verify", args=[number])
        except NoReverseMatch:
            verify_url = None
    return CredentialDetails(
        organisation=_string(identifiers.get("name")),
        cluster=_string(identifiers.get("ext:clusterName")),
        label=_string(achievement.get("name")) if isinstance(achievement, dict) else None,
        issuer=_string(issuer.get("name")) if isinstance(issuer, dict) else None,
        certificate_number=number,
        valid_from=report.valid_from.date() if report.valid_from else None,
        valid_until=report.valid_until.date() if report.valid_until else None,
        verify_url=verify_url,
    )


def check_page(form: CredentialCheckForm, report: VerificationReport | None) -> dict[str, Any]:
    """The credential check: the form and, once a credential was checked, the verdict, each
    check in the order they run, and what a genuine credential states."""
    context: dict[str, Any] = {"form": form, "report": report}
    if report is not None:
        context.update(
            verdict=VERDICTS[report.verdict],
            checks=report_checks(report),
            details=credential_details(report),
        )
    return context
