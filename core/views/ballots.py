"""The deputy's ballot: mark → confirm → cast → tracker; and checking a tracker.

Nothing is kept between requests: the marks travel in the confirm form. Every request and
response of the ballot has a length that does not depend on the marks, so neither the
access log nor an observer of the encrypted traffic's sizes learns them:

* each candidate's mark travels as a code of fixed length (``MARK_CODES``), and every
  candidate always sends one (a default "not marked" choice is checked to begin with);
* the confirm page pads each mark's label to the byte length of the longest label;
* the cast answers with the tracker, whose length is fixed.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from core import messages as vm
from core.selectors import voting as selectors
from core.services import voting as services
from core.views.form_errors import error_text
from core.voting.rules import APPROVE_ONLY, SCORE_100
from flows import voting_forms as forms

MARK_LABELS = {
    "yes": gettext_lazy("For"),
    "no": gettext_lazy("Against"),
    "abstain": gettext_lazy("Abstain"),
    "satisfied": gettext_lazy("Satisfied"),
    "basic": gettext_lazy("Basically satisfied"),
    "unsatisfied": gettext_lazy("Unsatisfied"),
    None: gettext_lazy("Not marked"),
}
# One character per mark ("-": not marked); scores travel as three digits ("---": none).
MARK_CODES = {
    "Y": "yes",
    "N": "no",
    "A": "abstain",
    "S": "satisfied",
    "B": "basic",
    "U": "unsatisfied",
}
CODE_OF = {mark: code for code, mark in MARK_CODES.items()}
NOT_MARKED = "-"
NO_SCORE = "---"


def mark_code(mark) -> str:
    if isinstance(mark, int):
        return f"{mark:03d}"
    return CODE_OF.get(mark, NOT_MARKED)


def marks_from_post(post, *, score: bool) -> dict:
    """The marks of a posted ballot: one field ``c_<candidate id>`` per candidate, each a
    fixed-length code. A field the page cannot have sent is refused, not repaired, so a
    tampered ballot never counts."""
    marks = {}
    for key in post:
        if not key.startswith("c_"):
            continue
        values = post.getlist(key)
        if len(values) != 1:
            raise ValidationError({"marks": vm.BALLOT_MALFORMED})
        value = values[0]
        if value in (NOT_MARKED, NO_SCORE):
            continue
        if score:
            if len(value) != 3 or not value.isdigit():
                raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
            marks[key[2:]] = int(value)
        elif value in MARK_CODES:
            marks[key[2:]] = MARK_CODES[value]
        else:
            raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
    return marks


def _choices(session) -> list:
    rules = session.rules
    if session.is_selection:
        if rules.get("mode") == APPROVE_ONLY:
            return ["yes", None]
        return ["yes", "no", "abstain"]
    if rules.get("scale") == SCORE_100:
        return []
    return ["satisfied", "basic", "unsatisfied", None]


def _padded_label(mark, longest: int) -> str:
    label = str(MARK_LABELS.get(mark, mark if mark is not None else MARK_LABELS[None]))
    return label, " " * (longest - len(label.encode("utf-8")))


def ballot_context(session, marks=None, error=None):
    candidates = list(selectors.candidates_of(session))
    rules = session.rules
    marks = marks or {}
    score = rules.get("scale") == SCORE_100
    choices = _choices(session)
    default = "abstain" if session.is_selection and None not in choices else None
    labels = [str(MARK_LABELS[c]) for c in choices] or [str(MARK_LABELS[None]), "100"]
    longest = max(len(label.encode("utf-8")) for label in labels)
    items = []
    for candidate in candidates:
        mark = marks.get(candidate.ballot_id, default)
        label, pad = _padded_label(mark, longest)
        items.append(
            {
                "candidate": candidate,
                "field": f"c_{candidate.ballot_id}",
                "mark": mark,
                "code": mark_code(mark) if not (score and mark is None) else NO_SCORE,
                "mark_label": label,
                "pad": pad,
                "choices": [
                    (mark_code(c), MARK_LABELS[c], c == mark, c or "none") for c in choices
                ],
                "scores": [(f"{n:03d}", n, mark == n) for n in range(100, -1, -1)] if score else [],
            }
        )
    categories = []
    for candidate in candidates:
        if candidate.category not in categories:
            categories.append(candidate.category)
    return {
        "session": session,
        "items": items,
        "error": error,
        "approve_only": rules.get("mode") == APPROVE_ONLY,
        "score": score,
        "no_score": NO_SCORE,
        "max_approvals": rules.get("max_approvals"),
        "min_per_category": rules.get("min_per_category"),
        "categories": categories,
        "msg_too_many": vm.BALLOT_TOO_MANY_APPROVALS,
        "msg_category": vm.BALLOT_CATEGORY_MINIMUM,
    }


@login_required
def ballot_list(request):
    return render(
        request,
        "voting/ballot_list.html",
        {"sessions": selectors.ballot_sessions_for_user(request.user)},
    )


@never_cache
@login_required
def ballot(request, pk):
    """Mark → confirm → cast → tracker. Every step answers from the posted marks only."""
    session = selectors.ballot_session_for_user(request.user, pk)
    if request.method != "POST":
        try:
            services.ballot_precheck(actor=request.user, session=session, marks={})
        except services.BallotRefused as refused:
            return render(
                request,
                "voting/ballot_closed.html",
                {"session": session, "message": refused.message},
            )
        except ValidationError:
            pass  # the empty ballot may break a rule; the deputy has not marked yet
        return render(request, "voting/ballot.html", ballot_context(session))

    action = request.POST.get("action", "review")
    score = session.rules.get("scale") == SCORE_100
    try:
        marks = marks_from_post(request.POST, score=score)
        if action == "edit":
            return render(request, "voting/ballot.html", ballot_context(session, marks))
        if action == "cast":
            tracker = services.ballot_cast(actor=request.user, session=session, marks=marks)
            return render(
                request, "voting/ballot_receipt.html", {"session": session, "tracker": tracker}
            )
        services.ballot_precheck(actor=request.user, session=session, marks=marks)
    except services.BallotRefused as refused:
        return render(
            request,
            "voting/ballot_closed.html",
            {"session": session, "message": refused.message},
            status=refused.status,
        )
    except ValidationError as error:
        return render(
            request,
            "voting/ballot.html",
            ballot_context(session, {}, error=error_text(error)),
            status=400,
        )
    return render(request, "voting/ballot_confirm.html", ballot_context(session, marks))


@never_cache
@login_required
def tracker_check(request):
    """Was my ballot counted? The tracker is posted, never put in the URL, and the answer
    is "counted", "received, still sealed" or "not found": never any marks."""
    form = forms.TrackerForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = services.tracker_status(form.cleaned_data["tracker"])
        if found is None:
            form.add_error("tracker", vm.TRACKER_NOT_FOUND)
    return render(
        request,
        "voting/receipt_check.html",
        {
            "form": form,
            "session": found[0] if found else None,
            "counted": found[1] if found else False,
        },
        status=400 if form.errors else 200,
    )
