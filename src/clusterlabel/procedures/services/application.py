"""The application and the contract: a procedure is created (prefilled from the previous one),
the organisation submits its application, the secretariat accepts it with the scheme's fee."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.fees import Customer, FeeQuote, quote_fee
from clusterlabel.domain.labels import RecordedState
from clusterlabel.domain.schemes import assessment_mode_of, process_of
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.contracted import Contracted, contract_made
from clusterlabel.procedures.models import Procedure, SelfAssessmentAnswer
from clusterlabel.procedures.services.improvement import (
    ImprovementAreaInput,
    improvement_areas_store,
    improvement_areas_validate,
    silver_submission_refusals,
)
from clusterlabel.procedures.services.transition import ActionRefused, procedure_transition
from clusterlabel.procedures.stored_files import files_removed_unless_committed
from clusterlabel.schemes.models import SchemeVersion


def procedure_create(
    *,
    organisation: Organisation,
    scheme_version: SchemeVersion,
    level_id: str,
    process: str,
    assessment_mode: str,
    actor: User,
    previous_procedure: Procedure | None = None,
    note: str = "",
    improvement_areas: Sequence[ImprovementAreaInput] = (),
) -> Procedure:
    """Open a draft application. Only a manager of the organisation (or the secretariat on its
    behalf) may; the level and the assessment mode must exist in the scheme version.

    A level with an improvement rule (ECEI Silver) needs a previous benchmarking of the
    organisation (found automatically: ``procedures.benchmarkings``) inside the rule's window
    on the day of the application, and the improvement areas it names, each with what was
    improved and evidence; otherwise ``ValidationError`` with every reason and nothing is
    stored. Without a previous assessment named, a previous benchmarking that is a procedure
    becomes it (its answers prefill the self-assessment)."""
    if not policy.can_apply(actor, organisation, scheme_version):
        raise PermissionDenied
    scheme = scheme_version.scheme
    errors: dict[str, str] = {}
    if level_id not in {level.id for level in scheme.levels}:
        errors["level_id"] = _("This scheme has no such level.")
    if assessment_mode not in scheme.procedure.assessment_modes:
        errors["assessment_mode"] = _("This scheme does not offer that assessment mode.")
    if previous_procedure is not None and previous_procedure.organisation_id != organisation.pk:
        errors["previous_procedure"] = _("The previous assessment belongs to another organisation.")
    if errors:
        raise ValidationError(errors)
    found = improvement_areas_validate(
        organisation=organisation,
        scheme=scheme,
        level_id=level_id,
        process=process,
        on=timezone.localdate(),
        areas=improvement_areas,
    )
    if previous_procedure is None and found is not None and found.procedure is not None:
        previous_procedure = found.procedure
    with files_removed_unless_committed():
        procedure = Procedure(
            organisation=organisation,
            scheme_version=scheme_version,
            level_id=level_id,
            process=process,
            assessment_mode=assessment_mode,
            previous_procedure=previous_procedure,
            application_note=note,
            created_by=actor,
        )
        procedure.full_clean()
        procedure.save()
        prefilled = _prefill_from_previous(procedure, actor=actor)
        improvement_areas_store(procedure=procedure, areas=improvement_areas, actor=actor)
        audit_record(
            actor=actor,
            action="procedure.create",
            target=procedure,
            after={
                "organisation": organisation.cluster_name,
                "scheme": f"{scheme.id} {scheme.version}",
                "level": level_id,
                "process": process,
                "assessment_mode": assessment_mode,
                "state": procedure.state,
                "prefilled_answers": prefilled,
                **({"previous_benchmarking": found.key} if found else {}),
            },
        )
    return procedure


def _prefill_from_previous(procedure: Procedure, *, actor: User) -> int:
    """A renewal starts from the last cycle: the previous self-assessment's answers are copied
    for every indicator the new scheme version still has (the organisation updates them)."""
    previous = procedure.previous_procedure
    if previous is None:
        return 0
    indicators = {indicator.id for indicator in procedure.scheme.indicators}
    copied = [
        SelfAssessmentAnswer(
            procedure=procedure,
            indicator_id=answer.indicator_id,
            value=answer.value,
            comment=answer.comment,
            updated_by=actor,
        )
        for answer in previous.answers.all()
        if answer.indicator_id in indicators
    ]
    SelfAssessmentAnswer.objects.bulk_create(copied)
    return len(copied)


# --- the applicant ----------------------------------------------------------------------------


def procedure_submit_application(*, procedure: Procedure, actor: User) -> Procedure:
    """Submit the application; a Silver application is refused (``ActionRefused``) when its
    previous benchmarking is missing or outside the window on the day of submission."""

    def apply(locked: Procedure) -> list[str]:
        locked.applied_at = timezone.now()
        refusals = silver_submission_refusals(locked)
        if refusals:
            raise ActionRefused(refusals)
        return ["applied_at"]

    return procedure_transition(
        procedure=procedure, actor=actor, action=flow.Action.SUBMIT_APPLICATION, apply=apply
    )


# --- the secretariat --------------------------------------------------------------------------


def procedure_fee_quote(procedure: Procedure) -> FeeQuote:
    """The fee of ``procedure`` as the contract fixes it (``clusterlabel.domain.fees``): for
    the organisation's country, VAT ID and programme memberships, applied for on the day of
    the application, a renewal charged as such only inside the scheme's renewal window after
    the organisation's latest (not revoked) label of the scheme and level."""
    organisation = procedure.organisation
    applied_on = (
        timezone.localdate(procedure.applied_at) if procedure.applied_at else timezone.localdate()
    )
    customer = Customer(
        country=organisation.country,
        vat_id=organisation.vat_id,
        programmes=frozenset(organisation.programmes.values_list("slug", flat=True)),
    )
    previous_valid_until = (
        organisation.labels.filter(
            scheme_id=procedure.scheme_version.scheme_id, level_id=procedure.level_id
        )
        .exclude(state=RecordedState.REVOKED)
        .order_by("-valid_until")
        .values_list("valid_until", flat=True)
        .first()
    )
    return quote_fee(
        procedure.scheme,
        process=process_of(procedure.process),
        mode=assessment_mode_of(procedure.assessment_mode),
        application_date=applied_on,
        customer=customer,
        previous_valid_until=previous_valid_until,
    )


