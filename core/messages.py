"""Messages users see when something they sent is refused.

Constants, so that tests assert against the very text a clerk reads (in Chinese by
default; these are the English message ids of the translation catalogue).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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

# roles and who may grant them
ROLE_SELF_GRANT = _("Nobody may grant or revoke a role of their own.")
ROLE_NOT_YOURS = _(
    "Roles of this jurisdiction are granted by an administrator or the congress office of "
    "the level above."
)
ROLE_IMPORT_OFFICE_HOLDER = _(
    "This account holds an office role: the roster import makes deputies only of people "
    "without one."
)
OUTCOME_BELONGS_TO_SESSION = _(
    "This project is on a voting session's slate: its result comes only from that session's "
    "announcement."
)
ROLE_REVOKE_NEEDS_REASON = _("Give the reason for taking the role back.")

# -- the voting area ------------------------------------------------------------------
# sessions and their rules
KIND_UNKNOWN = _("Choose a project vote or a satisfaction vote.")
PAPER_ONLY_FOR_SELECTION = _("Paper counting exists for the project vote only.")
NO_CONGRESS_DEPUTIES = _("This jurisdiction has no active deputies to vote.")
RULE_INVALID = _("The rule “%(field)s” is not valid: %(detail)s")
DEPUTIES_TOTAL_INVALID = _("The number of deputies must be a whole number of at least 1.")
SESSION_NOT_DRAFT = _("The rules and the slate can be changed only before the slate is approved.")
SLATE_EMPTY = _("The slate is empty: no project is available for this vote.")
SLATE_PROJECT_NOT_AVAILABLE = _("Project “%(title)s” cannot be put on this slate.")
SLATE_OUTSIDE_DIFFERENTIAL = _(
    "The slate is outside the differential ratio: (%(candidates)d − %(seats)d) / %(seats)d "
    "= %(ratio)s, but it must be between %(low)s and %(high)s."
)
RULES_NO_SLATE_FITS = _(
    "Projects to elect: %(seats)d. No whole number of candidates gives a differential ratio "
    "between %(low)s and %(high)s. Raise the upper ratio to at least %(needed)s, or elect "
    "%(other)d projects instead."
)
RULES_NO_SLATE_FITS_RAISE = _(
    "Projects to elect: %(seats)d. No whole number of candidates gives a differential ratio "
    "between %(low)s and %(high)s. Raise the upper ratio to at least %(needed)s."
)
DIFFERENTIAL_MIN_ABOVE_MAX = _(
    "The lower differential ratio is above the upper one: lower the first or raise the second."
)
ACCOUNT_BELOW_ABOVE_COMMEND = _(
    "Accountability would start above the commendation level: set “Accountability below” at "
    "or under “Commended at or above”."
)
CANDIDATES_EXACTLY = _("exactly %(n)d candidates")
CANDIDATES_BETWEEN = _("%(first)d to %(last)d candidates")
SLATE_ADD_CANDIDATES = ngettext_lazy(
    "Projects to elect: %(seats)d; the slate needs %(needs)s and has %(n)d. Add %(k)d more "
    "candidate, or change the number of projects to elect.",
    "Projects to elect: %(seats)d; the slate needs %(needs)s and has %(n)d. Add %(k)d more "
    "candidates, or change the number of projects to elect.",
    "k",
)
SLATE_REMOVE_CANDIDATES = ngettext_lazy(
    "Projects to elect: %(seats)d; the slate needs %(needs)s and has %(n)d. Remove %(k)d "
    "candidate, or change the number of projects to elect.",
    "Projects to elect: %(seats)d; the slate needs %(needs)s and has %(n)d. Remove %(k)d "
    "candidates, or change the number of projects to elect.",
    "k",
)
SLATE_NO_SIZE_FITS = _("No slate fits the rules as they stand: change the rules first.")
CATEGORY_RULE_IMPOSSIBLE = _(
    "Each ballot must approve a project of every category, the slate has %(categories)d "
    "categories, and a ballot may approve at most %(max)d projects: no ballot could be valid. "
    "Raise the most approvals on one ballot to at least %(categories)d, or drop the rule of "
    "one project per category."
)
SLATE_NEEDS_COMMENT = _("Give your comments when returning the slate.")
SESSION_NOT_READY_TO_OPEN = _("Voting can be opened only once the slate has been approved.")
ATTENDANCE_LOCKED = _("Attendance can be recorded only before voting opens.")
ATTENDANCE_NOT_A_DEPUTY = _("Only this jurisdiction's active deputies can be marked present.")
PRESENT_ABOVE_TOTAL = _(
    "More deputies are marked present (%(present)d) than the congress has (%(total)d)."
)
QUORUM_NOT_PRESENT = _(
    "More than half of the deputies must be present to vote: %(present)d of %(total)d present."
)
SESSION_NOT_OPEN_TO_CLOSE = _("Only an open session can be closed.")
SESSION_NOT_CLOSED = _("The result can be announced only after voting has closed.")
SESSION_STEP_NOT_AVAILABLE = _("This step is not open for this session now.")

# ballots
BALLOT_NOT_OPEN = _("Voting is not open for this session: your ballot was not accepted.")
BALLOT_PAPER_SESSION = _("This session votes on paper ballots.")
BALLOT_NOT_A_DEPUTY = _("Only a deputy of this congress can cast a ballot.")
BALLOT_NOT_PRESENT = _("You are not marked present at this session, so you cannot vote.")
BALLOT_ALREADY_CAST = _("You have already cast your ballot in this session; it cannot be changed.")
BALLOT_MALFORMED = _("The ballot could not be read; it was not accepted.")
BALLOT_NOT_ON_SLATE = _("The ballot names a project that is not on the slate; it was not accepted.")
BALLOT_MARK_NOT_ALLOWED = _(
    "The ballot holds a mark that is not allowed in this vote; it was not accepted."
)
BALLOT_TOO_MANY_APPROVALS = _(
    "You may approve at most %(max)d projects; this ballot approves %(count)d. It was not accepted."
)
BALLOT_CATEGORY_MINIMUM = _(
    "Approve at least one project in each category (missing: %(categories)s). "
    "The ballot was not accepted."
)
BALLOT_INVALID = _("The ballot is not valid under this session's rules; it was not accepted.")

# paper counts
PAPER_NOT_PAPER = _("This session is voted electronically; there is no paper count to enter.")
PAPER_NOT_CLOSED = _("Paper counts are entered after voting has closed, before the announcement.")
PAPER_THIRD_TELLER = _("Two tellers have already entered counts for this session.")
PAPER_COUNT_INVALID = _("Enter whole numbers of at least 0.")
PAPER_ENTRIES_MISSING = _(
    "Both tellers must enter their counts before the result can be announced."
)
PAPER_TELLERS_DISAGREE = _(
    "The two tellers' counts differ (teller_mismatch); they must recount and correct their "
    "entries before the result can be announced."
)

# results and exports
NOT_ANNOUNCED = _("The ballots can be downloaded only after the announcement.")

# four eyes and sealed ballots
SLATE_APPROVER_IS_BUILDER = _(
    "Whoever built or created a slate may not approve it: the Party committee office does."
)
TELLER_RUNS_SESSION = _(
    "Whoever runs a vote may not count it: the tellers are people who do not manage the session."
)
TELLER_KEY_TOO_SHORT = _("A counting passphrase needs at least %(min)d characters.")
TELLER_KEY_MISMATCH = _("The two passphrases differ; type the same passphrase twice.")
TELLER_KEY_NOT_NOW = _("Counting keys are set before voting opens.")
TELLER_KEY_PAPER = _("A paper vote has no counting keys.")
TELLERS_TOO_FEW = _(
    "Voting can open only when at least %(needed)d tellers have set their counting keys "
    "(%(count)d have): any %(k)d of them must be able to count, and one forgotten passphrase "
    "must not lose the vote."
)
TELLERS_NEEDED_INVALID = _("At least 2 tellers must be needed to count.")
COUNT_NOT_NOW = _("The ballots are opened after voting has closed, before the announcement.")
COUNT_PASSPHRASES_WRONG = _("The passphrase of %(names)s does not open their key.")
COUNT_TOO_FEW_PASSPHRASES = _(
    "%(k)d tellers' passphrases are needed to open the ballots; %(given)d opened their keys. "
    "Nothing was changed: try again with another teller, or count on paper."
)
PAPER_FALLBACK_NEEDS_REASON = _("Say why the ballots are counted on paper.")
PAPER_FALLBACK_NOT_NOW = _(
    "The paper count replaces the electronic count only after voting has closed and before "
    "the ballots are opened."
)
PAPER_SAME_TELLER = _("The two counts must be entered by two different tellers.")
BALLOTS_CHANGED_SINCE_COUNT = _(
    "The stored ballots no longer match those the tellers opened; the result was not "
    "announced. Tell the congress office and check the decision log."
)
COUNT_CONFIRM_NOT_NOW = _(
    "The count is confirmed after the tellers have opened the ballots, before the "
    "announcement, once."
)
COUNT_NOT_CONFIRMED = _(
    "A teller must check and confirm the count before the result can be announced."
)
TRACKER_NOT_FOUND = _("No ballot has this tracker. Check it and try again.")
BALLOTS_NOT_YOURS = _(
    "The individual ballots go only to the session's tellers and the congress office; "
    "everyone else sees the totals."
)
