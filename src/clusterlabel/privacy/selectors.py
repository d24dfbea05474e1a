"""Reads for data protection: one person's data as a download, and what stands in the way of
erasing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.access import policy
from clusterlabel.access.models import Grant
from clusterlabel.accounts.models import ApiToken, User
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.audit.canonical import format_timestamp
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain.access import GrantRole
from clusterlabel.domain.procedure import NON_TERMINAL_STATES, State
from clusterlabel.privacy.models import ErasureRequest
from clusterlabel.procedures.models import (
    AssessorAssignment,
    BoardConflictDeclaration,
    BoardVote,
    DeadlineReminder,
    Evidence,
    IndicatorScore,
    Procedure,
)
from clusterlabel.reports.models import RATING_FIELDS, Feedback, ReportAgreement
from clusterlabel.schemes.models import Operator

EXPORT_FORMAT = "clusterlabel-personal-data/1"
UNDER_WAY = sorted(state.value for state in NON_TERMINAL_STATES)


def _when(value: Any) -> str | None:
    return format_timestamp(value) if value is not None else None


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything clusterlabel keeps about ``user`` as the person themselves, as plain JSON
    types: the account's fields, grants (and so the organisations they manage), the audit events
    they acted in (action, time, target: no other person's data), the events about their
    account (invitations, deactivation), their API tokens (name and first characters, never
    the secret), conflict-of-interest declarations as assessor and as board member, board
    votes, the scores they last changed (with the procedure they belong to), the revisions of
    structured reports they agreed to, the feedback they gave for their organisation (ratings and
    comment), the evidence files they uploaded (name, not content), the deadline reminders
    e-mailed to them, their assessor profile (languages, sectors, countries, qualifications,
    declared conflicts with their notes) and their erasure requests.

    Queries: exactly sixteen, however much the person did (``tests/privacy`` pins the count).
    """
    grants = list(
        Grant.objects.filter(user=user)
        .select_related("operator", "organisation", "programme")
        .order_by("created_at", "pk")
    )
    acted = list(
        AuditEvent.objects.filter(actor=user)
        .order_by("sequence")
        .values_list("sequence", "occurred_at", "action", "target_type", "target_id")
    )
    about = list(
        AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
        .exclude(actor=user)
        .order_by("sequence")
        .values_list("sequence", "occurred_at", "action")
    )
    tokens = list(ApiToken.objects.filter(user=user).order_by("created_at", "pk"))
    assignments = list(
        AssessorAssignment.objects.filter(assessor=user).order_by("assigned_at", "pk").values()
    )
    board_declarations = list(
        BoardConflictDeclaration.objects.filter(member=user).order_by("declared_at", "pk").values()
    )
    votes = list(BoardVote.objects.filter(member=user).order_by("voted_at", "pk").values())
    scores = list(
        IndicatorScore.objects.filter(updated_by=user)
        .order_by("procedure_id", "indicator_id")
        .values()
    )
    report_agreements = list(
        ReportAgreement.objects.filter(assessor=user)
        .order_by("agreed_at", "pk")
        .values("report__procedure_id", "revision", "agreed_at")
    )
    feedback = list(
        Feedback.objects.filter(given_by=user)
        .order_by("given_at", "pk")
        .values("procedure_id", "comment", "given_at", *RATING_FIELDS)
    )
    evidence = list(
        Evidence.objects.filter(uploaded_by=user)
        .order_by("uploaded_at", "pk")
        .values("procedure_id", "indicator_id", "original_name", "size", "uploaded_at")
    )
    requests = list(ErasureRequest.objects.filter(user=user).values())
    profile = AssessorProfile.objects.filter(user=user).values().first()
    qualifications = list(
        Qualification.objects.filter(profile__user=user)
        .order_by("scheme_id", "level_id", "valid_from", "pk")
        .values("scheme_id", "level_id", "kind", "valid_from", "valid_until", "confirmed_at")
    )
    declared_conflicts = list(
        DeclaredConflict.objects.filter(profile__user=user)
        .order_by("declared_at", "pk")
        .values("organisation__cluster_name", "note", "since", "declared_at")
    )
    reminders = list(
        DeadlineReminder.objects.filter(recipient=user)
        .order_by("sent_at", "pk")
        .values("procedure_id", "step", "due", "email", "sent_at")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": format_timestamp(timezone.now()),
        "account": {
            "id": user.pk,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "country": user.country,
            "active": user.is_active,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "grants": [
            {
                "role": grant.role,
                "scope": grant.scope_kind.value,
                "scope_key": grant.scope_key,
                "scope_label": str(grant.scope_label),
                "granted_at": _when(grant.created_at),
            }
            for grant in grants
        ],
        "managed_organisations": [
            {
                "id": grant.organisation.pk,
                "legal_name": grant.organisation.legal_name,
                "cluster_name": grant.organisation.cluster_name,
            }
            for grant in grants
            if grant.role == GrantRole.CLUSTER_MANAGER and grant.organisation is not None
        ],
        "audit_events_as_actor": [
            {
                "sequence": sequence,
                "occurred_at": _when(occurred_at),
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
            }
            for sequence, occurred_at, action, target_type, target_id in acted
        ],
        "audit_events_about_the_account": [
            {"sequence": sequence, "occurred_at": _when(occurred_at), "action": action}
            for sequence, occurred_at, action in about
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in tokens
        ],
        "assessor_conflict_declarations": [
            {
                "procedure_id": row["procedure_id"],
                "no_conflict_declared": row["no_conflict_declared"],
                "declared_at": _when(row["declared_at"]),
                "report_agreed": row["report_agreed"],
                "assigned_at": _when(row["assigned_at"]),
            }
            for row in assignments
        ],
        "board_conflict_declarations": [
            {
                "procedure_id": row["procedure_id"],
                "round": row["round"],
                "no_conflict": row["no_conflict"],
                "note": row["note"],
                "declared_at": _when(row["declared_at"]),
            }
            for row in board_declarations
        ],
        "board_votes": [
            {
                "procedure_id": row["procedure_id"],
                "round": row["round"],
                "in_favour": row["in_favour"],
                "reason": row["reason"],
                "voted_at": _when(row["voted_at"]),
            }
            for row in votes
        ],
        "scores_entered": [
            {
                "procedure_id": row["procedure_id"],
                "indicator_id": row["indicator_id"],
                "value": row["value"],
                "comment": row["comment"],
                "evidence_seen": row["evidence_seen"],
                "revision": row["revision"],
                "updated_at": _when(row["updated_at"]),
            }
            for row in scores
        ],
        "report_agreements": [
            {
                "procedure_id": row["report__procedure_id"],
                "revision": row["revision"],
                "agreed_at": _when(row["agreed_at"]),
            }
            for row in report_agreements
        ],
        "feedback_given": [
            {
                "procedure_id": row["procedure_id"],
                **{name: row[name] for name in RATING_FIELDS},
                "comment": row["comment"],
                "given_at": _when(row["given_at"]),
            }
            for row in feedback
        ],
        "evidence_uploaded": [
            {
                "procedure_id": row["procedure_id"],
                "indicator_id": row["indicator_id"],
                "file_name": row["original_name"],
                "size": row["size"],
                "uploaded_at": _when(row["uploaded_at"]),
            }
            for row in evidence
        ],
        "deadline_reminders_sent": [
            {
                "procedure_id": row["procedure_id"],
                "step": row["step"],
                "due": row["due"].isoformat(),
                "sent_to": row["email"],
                "sent_at": _when(row["sent_at"]),
            }
            for row in reminders
        ],
        "assessor_profile": {
            "languages": profile["languages"] if profile else [],
            "sectors": profile["sectors"] if profile else [],
            "countries": profile["countries"] if profile else [],
            "qualifications": [
                {
                    "scheme": row["scheme_id"],
                    "level": row["level_id"],
                    "kind": row["kind"],
                    "valid_from": row["valid_from"].isoformat(),
                    "valid_until": row["valid_until"].isoformat(),
                    "confirmed_at": _when(row["confirmed_at"]),
                }
                for row in qualifications
            ],
            "declared_conflicts": [
                {
                    "organisation": row["organisation__cluster_name"],
                    "note": row["note"],
                    "since": row["since"].isoformat() if row["since"] else None,
                    "declared_at": _when(row["declared_at"]),
                }
                for row in declared_conflicts
            ],
        },
        "erasure_requests": [
            {
                "reason": row["reason"],
                "requested_at": _when(row["requested_at"]),
                "status": row["status"],
                "carried_out_at": _when(row["carried_out_at"]),
            }
            for row in requests
        ],
    }


@dataclass(frozen=True)
class ErasureBlocker:
    """Why a person cannot be erased now: ``what`` in words, naming the organisation or the
    procedure, for the administrator."""

    code: str
    what: str


def erasure_blockers(*, user: User) -> list[ErasureBlocker]:
    """What refuses the erasure of ``user`` now: being the only cluster manager of an
    organisation that has a procedure under way, an assessor on the panel of a procedure under
    way, or a board member of a procedure under board review (by a declaration or vote in it,
    or by a grant that covers its scheme). Empty: the person can be erased."""
    blockers: list[ErasureBlocker] = []
    managed = Grant.objects.filter(user=user, role=GrantRole.CLUSTER_MANAGER).values(
        "organisation_id"
    )
    alone = (
        Procedure.objects.filter(organisation_id__in=managed, state__in=UNDER_WAY)
        .exclude(
            organisation_id__in=Grant.objects.filter(role=GrantRole.CLUSTER_MANAGER)
            .exclude(user=user)
            .values("organisation_id")
        )
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    for procedure in alone:
        blockers.append(
            ErasureBlocker(
                "only_cluster_manager",
                str(
                    _(
                        "the only cluster manager of %(organisation)s, whose procedure "
                        "#%(procedure)s is under way"
                    )
                    % {"organisation": procedure.organisation, "procedure": procedure.pk}
                ),
            )
        )
    for assignment in (
        AssessorAssignment.objects.filter(assessor=user, procedure__state__in=UNDER_WAY)
        .select_related("procedure__organisation")
        .order_by("procedure_id")
    ):
        blockers.append(
            ErasureBlocker(
                "assessor",
                str(
                    _("an assessor of procedure #%(procedure)s (%(organisation)s), under way")
                    % {
                        "procedure": assignment.procedure_id,
                        "organisation": assignment.procedure.organisation,
                    }
                ),
            )
        )
    board_grant = Grant.objects.filter(user=user, role=GrantRole.BOARD_MEMBER).exists()
    in_review = Procedure.objects.filter(state=State.BOARD_REVIEW).select_related(
        "organisation", "scheme_version"
    )
    if not board_grant:
        in_review = in_review.filter(
            Q(board_conflict_declarations__member=user) | Q(board_votes__member=user)
        ).distinct()
    for procedure in in_review.order_by("pk"):
        if board_grant and GrantRole.BOARD_MEMBER not in policy.roles_on(user, procedure):
            continue
        blockers.append(
            ErasureBlocker(
                "board_member",
                str(
                    _("a board member of procedure #%(procedure)s (%(organisation)s), in review")
                    % {"procedure": procedure.pk, "organisation": procedure.organisation}
                ),
            )
        )
    return blockers


@dataclass(frozen=True)
class OperatorPrivacy:
    """What an operator's privacy page says about who is responsible."""

    operator: Operator
    contact: dict[str, str]
    evidence_months: list[tuple[str, int | None]]  # (scheme name, months; None: kept)


def privacy_contacts() -> dict[str, dict[str, str]]:
    """``PRIVACY_CONTACTS``: per operator key, its ``name``, ``address``, ``email``, ``dpo``."""
    contacts = getattr(settings, "PRIVACY_CONTACTS", {}) or {}
    return {
        str(key): {str(k): str(v) for k, v in value.items()}
        for key, value in contacts.items()
        if isinstance(value, dict)
    }


def operator_privacy(*, operator: Operator, language: str) -> OperatorPrivacy:
    """The operator's contact from ``PRIVACY_CONTACTS`` and the retention of evidence of each
    scheme it runs (its current version). One query."""
    months: list[tuple[str, int | None]] = []
    for version in operator.scheme_versions.filter(is_current=True).order_by("scheme_id"):
        retention = version.scheme.retention
        months.append(
            (
                version.name(language),
                retention.evidence_months_after_decision if retention else None,
            )
        )
    return OperatorPrivacy(
        operator=operator,
        contact=privacy_contacts().get(operator.slug, {}),
        evidence_months=months,
    )
