"""Messages a clerk sees on the inbox and the queue (constants, asserted by tests)."""

from django.utils.translation import gettext_lazy as _

CLAIM_NOTHING_CHOSEN = _("Tick the steps you want to take, then press “Take selected”.")
CLAIM_TOO_MANY = _("Take at most %(limit)s steps at once.")
CLAIM_MALFORMED = _("The steps sent are not valid; reload the queue and try again.")
CLAIM_TAKEN = _(
    "“%(step)s” of %(project)s was taken by someone else meanwhile; nothing was taken. "
    "Reload the queue and choose again."
)
CLAIM_NOT_ALLOWED = _("You may not take “%(step)s” of %(project)s; nothing was taken.")
CLAIM_BUSY = _("A case is being changed by someone else; nothing was taken. Try again.")
SEARCH_TOO_LONG = _("Search for at most %(limit)s characters.")
YEAR_OUT_OF_RANGE = _("Enter a year between %(low)s and %(high)s.")
