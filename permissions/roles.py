"""Roles and the one table of which role may act on which step.

A role is held on a jurisdiction (or, for a department, on its office). Holding a role
grants the step permissions listed here, as django-guardian object permissions on that
object (see grants.py). Flows, views, the API and selectors all read this table.
Pure Python: no model imports, so models can use the step codes in their Meta.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    DEPUTY = "deputy"
    CONGRESS_OFFICE = "congress_office"
    GOVERNMENT_OFFICE = "government_office"
    DEPARTMENT = "department"
    PARTY_OFFICE = "party_office"
    TELLER = "teller"
    SUPERVISOR = "supervisor"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.DEPUTY: _("Deputy / council representative"),
    Role.CONGRESS_OFFICE: _("Congress office"),
    Role.GOVERNMENT_OFFICE: _("Government office"),
    Role.DEPARTMENT: _("Department"),
    Role.PARTY_OFFICE: _("Party committee office"),
    Role.TELLER: _("Teller"),
    Role.SUPERVISOR: _("Supervisor"),
}

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class Step(StrEnum):
    """Step permission codenames. The model named in STEP_OBJECT holds each one."""

    # on the jurisdiction
    ROUTE_SUGGESTION = "route_suggestion"
    REGISTER_PROJECT = "register_project"
    ASSIGN_STUDY = "assign_study"
    REVIEW_BY_PARTY = "review_by_party"
    ASSIGN_MONITORING_GROUP = "assign_monitoring_group"
    RECORD_SATISFACTION = "record_satisfaction"
    RECORD_ACCOUNTABILITY = "record_accountability"
    MANAGE_SESSIONS = "manage_sessions"
    APPROVE_SLATE = "approve_slate"
    ENTER_PAPER_COUNT = "enter_paper_count"
    CAST_BALLOT = "cast_ballot"
    SUBMIT_SUGGESTION = "submit_suggestion"
    IMPORT_ROSTER = "import_roster"
    CONFIGURE_CALENDAR = "configure_calendar"
    COUNT_BALLOTS = "count_ballots"
    GRANT_ROLES = "grant_roles"
    # on the office (a department's own work)
    STUDY_FEASIBILITY = "study_feasibility"
    SUBMIT_PLAN = "submit_plan"
    SUBMIT_REPORT = "submit_report"
    ANSWER_OPINIONS = "answer_opinions"
    # on the project (its monitoring group)
    REVIEW_REPORT = "review_report"
    ACCEPT_COMPLETION = "accept_completion"


JURISDICTION_STEPS = (
    Step.ROUTE_SUGGESTION,
    Step.REGISTER_PROJECT,
    Step.ASSIGN_STUDY,
    Step.REVIEW_BY_PARTY,
    Step.ASSIGN_MONITORING_GROUP,
    Step.RECORD_SATISFACTION,
    Step.RECORD_ACCOUNTABILITY,
    Step.MANAGE_SESSIONS,
    Step.APPROVE_SLATE,
    Step.ENTER_PAPER_COUNT,
    Step.CAST_BALLOT,
    Step.SUBMIT_SUGGESTION,
    Step.IMPORT_ROSTER,
    Step.CONFIGURE_CALENDAR,
    Step.COUNT_BALLOTS,
    Step.GRANT_ROLES,
)
OFFICE_STEPS = (
    Step.STUDY_FEASIBILITY,
    Step.SUBMIT_PLAN,
    Step.SUBMIT_REPORT,
    Step.ANSWER_OPINIONS,
)
PROJECT_STEPS = (Step.REVIEW_REPORT, Step.ACCEPT_COMPLETION)

STEP_LABELS = {
    Step.ROUTE_SUGGESTION: "Can route suggestions",
    Step.REGISTER_PROJECT: "Can register projects",
    Step.ASSIGN_STUDY: "Can assign feasibility studies",
    Step.REVIEW_BY_PARTY: "Can review candidates for the Party committee",
    Step.ASSIGN_MONITORING_GROUP: "Can assign monitoring groups",
    Step.RECORD_SATISFACTION: "Can record satisfaction results",
    Step.RECORD_ACCOUNTABILITY: "Can record accountability hearings",
    Step.MANAGE_SESSIONS: "Can manage voting sessions",
    Step.APPROVE_SLATE: "Can approve voting slates",
    Step.ENTER_PAPER_COUNT: "Can enter paper ballot counts",
    Step.CAST_BALLOT: "Can cast ballots",
    Step.SUBMIT_SUGGESTION: "Can submit suggestions as a deputy",
    Step.IMPORT_ROSTER: "Can import deputies, offices and users",
    Step.CONFIGURE_CALENDAR: "Can configure the calendar",
    Step.COUNT_BALLOTS: "Can open and count sealed ballots as a teller",
    Step.GRANT_ROLES: "Can grant roles in the jurisdictions below",
    Step.STUDY_FEASIBILITY: "Can study feasibility",
    Step.SUBMIT_PLAN: "Can submit implementation plans",
    Step.SUBMIT_REPORT: "Can submit progress reports",
    Step.ANSWER_OPINIONS: "Can answer monitoring opinions",
    Step.REVIEW_REPORT: "Can review reports as monitoring group",
    Step.ACCEPT_COMPLETION: "Can accept completion as monitoring group",
}


def meta_permissions(steps) -> list[tuple[str, str]]:
    return [(step.value, STEP_LABELS[step]) for step in steps]


# The one table: which role may act on which step. Supervisors act on none: their wider
# reading scope is a selector filter, never a granted permission.
ROLE_STEPS: dict[Role, tuple[Step, ...]] = {
    Role.GOVERNMENT_OFFICE: (Step.ROUTE_SUGGESTION, Step.REGISTER_PROJECT, Step.ASSIGN_STUDY),
    Role.CONGRESS_OFFICE: (
        Step.REGISTER_PROJECT,
        Step.ASSIGN_MONITORING_GROUP,
        Step.RECORD_SATISFACTION,
        Step.RECORD_ACCOUNTABILITY,
        Step.MANAGE_SESSIONS,
        Step.IMPORT_ROSTER,
        Step.CONFIGURE_CALENDAR,
        Step.GRANT_ROLES,
    ),
    Role.PARTY_OFFICE: (Step.REVIEW_BY_PARTY, Step.APPROVE_SLATE),
    Role.DEPARTMENT: OFFICE_STEPS,
    Role.DEPUTY: (Step.CAST_BALLOT, Step.SUBMIT_SUGGESTION),
    Role.TELLER: (Step.ENTER_PAPER_COUNT, Step.COUNT_BALLOTS),
    Role.SUPERVISOR: (),
}

MONITORING_GROUP_STEPS = PROJECT_STEPS

# Roles whose reading scope includes the sub-jurisdictions.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR})

# Roles that run a vote and so may not count it (separation of duties): a teller who also
# holds one of these in the jurisdiction may not set a counting key or enter a count.
SESSION_RUNNING_ROLES = frozenset({Role.CONGRESS_OFFICE})

# Roles the roster import may give: it creates people and deputies, never offices.
IMPORTABLE_ROLES = frozenset({Role.DEPUTY})

# Roles held on an office rather than a whole jurisdiction.
OFFICE_ROLES = frozenset({Role.DEPARTMENT})


def steps_for(role: Role | str) -> tuple[Step, ...]:
    return ROLE_STEPS[Role(role)]


def perm(step: Step | str) -> str:
    """The app-qualified permission name of a step, as guardian and viewflow want it."""
    return f"core.{Step(step).value}"
