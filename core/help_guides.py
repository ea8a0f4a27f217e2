"""The help pages' text: for each role, what it does and where its work appears.

The steps each role owns, and what each step is, come from the one role table
(permissions/roles.py) and the steps' own help (flows/step_help.py), so the help pages
cannot drift from what the system lets a role do.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from permissions.roles import MONITORING_GROUP_STEPS, ROLE_LABELS, Role, steps_for

RESIDENT = "resident"


@dataclass(frozen=True)
class Guide:
    key: str
    label: str
    summary: str
    where: tuple[str, ...]


GUIDES = {
    RESIDENT: Guide(
        RESIDENT,
        _("Resident"),
        _("Propose a livelihood project, follow what became of it, and read the public board."),
        (
            _("Open “Make a suggestion” on the home page: no account is needed."),
            _("Keep the receipt code shown after sending; “Follow my suggestion” shows its fate."),
            _("The public board lists the elected projects with their progress."),
        ),
    ),
    Role.GOVERNMENT_OFFICE: Guide(
        Role.GOVERNMENT_OFFICE,
        ROLE_LABELS[Role.GOVERNMENT_OFFICE],
        _("Route the suggestions, register projects from them and assign feasibility studies."),
        (
            _(
                "“Suggestions” lists what residents and deputies proposed; register a project "
                "from one or several of them there."
            ),
            _("“Queue” lists the studies waiting to be assigned; “Take” moves one to your inbox."),
        ),
    ),
    Role.DEPARTMENT: Guide(
        Role.DEPARTMENT,
        ROLE_LABELS[Role.DEPARTMENT],
        _(
            "Study feasibility; as a lead unit, plan the project, report every quarter and "
            "answer the monitoring group's opinions."
        ),
        (
            _(
                "“Queue” lists your office's open steps with their due dates; “Take” one, fill "
                "in the form and submit."
            ),
            _(
                "Each form shows what it decides on: the proposal, the vote, the report or "
                "the opinions to answer."
            ),
        ),
    ),
    Role.PARTY_OFFICE: Guide(
        Role.PARTY_OFFICE,
        ROLE_LABELS[Role.PARTY_OFFICE],
        _("Review the candidate projects on the feasibility study, and approve the slate."),
        (_("“Queue” lists the candidates waiting for the Party committee's review."),),
    ),
    Role.CONGRESS_OFFICE: Guide(
        Role.CONGRESS_OFFICE,
        ROLE_LABELS[Role.CONGRESS_OFFICE],
        _(
            "Run the vote, assign the monitoring groups, record the satisfaction vote and the "
            "accountability hearings, and keep the calendar."
        ),
        (
            _("“Queue” lists the monitoring groups to assign and the hearings to record."),
            _("“Voting sessions” prepares and runs the congress vote."),
            _("“Calendar” shows what falls due, and sets the due dates."),
        ),
    ),
    Role.DEPUTY: Guide(
        Role.DEPUTY,
        ROLE_LABELS[Role.DEPUTY],
        _(
            "Propose, vote, rate, and as a member of a monitoring group sign off the reports "
            "and accept the project."
        ),
        (
            _("“My ballot” opens the ballot while a vote is open."),
            _(
                "When you serve in a monitoring group, its reports and the acceptance appear "
                "in “Queue”; one member acts on the group's behalf."
            ),
        ),
    ),
    Role.TELLER: Guide(
        Role.TELLER,
        ROLE_LABELS[Role.TELLER],
        _("Enter and cross-check the counts of paper ballots."),
        (_("“Voting sessions” opens the count of a closed session."),),
    ),
    Role.SUPERVISOR: Guide(
        Role.SUPERVISOR,
        ROLE_LABELS[Role.SUPERVISOR],
        _("Watch every case of your jurisdiction and those below it; you act on none."),
        (
            _(
                "“Dashboard” gives the figures by year, jurisdiction and category; every "
                "figure opens the cases behind it."
            ),
            _(
                "“Process map” shows where the cases are, which steps are overdue and who is "
                "behind, by jurisdiction."
            ),
        ),
    ),
}


def step_names_of(key: str) -> list[str]:
    """The case steps a role does (a deputy's: as a monitoring group member)."""
    if key == RESIDENT:
        return []
    steps = list(steps_for(key))
    if key == Role.DEPUTY:
        steps += list(MONITORING_GROUP_STEPS)
    return [step.value for step in steps]
