"""What each role does in a labelling scheme, in the users' words, for the start page. A person
holding several roles reads each role's introduction and the next steps of all of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlabel.accounts.choices import Role


@dataclass(frozen=True)
class NextStep:
    title: Promise
    text: Promise
    url_name: str


ROLE_INTRO: dict[str, Promise] = {
    Role.CLUSTER_MANAGER: _(
        "You apply for a quality label for your cluster management organisation, fill in the "
        "self-assessment against the scheme's indicators and upload the evidence."
    ),
    Role.SECRETARIAT: _(
        "You run the scheme: you accept applications, set the fee contract, assign assessors, "
        "schedule assessments and keep the scheme catalogues up to date."
    ),
    Role.ASSESSOR: _(
        "You assess the organisations assigned to you: you score every indicator with the "
        "evidence you saw and submit the assessment report."
    ),
    Role.BOARD_MEMBER: _(
        "You read the assessment reports that are in board review and vote on a recommendation, "
        "with a reason."
    ),
    Role.AUTHORITY: _(
        "You decide whether a label is awarded, after the assessment and the advisory board's "
        "recommendation."
    ),
    Role.PROGRAMME: _(
        "You follow your programme's member organisations: which labels they hold, until when, "
        "and where their procedures stand."
    ),
    Role.ADMINISTRATOR: _(
        "You manage accounts and scheme versions and keep the installation running."
    ),
}

NO_ROLE_INTRO: Promise = _(
    "Your account has no role yet. Register your cluster management organisation to apply "
    "for a label; the scheme's secretariat confirms it."
)

_CATALOGUE = NextStep(
    _("Read the scheme catalogues"),
    _("Levels, indicators with their excellence values and points, award rules, validity, fees."),
    "schemes:list",
)
_POOL = NextStep(
    _("Benchmarking pools"),
    _(
        "How the assessed organisations are distributed on every indicator, how the pool changed "
        "over time, and each organisation's benchmarking report."
    ),
    "benchmarks:index",
)
_REGISTER = NextStep(
    _("Register your organisation"),
    _(
        "Register your cluster management organisation, or ask to manage one that is already "
        "listed. The secretariat of the scheme you apply for confirms it."
    ),
    "organisations:register",
)
_CONFIRM_REGISTRATIONS = NextStep(
    _("Registrations to confirm"),
    _("Organisations registered for your schemes and requests to manage listed ones."),
    "organisations:pending",
)
_BACK_OFFICE = NextStep(
    _("Open the back office"),
    _("Accounts, scheme versions and everything the secretariat administers."),
    "admin:index",
)

ROLE_NEXT_STEPS: dict[str, tuple[NextStep, ...]] = {
    Role.CLUSTER_MANAGER: (
        NextStep(
            _("Your organisation's profile and eligibility"),
            _(
                "Keep the profile up to date and see for each scheme whether your organisation "
                "meets the eligibility criteria, and what is missing."
            ),
            "organisations:list",
        ),
        NextStep(
            _("Choose the scheme to apply for"),
            _(
                "Compare what each scheme asks: eligibility criteria, indicators and their "
                "excellence values, fees."
            ),
            "schemes:list",
        ),
        NextStep(
            _("Benchmarking: where your organisation stands"),
            _(
                "After an assessment: your position on every indicator against all assessed "
                "organisations or your peers, the gaps to excellence and what changed since last "
                "time, also as PDF."
            ),
            "benchmarks:index",
        ),
    ),
    Role.SECRETARIAT: (
        _CATALOGUE,
        _POOL,
        NextStep(
            _("Organisations"),
            _("Profiles of the cluster management organisations and their eligibility per scheme."),
            "organisations:list",
        ),
        _CONFIRM_REGISTRATIONS,
        NextStep(
            _("The assessor pool"),
            _(
                "The assessors of your schemes, their languages, sectors and qualifications; "
                "confirm the qualifications they recorded."
            ),
            "assessors:pool_index",
        ),
        NextStep(
            _("Overdue steps"),
            _(
                "The procedures of your schemes whose current step is past its due date, how "
                "many days, and who must act."
            ),
            "procedures:overdue",
        ),
        NextStep(
            _("Feedback of the organisations"),
            _(
                "How the organisations rated the procedure and the panels of your schemes, in "
                "aggregate; an assessor's line from five ratings on."
            ),
            "reports:feedback_index",
        ),
        _BACK_OFFICE,
    ),
    Role.ASSESSOR: (
        NextStep(
            _("Your assessor profile"),
            _(
                "Your languages, sectors and the countries you assess in, your qualifications "
                "for the secretariat to confirm, and the organisations you have a conflict with."
            ),
            "assessors:profile",
        ),
        NextStep(
            _("Prepare with the indicator catalogues"),
            _("Each indicator says what is measured, its excellence value and the evidence."),
            "schemes:list",
        ),
        NextStep(
            _("Your availability"),
            _(
                "The periods in which you can take on assessments; the secretariat schedules "
                "the panels you are on within them."
            ),
            "scheduling:availability",
        ),
    ),
    Role.BOARD_MEMBER: (_CATALOGUE,),
    Role.PROGRAMME: (
        NextStep(
            _("Your programme's members"),
            _(
                "The member organisations, their labels and procedures, when they end, and "
                "whether each meets the programme's rule; as CSV or XLSX too."
            ),
            "programmes:list",
        ),
        NextStep(
            _("The public registry"),
            _("Who holds which label, valid until when; searchable and as open data."),
            "labels:registry",
        ),
    ),
    Role.AUTHORITY: (_CATALOGUE, _POOL),
    Role.ADMINISTRATOR: (_BACK_OFFICE, _CATALOGUE),
}


def intro_and_steps(roles: frozenset[str]) -> tuple[list[Promise], list[NextStep]]:
    """The introductions of ``roles`` (in ``Role`` order) and their next steps, each once."""
    held = [role for role in Role if role in roles]
    if not held:
        # A person without grants is a prospective cluster manager (signed up, organisation
        # not yet registered or confirmed).
        return [NO_ROLE_INTRO], [_REGISTER, *ROLE_NEXT_STEPS[Role.CLUSTER_MANAGER]]
    steps: list[NextStep] = []
    for role in held:
        steps += [step for step in ROLE_NEXT_STEPS.get(role, ()) if step not in steps]
    return [ROLE_INTRO[role] for role in held], steps
