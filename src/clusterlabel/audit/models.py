"""Audit events: who did what, when and why, with the values before and after.

Events form one hash chain in ``sequence`` order: each carries the hash of the previous one, so
a changed, removed or inserted row breaks the chain and ``clusterlabel audit verify`` names the
first broken event. Events are written only by ``clusterlabel.audit.services.audit_record``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.audit.canonical import CURRENT_HASH_FORMAT, event_hash
from clusterlabel.audit.display import ValueChange, changed_values


class AuditEventImmutable(Exception):
    """Somebody tried to change or delete a recorded audit event."""


def _refuse(what: str) -> NoReturn:
    raise AuditEventImmutable(
        f"audit events are append-only: {what} is refused. "
        "Record a new event that corrects the old one instead."
    )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads as usual; every bulk write that would bypass the chain is refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("updating audit events")

    def delete(self) -> NoReturn:
        _refuse("deleting audit events")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("updating audit events")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk-creating audit events (use audit_record)")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("updating audit events")


class AuditEvent(models.Model):
    """One recorded change. Append-only and tamper-evident.

    Guarantees: ``sequence`` runs 1, 2, 3, … without gaps in commit order; ``hash`` is the
    SHA-256 of the canonical form of every content field, the sequence and ``previous_hash``
    (see ``canonical.event_hash``); ``previous_hash`` is the hash of event ``sequence - 1``
    (64 zeros for the first). The database refuses two events with the same sequence, the same
    hash or the same predecessor, so the chain cannot fork. ``save()`` inserts only, ``delete()``
    and the queryset's bulk writes raise ``AuditEventImmutable``; on PostgreSQL a trigger also
    refuses ``UPDATE`` and ``DELETE`` of the table.

    ``actor_label`` is the actor's username at the time, so renaming an account never changes
    history (and the account cannot be deleted while it has events). ``hash_format`` says how
    the hash was computed: 1 (events recorded before the data-protection release) hashes
    ``actor_label`` too, so it stays as it was; 2 (every new event) hashes the actor by id
    only, and erasing the person (``audit_erase_person``) overwrites ``actor_label`` with the
    pseudonym, the one change of a recorded event there is (the PostgreSQL trigger allows
    exactly that, on format-2 events). Names inside ``before``/``after`` are hashed in both
    formats: pages show them through the erasure register (``ErasedIdentifier``).

    ``procedure_id`` is a plain indexed number rather than a foreign key, to keep this app
    independent of the procedures app.
    """

    sequence = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        editable=False,
    )
    actor_label = models.CharField(_("actor (at the time)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    procedure_id = models.BigIntegerField(_("procedure"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    hash_format = models.PositiveSmallIntegerField(
        _("hash format"), default=CURRENT_HASH_FORMAT, db_default=1, editable=False
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("sequence",)
        # Only viewing exists: there is no permission that could allow a change.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=("procedure_id", "sequence"), name="audit_event_procedure"),
            models.Index(fields=("occurred_at",), name="audit_event_occurred_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="audit_event_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new event whose ``hash`` matches its content; refuse everything else."""
        if not self._state.adding:
            _refuse(f"changing event #{self.sequence}")
        if self.hash != self.compute_hash():
            raise ValueError("an audit event's hash must match its content (use audit_record)")
        kwargs["force_insert"] = True
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"deleting event #{self.sequence}")

    def compute_hash(self) -> str:
        """The hash this event's current field values call for."""
        return event_hash(
            sequence=self.sequence,
            previous_hash=self.previous_hash,
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            procedure_id=self.procedure_id,
            before=self.before,
            after=self.after,
            reason=self.reason,
            hash_format=self.hash_format,
        )

    @property
    def changes(self) -> list[ValueChange]:
        """The keys whose value differs between ``before`` and ``after``, for display."""
        return changed_values(self.before, self.after)


class ErasedIdentifier(models.Model):
    """One identifier (username, e-mail address, full name) of an erased person, as a keyed
    digest: the register by which pages show the pseudonym wherever the trail's hashed
    ``before``/``after`` still hold the old text. Holds no clear text, so it adds nothing to
    what the trail already keeps; mutable, outside the chain.
    """

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erased_identifiers"
    )

    class Meta:
        verbose_name = _("erased identifier")
        verbose_name_plural = _("erased identifiers")
        default_permissions = ()

    def __str__(self) -> str:
        return self.digest[:12]
