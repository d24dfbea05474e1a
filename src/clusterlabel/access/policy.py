"""The one answer to "may this person do this to this object now, and if not, why".

``can(user, activity, obj)`` and ``restrict(queryset, user, activity)`` are all the rest of the
code asks: services before a write, views before a page (someone else's object is a 404 because
the view reads it through ``restrict``), templates through the ``can`` tag, the navigation, the
admin. The rules are the domain's tables (``clusterlabel.domain.access`` for activities,
``clusterlabel.domain.procedure`` for state changes); this module only works out which roles a
person holds *for one object* from their grants:

* a cluster manager for the organisations they are granted, and their procedures and labels;
* secretariat, assessor, board member and authority for the schemes they are granted, directly
  or through the scheme's operator — an assessor only on the procedures they are assigned to,
  a board member only once they have declared no conflict of interest for the current round
  of the board review (before that they see that the procedure exists, and declare);
* programme staff for the member organisations of their programme;
* an assessor for their own availability periods (``scheduling.availability``);
* an administrator for the installation, or for one operator's schemes.

The grants are read once per request and kept on the user object. Models are recognised by
their label (and the procedure and label models read through the app registry), so this module
imports no app above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, Manager, Model, OuterRef, Q, QuerySet

from clusterlabel.access.choices import GrantRole as RoleChoices
from clusterlabel.access.models import Grant, organisation_model
from clusterlabel.domain import access as rules
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.access import Activity, GrantRole
from clusterlabel.schemes.models import SchemeVersion

__all__ = [
    "Activity",
    "Decision",
    "GrantRole",
    "can",
    "decide",
    "held_roles",
    "restrict",
    "roles_label",
    "roles_label_prefetched",
    "roles_on",
]

_CACHE = "_access_grants"
_SCOPED_ROLES = frozenset(
    {
        GrantRole.SECRETARIAT,
        GrantRole.ASSESSOR,
        GrantRole.BOARD_MEMBER,
        GrantRole.AUTHORITY,
        GrantRole.ADMINISTRATOR,
    }
)
_SCHEME_ROLES = frozenset(
    {GrantRole.SECRETARIAT, GrantRole.ASSESSOR, GrantRole.BOARD_MEMBER, GrantRole.AUTHORITY}
)


@dataclass(frozen=True)
class HeldGrant:
    """A grant as the policy reads it: plain values, no further queries."""

    role: GrantRole
    scheme_id: str
    operator_id: int | None
    organisation_id: int | None
    programme_id: int | None

    @property
    def is_global(self) -> bool:
        return not (self.scheme_id or self.operator_id or self.organisation_id or self.programme_id)


@dataclass(frozen=True)
class Decision:
    """The answer: ``allowed`` with the ``role`` it is allowed in, or refused with ``reason``
    (``not_authenticated``, ``no_role``, ``wrong_state``, ``board_conflict_not_declared_none``).
    True exactly when allowed."""

    allowed: bool
    role: GrantRole | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


# --- the grants of one person ----------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# Bumped whenever a grant is written in this process (``AccessConfig.ready`` connects it), so a
# user object kept beyond one request (a command, the demo, a test) never answers from grants
# that changed since they were read.
_generation = [0]


def grants_changed(**_kwargs: Any) -> None:
    """Signal receiver: a grant was saved or deleted, or managers were added or removed."""
    _generation[0] += 1


def grants_of(user: Any) -> tuple[HeldGrant, ...]:
    """The person's grants, read once and kept on the user object until a grant changes."""
    if not _active(user):
        return ()
    cached = getattr(user, _CACHE, None)
    if cached is None or cached[0] != _generation[0]:
        rows = Grant.objects.filter(user_id=user.pk).values_list(
            "role", "scheme_id", "operator_id", "organisation_id", "programme_id"
        )
        grants = tuple(
            HeldGrant(
                role=GrantRole(role),
                scheme_id=scheme_id,
                operator_id=operator_id,
                organisation_id=organisation_id,
                programme_id=programme_id,
            )
            for role, scheme_id, operator_id, organisation_id, programme_id in rows
        )
        cached = (_generation[0], grants)
        setattr(user, _CACHE, cached)
    return cached[1]


