"""Pure helpers behind ``clusterlabel verify FILE --jwks FILE [--status-list FILE]...``.

Nothing here prints or exits; ``verify_file`` returns the exit code and the lines to print, so
the command (wired in ``clusterlabel.cli``) stays a thin shell and the text is testable.

The output is always five lines, one each for signature, key, dates, status and the verdict.
Without a status list the status line says "status not checked" and the verdict is not valid.

``--status-list`` takes either ``FILE`` holding a signed status-list credential (a JWT; the
URL it is published at is read from its ``id`` and then verified against the credential's
entry), or ``URL=FILE`` for any file, which is required for a raw ``encodedList`` since it
names no URL. The split is at the last ``=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ._encoding import EncodingError, b64url_decode, format_datetime, strict_json_loads
from .vcjwt import (
    DatesOutcome,
    KeyOutcome,
    SignatureOutcome,
    StatusOutcome,
    Verdict,
    VerificationReport,
    verify_credential,
)

VERDICT_TEXT = {
    Verdict.VALID: "valid",
    Verdict.SIGNATURE_INVALID: "NOT VALID - the signature is invalid",
    Verdict.UNKNOWN_KEY: "NOT VALID - signed with a key the issuer has not published",
    Verdict.EXPIRED: "NOT VALID - expired",
    Verdict.NOT_YET_VALID: "NOT VALID - not yet valid",
    Verdict.REVOKED: "NOT VALID - revoked",
    Verdict.SUSPENDED: "NOT VALID - suspended",
    Verdict.MALFORMED: "NOT VALID - malformed credential",
    Verdict.STATUS_NOT_CHECKED: "NOT CONFIRMED - signature and dates are fine, "
    "but revocation/suspension status not checked",
    Verdict.STATUS_LIST_INVALID: "NOT CONFIRMED - a status list could not be used",
    Verdict.INPUT_ERROR: "NOT VERIFIED - the verifier's input could not be read",
}


class _InputError(Exception):
    """Internal: a file given to the verifier cannot be used."""


def _read_text(path: Path, what: str) -> str:
    """Read a UTF-8 text file or raise ``_InputError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _InputError(f"cannot read {what} {path}: {exc}") from exc


def _unverified_id(token: str) -> str | None:
    """The ``id`` claimed inside a JWT payload, read only to index the file by URL.

    Nothing is trusted here: the verifier later checks the signature and that the id equals
    the URL the credential points to.
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    try:
        payload = strict_json_loads(b64url_decode(parts[1]))
    except EncodingError:
        return None
    value = payload.get("id") if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None


def read_status_lists(items: Sequence[str | Path]) -> dict[str, str]:
    """Map status-list URLs to file contents from ``FILE`` / ``URL=FILE`` arguments."""
    lists: dict[str, str] = {}
    for item in items:
        text_item = str(item)
        url: str | None = None
        path = Path(text_item)
        if "=" in text_item and not path.exists():
            url, _, file_name = text_item.rpartition("=")
            path = Path(file_name)
        content = _read_text(path, "status list").strip()
        url = url or _unverified_id(content)
        if not url:
            raise _InputError(
                f"{path} is not a signed status-list credential; give a raw list as URL=FILE"
            )
        lists[url] = content
    return lists


def _key_line(report: VerificationReport) -> str:
    """The key line: which key, and whether the issuer published it."""
    if report.key is KeyOutcome.KNOWN:
        return f"key: known kid {report.kid}"
    if report.key is KeyOutcome.UNKNOWN_KID:
        return f"key: unknown kid {report.kid} (not in the JWKS)"
    if report.key is KeyOutcome.NOT_IN_SET:
        return "key: key not in set (the token names no published key)"
    return "key: not checked"


def _signature_line(report: VerificationReport) -> str:
    """The signature line, with the reason when it failed."""
    line = f"signature: {report.signature.value}"
    if report.signature is SignatureOutcome.INVALID and report.problems:
        line += f" ({report.problems[0]})"
    return line


def _dates_line(report: VerificationReport) -> str:
    """The dates line with the validity period."""
    if report.dates is DatesOutcome.NOT_CHECKED or report.valid_from is None:
        return "dates: not checked"
    until = format_datetime(report.valid_until) if report.valid_until else "open end"
    return f"dates: {report.dates.value} ({format_datetime(report.valid_from)} to {until})"


def _status_line(report: VerificationReport) -> str:
    """The status line; "status not checked" whenever no list settled the question."""
    details = "; ".join(report.status_details)
    if report.status is StatusOutcome.NOT_CHECKED:
        text = "status not checked"
    else:
        text = report.status.value
    return f"status: {text}" + (f" ({details})" if details else "")


def format_report(report: VerificationReport) -> list[str]:
    """The five lines of text for a report: signature, key, dates, status, verdict."""
    verdict = f"verdict: {VERDICT_TEXT[report.verdict]} (exit {report.exit_code})"
    if report.verdict in (Verdict.MALFORMED, Verdict.INPUT_ERROR) and report.problems:
        verdict += f": {report.problems[0]}"
    return [
        _signature_line(report),
        _key_line(report),
        _dates_line(report),
        _status_line(report),
        verdict,
    ]


def verify_file(
    path: str | Path,
    jwks_path: str | Path,
    status_list_paths: Sequence[str | Path] = (),
    now: datetime | None = None,
) -> tuple[int, list[str]]:
    """Verify the VC-JWT in ``path`` against the JWKS in ``jwks_path``; return (exit code, lines).

    ``now`` must be timezone-aware (the command passes the current time). Unreadable inputs
    give ``Verdict.INPUT_ERROR`` (10) rather than an exception.
    """
    if now is None:
        raise ValueError("now is required (a timezone-aware datetime)")
    try:
        token = _read_text(Path(path), "credential")
        try:
            jwks = strict_json_loads(_read_text(Path(jwks_path), "JWKS"))
        except EncodingError as exc:
            raise _InputError(f"JWKS {jwks_path} is not JSON: {exc}") from exc
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise _InputError(f"JWKS {jwks_path} is not a JWK Set")
        status_lists = read_status_lists(status_list_paths) if status_list_paths else None
    except _InputError as exc:
        report = VerificationReport(verdict=Verdict.INPUT_ERROR, problems=(str(exc),))
        return report.exit_code, format_report(report)
    report = verify_credential(token, jwks, now=now, status_lists=status_lists)
    return report.exit_code, format_report(report)


__all__ = ["VERDICT_TEXT", "format_report", "read_status_lists", "verify_file"]
