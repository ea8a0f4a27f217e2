"""Messages users see in the voting area when something they sent is refused.

Constants, like core/messages.py, so that tests assert against the very text a deputy or
a clerk reads.
"""

from django.utils.translation import gettext_lazy as _

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
RECEIPT_NOT_FOUND = _("No ballot has this receipt code. Check the code and try again.")

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
