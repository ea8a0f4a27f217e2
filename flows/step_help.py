"""What each step of a case is, in a sentence or two, shown beside its form: what the
step decides, who does it (named for the case at hand) and by when (its due date)."""

from django.utils.translation import gettext_lazy as _

STEP_HELP = {
    "assign_study": _(
        "The government office chooses the department that studies whether the project "
        "can be done, and the unit that would lead it if elected."
    ),
    "study_feasibility": _(
        "The department studies the site, the cost and the rules, and concludes: feasible, "
        "or infeasible with a reason that goes back to whoever proposed it."
    ),
    "review_by_party": _(
        "The Party committee reviews the candidate on the study's conclusion: approve it "
        "for the congress vote, return it for further study, or reject it."
    ),
    "submit_plan": _(
        "Within a month of the vote the lead unit sets out how the project is delivered: "
        "targets, budget and fund source, milestones, deadline and the person responsible."
    ),
    "assign_monitoring_group": _(
        "The congress office chooses the deputies who supervise this project, by expertise; "
        "they sign off its reports and its acceptance."
    ),
    "submit_report": _(
        "Every quarter the lead unit reports progress, funds spent, milestones reached and "
        "problems; the monitoring group reviews it."
    ),
    "review_report": _(
        "A member of the monitoring group, on the group's behalf, signs the report off or "
        "returns it with opinions that the lead unit must answer one by one."
    ),
    "answer_opinions": _(
        "The lead unit answers each of the monitoring group's opinions, with a file where "
        "it helps; the report then goes back to the group."
    ),
    "accept_completion": _(
        "The monitoring group inspects the finished project and accepts it, or asks for "
        "rectification; after acceptance the deputies rate it at year end."
    ),
    "record_accountability": _(
        "Below 60 percent satisfaction the lead unit's head explains before the standing "
        "committee and answers questions; the congress office records the hearing."
    ),
}