def procedure_accept(*, procedure: Procedure, actor: User) -> Procedure:
    """Accept the application: the fee from the scheme's table, for this organisation
    (:func:`procedure_fee_quote`), becomes the contract; the payers' shares add up to the
    gross. The subscribers of ``contracted.contract_made`` (the invoices, one per payer) run in
    the same transaction: if one fails, the application stays unaccepted."""

    def apply(locked: Procedure) -> list[str]:
        quote = procedure_fee_quote(locked)
        locked.fee_currency = quote.currency
        locked.fee_net = quote.net
        locked.fee_vat = quote.vat
        locked.fee_gross = quote.gross
        locked.fee_subsidy = quote.subsidy.amount if quote.subsidy else None
        locked.fee_subsidy_payer = quote.subsidy.payer.name if quote.subsidy else ""
        locked.fee_payable_gross = quote.payable_gross
        locked.fee_vat_treatment = quote.vat_treatment.value
        locked.fee_customer_vat_id = locked.organisation.vat_id
        locked.fee_process = quote.process
        locked.contracted_at = timezone.now()
        return [
            "fee_currency",
            "fee_net",
            "fee_vat",
            "fee_gross",
            "fee_subsidy",
            "fee_subsidy_payer",
            "fee_payable_gross",
            "fee_vat_treatment",
            "fee_customer_vat_id",
            "fee_process",
            "contracted_at",
        ]

    # The contract's consequences (invoices.issue) commit or roll back with the acceptance.
    with transaction.atomic():
        accepted = procedure_transition(
            procedure=procedure, actor=actor, action=flow.Action.ACCEPT_APPLICATION, apply=apply
        )
        contract_made.run(Contracted(procedure=accepted, actor=actor))
    return accepted
