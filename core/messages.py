"""Messages users see when something they sent is refused.

Constants, so that tests assert against the very text a clerk reads (in Chinese by
default; these are the English message ids of the translation catalogue).
"""

from django.utils.translation import gettext_lazy as _

REASON_REQUIRED_WHEN_INFEASIBLE = _(
    "State why the project is infeasible; the reason goes back to the proposers."
)
COMMENT_REQUIRED_WHEN_RETURNED = _("Give your comments when returning or rejecting a candidate.")
BUDGET_NEGATIVE = _("The budget cannot be negative.")
FUNDS_NEGATIVE = _("Funds spent cannot be negative.")
DEADLINE_BEFORE_VOTE = _("The deadline cannot be before the congress vote.")
MILESTONE_AFTER_DEADLINE = _("A milestone cannot fall after the project's deadline.")
MILESTONE_BEFORE_VOTE = _("A milestone cannot fall before the congress vote.")
MILESTONES_REQUIRED = _("List at least one milestone with its date.")
PROGRESS_OVER_100 = _("Progress cannot exceed 100 %.")
PROGRESS_BACKWARDS_NEEDS_REASON = _("Progress is lower than last reported; state the reason.")
COMPLETION_NEEDS_100 = _("A project can be reported complete only at 100 % progress.")
QUARTER_ALREADY_SIGNED_OFF = _("The report for this quarter has already been signed off.")
OPINION_REQUIRED_WHEN_RETURNED = _("Write the opinions the lead unit must answer.")
ANSWER_EVERY_OPINION = _("Answer every opinion before sending the report back for sign-off.")
ACCEPTANCE_NEEDS_OPINION = _("State what must be put right before acceptance.")
FILE_TYPE_NOT_ALLOWED = _("This file type is not allowed. Allowed: %(allowed)s.")
FILE_TOO_LARGE = _("The file is too large (at most %(limit)s MB).")
MONITORS_REQUIRED = _("Choose at least one deputy for the monitoring group.")
MONITOR_OUTSIDE_JURISDICTION = _("A monitoring group is made of this jurisdiction's deputies.")
MONITOR_WITHOUT_ACCOUNT = _("Deputy %(name)s has no user account and cannot sign off reports.")
DEPARTMENT_OUTSIDE_JURISDICTION = _("Choose a department of this jurisdiction.")
SUGGESTIONS_REQUIRED = _("Choose at least one suggestion of this jurisdiction.")
SUGGESTION_NOT_AVAILABLE = _("Suggestion %(code)s is not available for a new project.")
RATE_OUT_OF_RANGE = _("The satisfaction rate must be between 0 and 100.")
TASK_ALREADY_DONE = _("This step has already been completed by someone else; nothing was changed.")
TASK_TAKEN = _("This step has been taken by another user.")
TASK_BUSY = _("Someone else is completing this step right now; try again in a moment.")
TASK_NOT_ALLOWED = _("You may not act on this step.")
WRONG_STEP = _("This form does not belong to this step.")
COLLECTION_CLOSED = _("The suggestion form is closed: the collection window is not open.")
YEAR_OUT_OF_RANGE = _("Enter a year between 2000 and 2100.")