def forget_grants(user: Any) -> None:
    """Drop the cached grants (after a grant or revocation in the same request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def held_roles(user: Any) -> frozenset[GrantRole]:
    """Every role the person holds for some scope."""
    return frozenset(g.role for g in grants_of(user))


def roles_label(user: Any) -> str:
    """The roles in words, in ``GrantRole`` order ("Secretariat, Assessor")."""
    return _roles_in_words(held_roles(user))


def roles_label_prefetched(user: Any) -> str:
    """``roles_label`` for an account whose ``grants`` a list of accounts prefetched: no query
    per account."""
    if not _active(user):
        return ""
    return _roles_in_words(frozenset(GrantRole(grant.role) for grant in user.grants.all()))


def _roles_in_words(held: frozenset[GrantRole]) -> str:
    return ", ".join(str(RoleChoices(r).label) for r in GrantRole if r in held)


def _covers(grant: HeldGrant, scheme_id: str, operator_id: int | None) -> bool:
    if grant.role == GrantRole.ADMINISTRATOR and grant.is_global:
        return True
    if grant.scheme_id:
        return grant.scheme_id == scheme_id
    return grant.operator_id is not None and grant.operator_id == operator_id


def _scheme_roles(user: Any, scheme_id: str, operator_id: int | None) -> set[GrantRole]:
    """The scheme roles and the administrator role the person holds for this scheme."""
    return {
        g.role
        for g in grants_of(user)
        if g.role in _SCOPED_ROLES and _covers(g, scheme_id, operator_id)
    }


def _managed(user: Any) -> set[int]:
    return {
        g.organisation_id
        for g in grants_of(user)
        if g.role == GrantRole.CLUSTER_MANAGER and g.organisation_id is not None
    }


def _programmes(user: Any) -> set[int]:
    return {
        g.programme_id
        for g in grants_of(user)
        if g.role == GrantRole.PROGRAMME and g.programme_id is not None
    }


def _in_programme(user: Any, organisation: Any) -> bool:
    programmes = _programmes(user)
    if not programmes:
        return False
    return any(p.pk in programmes for p in organisation.programmes.all())


# --- roles on one object ---------------------------------------------------------------------


def _label(obj: Any) -> str:
    return obj._meta.label_lower if isinstance(obj, Model) else ""


def roles_on(user: Any, obj: Any) -> frozenset[GrantRole]:
    """The roles ``user`` holds for ``obj``: a procedure, an organisation, a label, a scheme
    version, a programme, an operator, a webhook endpoint or delivery, an assessor profile or
    qualification, a scheme id (``str``), or ``None`` for "any scope"."""
    if not _active(user):
        return frozenset()
    kind = _label(obj)
    if obj is None:
        return held_roles(user)
    if isinstance(obj, str):  # a scheme id
        return frozenset(_scheme_roles(user, obj, _operator_of_scheme(user, obj)))
    if kind == "schemes.schemeversion":
        return frozenset(_scheme_roles(user, obj.scheme_id, obj.operator_id))
    if kind == "procedures.procedure":
        return _roles_on_procedure(user, obj)
    if kind == "labels.label":
        roles = _scheme_roles(user, obj.scheme_id, obj.scheme_version.operator_id)
        roles.discard(GrantRole.ASSESSOR)
        roles.discard(GrantRole.BOARD_MEMBER)
        if obj.organisation_id in _managed(user):
            roles.add(GrantRole.CLUSTER_MANAGER)
        if _in_programme(user, obj.organisation):
            roles.add(GrantRole.PROGRAMME)
        return frozenset(roles)
    if kind == "organisations.organisation":
        return _roles_on_organisation(user, obj)
    if kind == "invoices.invoice":
        return _roles_on_invoice(user, obj)
    if kind == "organisations.programme":
        return _roles_on_programme(user, obj)
    if kind == "schemes.operator":
        return _roles_on_operator(user, obj)
    if kind == "webhooks.endpoint":
        return _roles_on_endpoint(user, obj)
    if kind == "webhooks.delivery":
        return _roles_on_endpoint(user, obj.endpoint)
    if kind == "scheduling.availability":
        # An availability period is its owner's alone (while they are an assessor at all).
        own = obj.assessor_id == user.pk and GrantRole.ASSESSOR in held_roles(user)
        return frozenset({GrantRole.ASSESSOR}) if own else frozenset()
    if kind == "assessors.assessorprofile":
        return _roles_on_assessor_profile(user, obj)
    if kind == "assessors.qualification":
        # Confirmed by the secretariat of the qualification's scheme (directly or through its
        # operator); the assessor's own roles for the scheme do not count here.
        roles = _scheme_roles(user, obj.scheme_id, _operator_of_scheme(user, obj.scheme_id))
        return frozenset(roles & {GrantRole.SECRETARIAT})
    if kind == "accounts.user":
        # An account as a whole (its erasure): only an administrator of the installation.
        admin = _is_installation_administrator(user)
        return frozenset({GrantRole.ADMINISTRATOR}) if admin else frozenset()
    raise TypeError(f"the policy knows no objects of type {type(obj).__name__}")


def _operator_of_scheme(user: Any, scheme_id: str) -> int | None:
    """The operator running ``scheme_id`` (its current version's), looked up once per request
    (kept with the grants on the user object)."""
    known: dict[str, int | None] | None = getattr(user, "_access_scheme_operators", None)
    if known is None:
        known = {}
        user._access_scheme_operators = known
    if scheme_id not in known:
        known[scheme_id] = (
            SchemeVersion.objects.filter(scheme_id=scheme_id, is_current=True)
            .values_list("operator_id", flat=True)
            .first()
        )
    return known[scheme_id]


def _roles_on_procedure(user: Any, procedure: Any) -> frozenset[GrantRole]:
    version = procedure.scheme_version
    roles = _scheme_roles(user, version.scheme_id, version.operator_id)
    if GrantRole.ASSESSOR in roles and not any(
        a.assessor_id == user.pk for a in procedure.assignments.all()
    ):
        roles.discard(GrantRole.ASSESSOR)
    if procedure.organisation_id in _managed(user):
        roles.add(GrantRole.CLUSTER_MANAGER)
    if _in_programme(user, procedure.organisation):
        roles.add(GrantRole.PROGRAMME)
    return frozenset(roles)


def _roles_on_assessor_profile(user: Any, profile: Any) -> frozenset[GrantRole]:
    """An assessor profile is its owner's: the assessor role, when they hold it for some
    scheme. Nobody else holds a role on it (the secretariat reads the pool of its scheme, a
    scheme id, and confirms qualifications, each its scheme's)."""
    if profile.user_id == user.pk and GrantRole.ASSESSOR in held_roles(user):
        return frozenset({GrantRole.ASSESSOR})
    return frozenset()


def _roles_on_organisation(user: Any, organisation: Any) -> frozenset[GrantRole]:
    roles: set[GrantRole] = set()
    if organisation.pk in _managed(user):
        roles.add(GrantRole.CLUSTER_MANAGER)
    if _in_programme(user, organisation):
        roles.add(GrantRole.PROGRAMME)
    staff = {g.role for g in grants_of(user)} - {GrantRole.CLUSTER_MANAGER, GrantRole.PROGRAMME}
    if staff:
        visible = _organisation_filter(user, include_own=False)
        if (
            visible is not None
            and type(organisation).objects.filter(visible, pk=organisation.pk).exists()
        ):
            roles |= _staff_roles_on_organisation(user, organisation)
    return frozenset(roles)


def _roles_on_programme(user: Any, programme: Any) -> frozenset[GrantRole]:
    """Programme staff for their own programme; installation administrators for every one
    (programmes are the installation's, not one operator's)."""
    roles: set[GrantRole] = set()
    if programme.pk is not None and programme.pk in _programmes(user):
        roles.add(GrantRole.PROGRAMME)
    if _is_installation_administrator(user):
        roles.add(GrantRole.ADMINISTRATOR)
    return frozenset(roles)


def _roles_on_operator(user: Any, operator: Any) -> frozenset[GrantRole]:
    """The roles granted for the operator itself (not for one of its schemes: a grant for one
    scheme does not reach what the operator does for all of them), and the installation
    administrator."""
    roles = {
        g.role
        for g in grants_of(user)
        if g.role in _SCOPED_ROLES and g.operator_id is not None and g.operator_id == operator.pk
    }
    if _is_installation_administrator(user):
        roles.add(GrantRole.ADMINISTRATOR)
    return frozenset(roles)


def _roles_on_endpoint(user: Any, endpoint: Any) -> frozenset[GrantRole]:
    """A webhook endpoint belongs to an operator or to a programme: the roles on its owner."""
    if endpoint.operator_id is not None:
        return _roles_on_operator(user, endpoint.operator)
    return _roles_on_programme(user, endpoint.programme)


def _endpoint_filter(user: Any, activity: Activity) -> Q | None:
    """Endpoints of the operators the person holds a role of ``activity`` for (granted for the
    operator), and of the programmes whose staff they are; every one for an installation
    administrator."""
    allowed = rules.roles_for(activity)
    if GrantRole.ADMINISTRATOR in allowed and _is_installation_administrator(user):
        return Q()
    operators = {
        g.operator_id
        for g in grants_of(user)
        if g.role in allowed and g.role in _SCOPED_ROLES and g.operator_id is not None
    }
    programmes = _programmes(user) if GrantRole.PROGRAMME in allowed else set()
    parts: list[Q | None] = []
    if operators:
        parts.append(Q(operator_id__in=sorted(operators)))
    if programmes:
        parts.append(Q(programme_id__in=sorted(programmes)))
    return _any(parts)


def _roles_on_invoice(user: Any, invoice: Any) -> frozenset[GrantRole]:
    """The secretariat of the invoice's scheme (directly or through the operator that issued
    it); a cluster manager of the procedure's organisation for an invoice addressed to that
    organisation (not for the one to a subsidy payer)."""
    roles = _scheme_roles(user, invoice.scheme_id, invoice.operator_id) & {GrantRole.SECRETARIAT}
    managed = _managed(user)
    if invoice.payer_kind == "organisation" and invoice.procedure.organisation_id in managed:
        roles.add(GrantRole.CLUSTER_MANAGER)
    return frozenset(roles)


def _staff_roles_on_organisation(user: Any, organisation: Any) -> set[GrantRole]:
    """The staff roles that reach this organisation: those whose scope covers one of its
    procedures or labels, or any staff role when it has neither yet (a register entry)."""
    versions = list(
        organisation.procedures.values_list(
            "scheme_version__scheme_id", "scheme_version__operator_id"
        ).distinct()
    ) + list(organisation.labels.values_list("scheme_id", "scheme_version__operator_id").distinct())
    held = {g.role for g in grants_of(user)} - {GrantRole.CLUSTER_MANAGER, GrantRole.PROGRAMME}
    if not versions:
        return held
    roles: set[GrantRole] = set()
    for scheme_id, operator_id in versions:
        roles |= _scheme_roles(user, scheme_id, operator_id)
    return roles


# --- the question ----------------------------------------------------------------------------


def current_board_declaration(user: Any, procedure: Any) -> Any | None:
    """The person's conflict-of-interest declaration for the procedure's current board round,
    or ``None``. Reads the procedure's ``board_conflict_declarations`` (prefetched by the pages
    that ask often)."""
    if not _active(user):
        return None
    for declaration in procedure.board_conflict_declarations.all():
        if declaration.member_id == user.pk and declaration.round == procedure.board_round:
            return declaration
    return None


def board_declaration(user: Any, procedure: Any) -> bool | None:
    """The person's declaration for the current board round: ``True`` (no conflict),
    ``False`` (a conflict), ``None`` (not declared)."""
    declaration = current_board_declaration(user, procedure)
    return None if declaration is None else bool(declaration.no_conflict)


# What a board member may do on a procedure before declaring no conflict of interest for the
# current round: see that it exists, and declare.
_BEFORE_BOARD_DECLARATION = frozenset({Activity.VIEW_PROCEDURE, Activity.DECLARE_BOARD_CONFLICT})


def board_declaration_due(user: Any, procedure: Any) -> bool:
    """Whether ``user`` sits on the board of this procedure's review and has not yet declared
    for the current round: they see nothing of the file until they do."""
    return (
        _active(user)
        and can(user, Activity.DECLARE_BOARD_CONFLICT, procedure)
        and board_declaration(user, procedure) is None
    )


def decide(user: Any, activity: Activity | str, obj: Any = None) -> Decision:
    """Whether ``user`` may carry out ``activity`` on ``obj`` now, in which role, or why not.
    For a procedure the state decides too; for other objects the role alone.

    A board member's role counts on a procedure, beyond seeing it and declaring, only once
    they have declared no conflict of interest for the current round; refused with
    ``board_conflict_not_declared_none`` when that role alone would have allowed it."""
    activity = Activity(activity)
    if not _active(user):
        return Decision(False, reason="not_authenticated")
    held = roles_on(user, obj)
    state = obj.state if _label(obj) == "procedures.procedure" else None
    withheld = (
        state is not None
        and GrantRole.BOARD_MEMBER in held
        and activity not in _BEFORE_BOARD_DECLARATION
        and board_declaration(user, obj) is not True
    )
    if withheld:
        held = held - {GrantRole.BOARD_MEMBER}
    eligible = held & rules.roles_for(activity)
    role = rules.permits(activity, eligible, state) if eligible else None
    if role is not None:
        return Decision(True, role=role)
    if withheld and rules.permits(activity, {GrantRole.BOARD_MEMBER}, state):
        return Decision(False, reason="board_conflict_not_declared_none")
    if not eligible:
        return Decision(False, reason="no_role")
    return Decision(False, reason="wrong_state")


def can(user: Any, activity: Activity | str, obj: Any = None) -> bool:
    """``decide(...).allowed``."""
    return decide(user, activity, obj).allowed


# --- querysets -------------------------------------------------------------------------------


def _scope_q(user: Any, role: GrantRole, prefix: str) -> Q | None:
    """Objects whose scheme (``<prefix>scheme_id``, ``<prefix>operator_id``) is covered by
    the person's grants of ``role``; ``None`` when none is."""
    schemes, operators, everything = set(), set(), False
    for g in grants_of(user):
        if g.role != role:
            continue
        if g.is_global:
            everything = True
        elif g.scheme_id:
            schemes.add(g.scheme_id)
        elif g.operator_id is not None:
            operators.add(g.operator_id)
    if everything:
        return Q()
    if not (schemes or operators):
        return None
    q = Q(pk__in=[])
    if schemes:
        q |= Q(**{f"{prefix}scheme_id__in": sorted(schemes)})
    if operators:
        q |= Q(**{f"{prefix}operator_id__in": sorted(operators)})
    return q


def _any(qs: Iterable[Q | None]) -> Q | None:
    result: Q | None = None
    for q in qs:
        if q is None:
            continue
        if not q:  # Q() matches everything
            return Q()
        result = q if result is None else result | q
    return result


def _states_q(activity: Activity, role: GrantRole) -> Q:
    states = rules.states_for(activity, role)
    if states == rules.ANY_STATE:
        return Q()
    return Q(state__in=sorted(s.value for s in states))


def _related_manager(model: type[Model], field_name: str) -> Manager[Any]:
    """The default manager of the model that ``model.field_name`` points to: the policy reaches
    the models of the apps above it this way, without importing them."""
    related = model._meta.get_field(field_name).related_model
    if not (isinstance(related, type) and issubclass(related, Model)):
        raise TypeError(f"{model.__name__}.{field_name} points to no model")
    return related._default_manager


def _procedure_filter(user: Any, activity: Activity, model: type[Model]) -> Q | None:
    parts: list[Q | None] = []
    allowed = rules.roles_for(activity)
    held = held_roles(user)
    for role in allowed & held:
        states = _states_q(activity, role)
        if role == GrantRole.CLUSTER_MANAGER:
            q: Q | None = Q(organisation_id__in=sorted(_managed(user)))
        elif role == GrantRole.PROGRAMME:
            q = _members_q(user)
        elif role == GrantRole.ASSESSOR:
            scope = _scope_q(user, role, "scheme_version__")
            assignments = _related_manager(model, "assignments")
            assigned = assignments.filter(assessor_id=user.pk).values("procedure_id")
            q = None if scope is None else scope & Q(pk__in=assigned)
        elif role == GrantRole.BOARD_MEMBER and activity not in _BEFORE_BOARD_DECLARATION:
            scope = _scope_q(user, role, "scheme_version__")
            declarations = _related_manager(model, "board_conflict_declarations")
            declared = declarations.filter(
                procedure_id=OuterRef("pk"),
                member_id=user.pk,
                round=OuterRef("board_round"),
                no_conflict=True,
            )
            q = None if scope is None else scope & Q(Exists(declared))
        else:
            q = _scope_q(user, role, "scheme_version__")
        parts.append(None if q is None else q & states)
    return _any(parts)


def _members_q(user: Any) -> Q:
    """Rows whose ``organisation`` is a member of one of the person's programmes."""
    through = organisation_model().programmes.through
    return Q(
        organisation_id__in=through.objects.filter(
            programme_id__in=sorted(_programmes(user))
        ).values("organisation_id")
    )


def _label_filter(user: Any, activity: Activity) -> Q | None:
    parts: list[Q | None] = []
    for role in rules.roles_for(activity) & held_roles(user):
        if role == GrantRole.CLUSTER_MANAGER:
            parts.append(Q(organisation_id__in=sorted(_managed(user))))
        elif role == GrantRole.PROGRAMME:
            parts.append(_members_q(user))
        elif role in (GrantRole.SECRETARIAT, GrantRole.AUTHORITY, GrantRole.ADMINISTRATOR):
            parts.append(_scope_q(user, role, "scheme_version__"))
    return _any(parts)


def _invoice_filter(user: Any, activity: Activity) -> Q | None:
    """Invoices of the schemes (or issued by the operators) in the secretariat's scope; for a
    cluster manager those addressed to their organisations."""
    parts: list[Q | None] = []
    held = rules.roles_for(activity) & held_roles(user)
    if GrantRole.SECRETARIAT in held:
        parts.append(_scope_q(user, GrantRole.SECRETARIAT, ""))
    if GrantRole.CLUSTER_MANAGER in held:
        procedures = _procedure_model().objects.filter(organisation_id__in=sorted(_managed(user)))
        parts.append(Q(payer_kind="organisation", procedure_id__in=procedures.values("pk")))
    return _any(parts)


def _organisation_filter(user: Any, *, include_own: bool = True) -> Q | None:
    """Organisations the person can see: their own, their programme's members, those an
    assessor or board member is working on, and for staff those with a procedure or label in
    their scope or with neither yet (register entries any operator may take up; one that waits
    for confirmation only for the staff of the scheme it asked for)."""
    # Read through the app registry: procedures and labels sit above this module.
    Label = apps.get_model("labels", "Label")
    Procedure = apps.get_model("procedures", "Procedure")

    parts: list[Q | None] = []
    held = held_roles(user)
    if include_own and GrantRole.CLUSTER_MANAGER in held:
        parts.append(Q(pk__in=sorted(_managed(user))))
    if include_own and GrantRole.PROGRAMME in held:
        through = organisation_model().programmes.through
        members = through.objects.filter(programme_id__in=sorted(_programmes(user)))
        parts.append(Q(pk__in=members.values("organisation_id")))
    procedures = _procedure_filter(user, Activity.VIEW_PROCEDURE, Procedure)
    staff = held & {GrantRole.SECRETARIAT, GrantRole.AUTHORITY, GrantRole.ADMINISTRATOR}
    if procedures is not None:
        parts.append(Q(pk__in=Procedure.objects.filter(procedures).values("organisation_id")))
    if staff:
        labels = _any(_scope_q(user, role, "scheme_version__") for role in staff)
        if labels is not None:
            if not labels:
                return Q()
            parts.append(Q(pk__in=Label.objects.filter(labels).values("organisation_id")))
        # A register entry no scheme has taken up yet; one waiting for confirmation only for the
        # staff of the scheme it asked for.
        pending_for_me = Q(pk__in=[])
        for role in staff:
            scope = _scope_q(user, role, "")
            if scope is not None:
                schemes = SchemeVersion.objects.filter(scope).values("scheme_id")
                pending_for_me |= Q(requested_scheme_id__in=schemes)
        parts.append(
            ~Exists(Procedure.objects.filter(organisation_id=OuterRef("pk")))
            & ~Exists(Label.objects.filter(organisation_id=OuterRef("pk")))
            & (Q(confirmed_at__isnull=False) | pending_for_me)
        )
    return _any(parts)


def _is_installation_administrator(user: Any) -> bool:
    return any(g.role == GrantRole.ADMINISTRATOR and g.is_global for g in grants_of(user))


def _procedure_model() -> Any:
    return apps.get_model("procedures", "Procedure")


def restrict(queryset: QuerySet[Any], user: Any, activity: Activity | str) -> QuerySet[Any]:
    """``queryset`` narrowed to the objects on which ``user`` may carry out ``activity``
    (for procedures in their current state). Filters by key lists and subqueries, never by a
    join, so counts annotated on ``queryset`` stay right and no ``distinct()`` is needed."""
    activity = Activity(activity)
    if not _active(user):
        return queryset.none()
    kind = queryset.model._meta.label_lower
    if kind == "procedures.procedure":
        condition = _procedure_filter(user, activity, queryset.model)
    elif kind == "labels.label":
        condition = _label_filter(user, activity)
    elif kind == "invoices.invoice":
        condition = _invoice_filter(user, activity)
    elif kind == "webhooks.endpoint":
        condition = _endpoint_filter(user, activity)
    elif kind == "webhooks.delivery":
        endpoints = _endpoint_filter(user, activity)
        if endpoints is None:
            return queryset.none()
        if not endpoints:
            return queryset
        owned = _related_manager(queryset.model, "endpoint").filter(endpoints).values("pk")
        return queryset.filter(endpoint_id__in=owned)
    elif kind == "audit.auditevent":
        # The back office's trail: events of the procedures whose internal trail the person
        # reads; events of no procedure (accounts, grants, imports) for installation
        # administrators only.
        if _is_installation_administrator(user):
            return queryset
        procedures = _procedure_filter(user, Activity.READ_INTERNAL_AUDIT, _procedure_model())
        if procedures is None:
            return queryset.none()
        ids = _procedure_model().objects.filter(procedures).values("pk")
        return queryset.filter(procedure_id__in=ids)
    elif kind == "benchmarks.referenceassessment":
        if _is_installation_administrator(user):
            return queryset
        pools = sorted(set(SchemeVersion.objects.values_list("scheme_id", flat=True)))
        return queryset.filter(pool_id__in=viewable_pools(user, pools))
    elif kind == "organisations.programme":
        if activity != Activity.VIEW_PROGRAMME:
            raise ValueError("programmes are restricted for viewing; ask can() for the rest")
        if _is_installation_administrator(user):
            return queryset
        return queryset.filter(pk__in=sorted(_programmes(user)))
    elif kind == "scheduling.availability":
        # Only one's own periods, and only as an assessor; the secretariat reads the panel's
        # periods through the procedure it schedules (``FIX_APPOINTMENT``), not through this.
        if activity != Activity.MANAGE_AVAILABILITY or GrantRole.ASSESSOR not in held_roles(user):
            return queryset.none()
        return queryset.filter(assessor_id=user.pk)
    elif kind == "organisations.organisation":
        if activity != Activity.VIEW_ORGANISATION:
            raise ValueError("organisations are restricted for viewing; ask can() for the rest")
        condition = _organisation_filter(user)
    else:
        raise TypeError(f"the policy cannot restrict {kind}")
    if condition is None:
        return queryset.none()
    if not condition:
        return queryset
    if kind == "organisations.organisation":
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
    return queryset.filter(condition)


def holders(role: GrantRole | str, scheme_id: str, operator_id: int | None) -> QuerySet[Any]:
    """The active people who hold ``role`` for the scheme (directly or through its
    operator): whom to tell when the scheme's secretariat, board or authority must act."""
    grants = Grant.objects.filter(role=role).filter(
        Q(scheme_id=scheme_id) | Q(operator_id=operator_id)
        if operator_id
        else Q(scheme_id=scheme_id)
    )
    return _related_manager(Grant, "user").filter(is_active=True, pk__in=grants.values("user_id"))


def can_view_benchmark_report(user: Any, pool_id: str, organisation: Any) -> bool:
    """One organisation's benchmarking report in pool ``pool_id`` (a scheme id): its cluster
    managers, and whoever may view the pool."""
    if organisation.pk in _managed(user):
        return True
    return can(user, Activity.VIEW_POOL, pool_id)


def viewable_pools(user: Any, pool_ids: Iterable[str]) -> list[str]:
    """Of ``pool_ids``, the pools ``user`` may view."""
    return [pool_id for pool_id in pool_ids if can(user, Activity.VIEW_POOL, pool_id)]


def can_apply(user: Any, organisation: Any, scheme_version: Any) -> bool:
    """Whether ``user`` may open an application of ``organisation`` for this scheme: its
    cluster managers, or the scheme's secretariat on its behalf."""
    if not can(user, Activity.APPLY, organisation):
        return False
    if GrantRole.CLUSTER_MANAGER in roles_on(user, organisation):
        return True
    return GrantRole.SECRETARIAT in roles_on(user, scheme_version)


# --- state changes of a procedure ------------------------------------------------------------


def procedure_roles(user: Any, procedure: Any) -> frozenset[flow.Role]:
    """The procedural roles ``user`` holds for ``procedure`` (an assessor only if assigned)."""
    return frozenset(
        flow.Role(role.value) for role in roles_on(user, procedure) if role.value in _FLOW_ROLES
    )


_FLOW_ROLES = frozenset(role.value for role in flow.Role)


def action_options(
    user: Any, procedure: Any, facts: flow.ProcedureFacts
) -> list[flow.ActionOption]:
    """The actions ``user`` has on ``procedure`` now, over every role they hold for it, in
    ``Action`` order; where two roles offer the same action the allowed one wins."""
    by_action: dict[flow.Action, flow.ActionOption] = {}
    for role in sorted(procedure_roles(user, procedure)):
        for option in flow.available_actions(procedure.state, role, facts):
            known = by_action.get(option.action)
            if known is None or (option.allowed and not known.allowed):
                by_action[option.action] = option
    return [by_action[action] for action in flow.Action if action in by_action]


def transition_check(
    user: Any,
    action: flow.Action | str,
    procedure: Any,
    facts: flow.ProcedureFacts,
    *,
    reason: str | None = None,
) -> tuple[flow.Transition, flow.Role]:
    """The transition-table row that lets ``user`` do ``action`` now and the role they act
    in; raises ``flow.TransitionNotAllowed`` with the reasons of the first role tried (or
    ``wrong_role`` when they hold no role for the procedure)."""
    roles = sorted(procedure_roles(user, procedure))
    if not roles:
        # Nobody without a role on the procedure learns more than "not your step".
        raise flow.TransitionNotAllowed("wrong_role", {"action": action, "role": ""})
    first_error: flow.TransitionNotAllowed | None = None
    for role in roles:
        try:
            return flow.check(action, procedure.state, role, facts, reason=reason), role
        except flow.TransitionNotAllowed as error:
            if first_error is None or (first_error.code == "wrong_role"):
                first_error = error
    assert first_error is not None
    raise first_error


def requires_second_factor(user: Any) -> bool:
    """Everyone who holds a role above cluster manager signs in with a second factor."""
    return bool(held_roles(user) & rules.STAFF_ROLES)
