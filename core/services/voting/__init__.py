"""Every write of a voting session, one function per state change, `<entity>_<verb>`.

By what it does: rules.py (the rules and the differential), sessions.py (creation to the
close of voting), tellers.py and sealing.py (counting keys and sealed ballots), ballots.py
(casting), counting.py (opening, paper counts, the announcement). The counting is the
engine's (core/voting): a session builds the engine's input document and stores its output
at the announcement, so ``manage.py tally`` on the exported ballots gives the announced
result.
"""

from .ballots import (
    ballot_cast,
    ballot_precheck,
    check_marks,
    engine_candidates,
    tracker_status,
)
from .confirmation import count_awaits_confirmation, session_confirm_count
from .counting import (
    ballots_export,
    paper_entries,
    paper_entry_submit,
    runoff_create,
    session_announce,
    session_count,
    session_document,
    session_fallback_to_paper,
)
from .guards import SELECTION_MARKS, BallotRefused, active_deputies, present_count
from .rules import (
    candidates_needed,
    category_rule_problem,
    check_slate_categories,
    check_slate_differential,
    no_slate_fits_message,
    normalise_rules,
    slate_differential_problem,
)
from .sessions import (
    check_slate_ready,
    eligible_projects,
    session_approve_slate,
    session_build_slate,
    session_close,
    session_create,
    session_open,
    session_record_attendance,
    session_set_rules,
    session_submit_slate,
)
from .tellers import session_tellers, teller_key_set

__all__ = [
    "SELECTION_MARKS",
    "BallotRefused",
    "active_deputies",
    "ballot_cast",
    "ballot_precheck",
    "ballots_export",
    "check_marks",
    "candidates_needed",
    "category_rule_problem",
    "check_slate_categories",
    "check_slate_differential",
    "check_slate_ready",
    "count_awaits_confirmation",
    "eligible_projects",
    "engine_candidates",
    "no_slate_fits_message",
    "normalise_rules",
    "paper_entries",
    "paper_entry_submit",
    "present_count",
    "runoff_create",
    "session_announce",
    "session_approve_slate",
    "session_build_slate",
    "session_close",
    "session_confirm_count",
    "session_count",
    "session_create",
    "session_document",
    "session_fallback_to_paper",
    "session_open",
    "session_record_attendance",
    "session_set_rules",
    "session_submit_slate",
    "session_tellers",
    "slate_differential_problem",
    "teller_key_set",
    "tracker_status",
]
