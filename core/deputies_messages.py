"""Messages users see in the deputies' area (duty record, stations, routing, the weeks
before the vote) when something they sent is refused. Constants, so that tests assert the
very text a clerk, deputy or resident reads."""

from django.utils.translation import gettext_lazy as _

SUGGESTION_EMPTY = _("Write the suggestion and give it a title.")
SUGGESTION_TOO_LONG = _("A suggestion is at most %(limit)d characters.")
NOT_A_DEPUTY_HERE = _("Only a serving deputy of this jurisdiction may propose in their name.")
STATION_NOT_FOUND = _("This liaison station does not exist or no longer takes suggestions.")
DEPUTY_NOT_FOUND = _("This deputy does not exist or no longer takes suggestions.")
STATION_OUTSIDE_JURISDICTION = _("The station and the deputy must belong to the same place.")

ROUTE_NOT_ALLOWED_NOW = _("Suggestion %(code)s has already been routed, merged or handled.")
ROUTE_NEEDS_COMMUNITY = _("Choose the community whose handler takes this micro-matter.")
COMMUNITY_OUTSIDE = _("Choose a community of this township or street.")
ROUTE_NEEDS_TOWNSHIP = _("Choose the township or street that takes this matter.")
TOWNSHIP_OUTSIDE = _("Choose a township or street of this county.")
ROUTE_NO_COUNTY_ABOVE = _("There is no county above this jurisdiction to send the matter to.")
ROUTE_NEEDS_NOTE = _("Say where the suggestion goes and why.")
HANDLED_NEEDS_NOTE = _("Say what was done; the proposer reads it on the receipt page.")
NOT_IN_YOUR_QUEUE = _("This suggestion is not in your queue.")

SPECIAL_NO_ROWS = _("The file has no projects in it.")
SPECIAL_ROW_ERROR = _("Row %(row)d: %(error)s")
SPECIAL_TITLE_MISSING = _("the project name is missing")
SPECIAL_BAD_INVESTMENT = _("the investment must be a number of 10k yuan, not negative")
SPECIAL_BAD_FILE = _("Upload the list as an Excel (.xlsx) or CSV file with a header row.")
SPECIAL_TOO_MANY = _("At most %(limit)d projects can be imported at once.")

POINTS_NEGATIVE = _("Points cannot be negative (%(source)s).")
POINTS_TOO_LARGE = _("Points are at most %(limit)s per item (%(source)s).")
POINTS_UNKNOWN_SOURCE = _("Unknown item of the duty record: %(source)s.")

CANDIDATE_NOT_PUBLISHED = _(
    "This candidate is not published for comment; comments cannot be taken on it."
)
COMMENT_EMPTY = _("Write your comment and give your name.")
COMMENT_TOO_LONG = _("A comment is at most %(limit)d characters.")
COMMENT_ALREADY_MODERATED = _("This comment has already been moderated.")
REJECTION_NEEDS_NOTE = _("Say why the comment is not published.")

REVIEW_UNKNOWN_DELEGATION = _("Choose one of this congress's delegations.")
REVIEW_ALREADY_RECORDED = _(
    "The pre-deliberation of this delegation on this candidate is already recorded."
)
REVIEW_PRESENT_OUT_OF_RANGE = _(
    "The number present must be between 1 and the delegation's %(size)d deputies."
)
REVIEW_NEEDS_OPINIONS = _("Write the delegation's opinions when it has remarks or reservations.")
REVIEW_NOT_CANDIDATE = _("Only a candidate awaiting the vote is pre-deliberated.")

MERGE_NEEDS_TWO = _("Choose at least one suggestion of the group to merge.")
MERGE_NOT_AVAILABLE = _("Suggestion %(code)s can no longer be merged.")
COMMUNITY_NAME_MISSING = _("Give the community's name.")
COMMUNITY_EXISTS = _("This township or street already has a community of this name.")
HANDLER_WITHOUT_ROLE = _("The handler must hold the community handler's role here.")
SEATS_OUTSIDE_NORM = _(
    "%(seats)d seats: a %(level)s congress usually elects %(low)d to %(high)d projects."
)
SPECIAL_SHARE_NOT_MET = _(
    "Only %(special)d of the %(total)d candidates come from the special collection; "
    "at least %(required)s %% are required."
)
SLATE_NOT_AGREED = _(
    "The slate must be signed by the government and congress offices before the Party "
    "review; missing: %(offices)s."
)
SLATE_NOT_DRAFT = _("The slate can be signed only while the session is a draft.")
SLATE_NOTHING_TO_SIGN = _("Build the slate first.")
SLATE_ALREADY_SIGNED = _("Your office has already signed this slate.")
SLATE_ONE_SIGNATURE_EACH = _("One person cannot sign the slate for both offices.")
SPECIAL_SHARE_OUT_OF_RANGE = _("The share is a number between 0 and 1 (e.g. 0.2 for 20 %).")
MATERIALS_MEETING_PAST = _("The session's date cannot be in the past.")
MATERIALS_LATE = _(
    "The materials reached the deputies only %(days)d days before the session; a week is the rule."
)
