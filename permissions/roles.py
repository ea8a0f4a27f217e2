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
    COMMUNITY_HANDLER = "community_handler"

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
    Role.COMMUNITY_HANDLER: _("Community handler"),
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
    # the supervision year: meetings, inspections, review opinions, changes, appraisal
    MANAGE_MEETINGS = "manage_meetings"
    RECORD_INSPECTION = "record_inspection"
    CHECK_OPINIONS = "check_opinions"
    PROPOSE_CHANGE = "propose_change"
    DECIDE_CHANGE = "decide_change"
    PLAN_PHASES = "plan_phases"
    ISSUE_APPRAISAL = "issue_appraisal"
    RECEIVE_APPRAISAL = "receive_appraisal"
    INSPECT_AS_GROUP = "inspect_as_group"
    # deputies' duty, residents' way in, the weeks before the vote (on the jurisdiction)
    SET_DUTY_POINTS = "set_duty_points"
    RANK_DEPUTIES = "rank_deputies"
    MANAGE_STATIONS = "manage_stations"
    HANDLE_COMMUNITY_MATTER = "handle_community_matter"
    IMPORT_SPECIAL_COLLECTION = "import_special_collection"
    COMMENT_ON_CANDIDATE = "comment_on_candidate"
    MODERATE_COMMENTS = "moderate_comments"
    RECORD_PRE_DELIBERATION = "record_pre_deliberation"
    AGREE_SLATE = "agree_slate"


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
    Step.MANAGE_MEETINGS,
    Step.RECORD_INSPECTION,
    Step.CHECK_OPINIONS,
    Step.PROPOSE_CHANGE,
    Step.DECIDE_CHANGE,
    Step.PLAN_PHASES,
    Step.ISSUE_APPRAISAL,
    Step.RECEIVE_APPRAISAL,
    Step.SET_DUTY_POINTS,
    Step.RANK_DEPUTIES,
    Step.MANAGE_STATIONS,
    Step.HANDLE_COMMUNITY_MATTER,
    Step.IMPORT_SPECIAL_COLLECTION,
    Step.COMMENT_ON_CANDIDATE,
    Step.MODERATE_COMMENTS,
    Step.RECORD_PRE_DELIBERATION,
    Step.AGREE_SLATE,
)
OFFICE_STEPS = (
    Step.STUDY_FEASIBILITY,
    Step.SUBMIT_PLAN,
    Step.SUBMIT_REPORT,
    Step.ANSWER_OPINIONS,
)
PROJECT_STEPS = (Step.REVIEW_REPORT, Step.ACCEPT_COMPLETION, Step.INSPECT_AS_GROUP)

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
    Step.MANAGE_MEETINGS: "Can plan and record supervision meetings",
    Step.RECORD_INSPECTION: "Can record inspections for the standing committee",
    Step.CHECK_OPINIONS: "Can check the answers to review opinions",
    Step.PROPOSE_CHANGE: "Can propose changes to an elected project",
    Step.DECIDE_CHANGE: "Can record the standing committee's decision on a change",
    Step.PLAN_PHASES: "Can plan the yearly phases of a multi-year project",
    Step.ISSUE_APPRAISAL: "Can issue the lead units' appraisal sheets",
    Step.RECEIVE_APPRAISAL: "Can receive the lead units' appraisal sheets",
    Step.INSPECT_AS_GROUP: "Can record inspections and the research report as monitoring group",
    Step.SET_DUTY_POINTS: "Can set the duty point table",
    Step.RANK_DEPUTIES: "Can see and export the deputies' duty ranking",
    Step.MANAGE_STATIONS: "Can manage liaison stations and their QR posters",
    Step.HANDLE_COMMUNITY_MATTER: "Can handle suggestions routed to a community",
    Step.IMPORT_SPECIAL_COLLECTION: "Can import special-collection investment projects",
    Step.COMMENT_ON_CANDIDATE: "Can comment on published candidates as a deputy",
    Step.MODERATE_COMMENTS: "Can moderate comments on candidates",
    Step.RECORD_PRE_DELIBERATION: "Can record delegations' pre-deliberation",
    Step.AGREE_SLATE: "Can sign the slate for one's office before the Party review",
}


def meta_permissions(steps) -> list[tuple[str, str]]:
    return [(step.value, STEP_LABELS[step]) for step in steps]


# The one table: which role may act on which step. Supervisors act on none: their wider
# reading scope is a selector filter, never a granted permission.
ROLE_STEPS: dict[Role, tuple[Step, ...]] = {
    Role.GOVERNMENT_OFFICE: (
        Step.ROUTE_SUGGESTION,
        Step.REGISTER_PROJECT,
        Step.ASSIGN_STUDY,
        Step.PROPOSE_CHANGE,
        Step.PLAN_PHASES,
        Step.IMPORT_SPECIAL_COLLECTION,
        Step.AGREE_SLATE,
    ),
    Role.CONGRESS_OFFICE: (
        Step.REGISTER_PROJECT,
        Step.ASSIGN_MONITORING_GROUP,
        Step.RECORD_SATISFACTION,
        Step.RECORD_ACCOUNTABILITY,
        Step.MANAGE_SESSIONS,
        Step.IMPORT_ROSTER,
        Step.CONFIGURE_CALENDAR,
        Step.GRANT_ROLES,
        Step.MANAGE_MEETINGS,
        Step.RECORD_INSPECTION,
        Step.CHECK_OPINIONS,
        Step.DECIDE_CHANGE,
        Step.ISSUE_APPRAISAL,
        Step.SET_DUTY_POINTS,
        Step.RANK_DEPUTIES,
        Step.MANAGE_STATIONS,
        Step.MODERATE_COMMENTS,
        Step.RECORD_PRE_DELIBERATION,
        Step.AGREE_SLATE,
    ),
    Role.PARTY_OFFICE: (Step.REVIEW_BY_PARTY, Step.APPROVE_SLATE, Step.RECEIVE_APPRAISAL),
    Role.DEPARTMENT: OFFICE_STEPS,
    Role.DEPUTY: (Step.CAST_BALLOT, Step.SUBMIT_SUGGESTION, Step.COMMENT_ON_CANDIDATE),
    Role.TELLER: (Step.ENTER_PAPER_COUNT, Step.COUNT_BALLOTS),
    Role.SUPERVISOR: (),
    # a community's handler (社区书记, 网格员), held on the township or street
    Role.COMMUNITY_HANDLER: (Step.HANDLE_COMMUNITY_MATTER,),
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
