"""Messages users see when a meeting, inspection, review opinion, change, phase, rating or
appraisal is refused. Constants, so that tests assert against the text a clerk reads."""

from django.utils.translation import gettext_lazy as _

# meetings
MEETING_KIND_NOT_FOR_LEVEL = _("This kind of meeting is not held in a %(level)s.")
MEETING_MID_YEAR_MONTHS = _("A mid-year meeting is held in July or August.")
MEETING_YEAR_END_MONTHS = _("A year-end council meeting is held in November or December.")
MEETING_DATE_OUTSIDE_YEAR = _("The meeting date must fall in the meeting's year.")
MEETING_QUARTERLY_LIMIT = _("A township holds two quarterly meetings a year; both are planned.")
MEETING_NO_PROJECTS = _("No project of this year is under way here: there is nothing to hear.")
MEETING_ALREADY_HELD = _("This meeting has already been recorded as held.")
MEETING_NOT_HELD = _("Record the meeting as held first.")
MEETING_HELD_IN_FUTURE = _("A meeting cannot be recorded as held on a future date.")
MEETING_NO_QUORUM = _(
    "No quorum: %(present)d of %(total)d deputies present; more than half must attend."
)
MEETING_ATTENDEE_OUTSIDE = _("Only this jurisdiction's deputies can attend its meeting.")
MEETING_MINUTES_REQUIRED = _("Write the minutes: what was heard and what was said.")
MEETING_TITLE_REQUIRED = _("Give the meeting a title.")
PROJECT_NOT_ON_AGENDA = _("This project was not on the meeting's agenda.")
MEETING_DOES_NOT_RATE = _("Projects are rated only at a mid-year meeting.")
SESSION_NOT_FOR_MEETING = _(
    "Choose a mid-year satisfaction vote of this jurisdiction and year for the meeting."
)
MID_YEAR_ONLY_SATISFACTION = _("Only a satisfaction vote can be a mid-year rating.")

# ratings
RATING_FIGURE_REQUIRED = _("Enter the satisfaction rate or the mean score.")
RATING_OUT_OF_RANGE = _("A rating is between 0 and 100.")
RATING_PROJECT_NOT_IMPLEMENTING = _("Only a project under way can be rated during the year.")
RATING_ALREADY_RECORDED = _("This project already has this rating for %(year)s.")
RATING_PROJECT_FINISHED = _(
    "This project was accepted: it is rated by the year-end satisfaction vote."
)
RATING_DATE_IN_FUTURE = _("A rating cannot be dated in the future.")

# inspections
INSPECTION_PROJECTS_REQUIRED = _("Choose at least one project of this jurisdiction.")
INSPECTION_FINDINGS_REQUIRED = _("Write what the inspection found.")
INSPECTION_DATE_IN_FUTURE = _("An inspection cannot be recorded before it took place.")
INSPECTION_DEPUTY_OUTSIDE = _("Only this jurisdiction's deputies can be listed as having gone.")
INSPECTION_GROUP_NOT_ALL = _("A monitoring group records inspections of its own projects only.")
GROUP_REPORT_ONE_PROJECT = _("A monitoring group's research report is on one project.")
GROUP_REPORT_BY_GROUP = _("The research report is written by the project's monitoring group.")
GROUP_REPORT_AFTER_RATING = _(
    "The research report comes before the year-end rating; this project is already rated."
)
GROUP_REPORT_EXISTS = _("This monitoring group has already written its research report.")
PROJECT_NOT_INSPECTED = _("This inspection did not look at this project.")
PHOTO_NOT_IMAGE = _("A photo must be a JPEG, PNG or WebP image.")
PHOTO_TOO_LARGE = _("The photo is too large (at most %(limit)s MB).")
PHOTOS_TOO_MANY = _("At most %(limit)s photos per inspection.")

# review opinions
OPINION_TEXT_REQUIRED = _("Write the opinion.")
OPINION_TEXT_TOO_LONG = _("An opinion is at most %(limit)s characters.")
OPINION_DUE_REQUIRED = _("Give the date by which the lead unit must answer.")
OPINION_DUE_IN_PAST = _("The answer cannot be due before the opinion is issued.")
OPINION_NO_LEAD_UNIT = _("This project has no lead unit to answer the opinion.")
OPINION_ANSWER_REQUIRED = _("Write the answer.")
OPINION_ALREADY_ANSWERED = _("This opinion has already been answered; nothing was changed.")
OPINION_NOT_ANSWERED = _("The opinion has not been answered yet.")
OPINION_ALREADY_CHECKED = _("This answer has already been checked.")
OPINION_RETURN_NEEDS_NOTE = _("Say why the answer is returned and when the new one is due.")
OPINION_NOT_REVIEW = _("This opinion is answered in the case's report step.")

# changes and phases
CHANGE_REASON_REQUIRED = _("State the reason for the change; it is published.")
CHANGE_NOTHING_ADJUSTED = _("An adjustment changes the content, targets, budget or deadline.")
CHANGE_PROJECT_NOT_ELECTED = _("Only an elected project that is not finished can be changed.")
CHANGE_ALREADY_OPEN = _("A change to this project is already waiting for a decision.")
CHANGE_REPLACEMENT_REQUIRED = _("Choose the project that replaces it.")
CHANGE_REPLACEMENT_INVALID = _("The replacement must be another project of this jurisdiction.")
CHANGE_DEADLINE_BEFORE_VOTE = _("The new deadline cannot be before the congress vote.")
CHANGE_NOT_PROPOSED = _("This change has already been decided; nothing was changed.")
CHANGE_DECISION_DATE_REQUIRED = _("Give the date of the decision.")
CHANGE_DECISION_IN_FUTURE = _("A decision cannot be dated in the future.")
CHANGE_REJECTION_NEEDS_NOTE = _("Say why the change is not approved.")
CHANGE_BODY_NOT_FOR_LEVEL = _("A %(level)s decides changes by its %(body)s.")
PHASE_TARGETS_REQUIRED = _("Give the phase's targets for its year.")
PHASE_YEAR_INVALID = _("A phase's year is the project's year or a later one (at most 5 years).")
PHASE_YEAR_EXISTS = _("This project already has a phase for %(year)s.")
PHASE_DEADLINE_OUTSIDE_YEAR = _("A phase's deadline falls in its year.")
PHASE_PROJECT_NOT_ELECTED = _("Phases are planned for an elected project that is not finished.")

# consequences
APPRAISAL_NOTHING_TO_APPRAISE = _("No elected project of %(year)s has a lead unit here.")
APPRAISAL_YEAR_NOT_RATED = _(
    "Not every project of %(year)s is rated yet: %(titles)s. Rate them (an unfinished "
    "project too) before the appraisal."
)
APPRAISAL_ALREADY_RECEIVED = _("This sheet has already been received.")
FOLLOW_UP_NEEDS_HEARING = _("A follow-up comes after the accountability hearing.")
FOLLOW_UP_REASON_REQUIRED = _("State the reason for the inquiry or the investigation.")
FOLLOW_UP_DATE_IN_FUTURE = _("A decision cannot be dated in the future.")
