"""A deputy's ballot through the API, with exactly the web ballot's secrecy.

* The ballot is cast by the web ballot's service (`ballot_cast`): checked by the rules,
  sealed to the session's key before it is written, one per deputy; the answer is the
  tracker.
* The request's size does not depend on the marks: every candidate on the slate carries
  one mark, each written as the web ballot's fixed-length code (``Y``/``N``/``A``,
  ``S``/``B``/``U``, ``-`` not marked; a score as three digits, ``---`` none). A client
  may add ``pad`` (spaces, at most 4,096) of a length of its own choosing.
* Every answer of the cast, accepted or refused, is exactly `BALLOT_BYTES` long (ASCII
  JSON padded with spaces) and is not cached: neither the access log nor an observer of
  the encrypted traffic's sizes learns the marks or why a ballot was refused.

A token needs the ``vote`` scope and must act as the deputy's own account.
"""

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core import messages as vm
from core.models import Jurisdiction
from core.models.api import ApiScope
from core.models.voting import VotingSession
from core.selectors import voting as selectors
from core.selectors.cast_reads import open_slate
from core.services import voting as services
from core.views.ballots import CODE_OF, MARK_CODES, NO_SCORE, NOT_MARKED, _choices
from core.voting.rules import SCORE_100

from .auth import token_reaches
from .base import V1View
from .errors import _body
from .throttles import BALLOT_THROTTLES

BALLOT_BYTES = 1024
MAX_PAD = 4096
BALLOT_REFUSED = "ballot_refused"
PADDING_TOO_LONG = _("The padding may hold at most 4,096 spaces.")


class BallotCandidate(serializers.Serializer):
    id = serializers.CharField(help_text="The key of this candidate's mark.")
    title = serializers.CharField()
    category = serializers.CharField()


class BallotOut(serializers.Serializer):
    session = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    rules = serializers.DictField()
    codes = serializers.ListField(
        child=serializers.CharField(),
        help_text='The mark codes this ballot takes ("-" not marked; or "000"–"100", "---").',
    )
    candidates = BallotCandidate(many=True)


class BallotIn(serializers.Serializer):
    marks = serializers.DictField(
        child=serializers.CharField(min_length=1, max_length=3),
        help_text="Every candidate's id → its mark code.",
    )
    pad = serializers.RegexField(r"^ *$", max_length=MAX_PAD, required=False)


class BallotCast(serializers.Serializer):
    session = serializers.IntegerField()
    tracker = serializers.CharField(help_text="The receipt: check later that it was counted.")
    pad = serializers.CharField()


def _reach(request, session: VotingSession) -> None:
    """Http404 for a session outside the token's reach."""
    # the jurisdiction's path is read with the session; the rest of it is not needed
    where = Jurisdiction(pk=session.jurisdiction_id, path=session.jurisdiction_path)
    if not token_reaches(request, where):
        raise Http404


def _session(request, pk) -> VotingSession:
    session = selectors.ballot_session_for_user(request.user, pk)
    _reach(request, session)
    return session


def _score(session) -> bool:
    return session.rules.get("scale") == SCORE_100


def _codes(session) -> list[str]:
    if _score(session):
        return [NO_SCORE, *(f"{n:03d}" for n in range(101))]
    return [CODE_OF[c] for c in _choices(session) if c is not None] + [NOT_MARKED]


def marks_from_codes(session, ballot_ids, body) -> dict:
    """The marks of an API ballot: one code per candidate on the slate, nothing else (a
    ballot the client could not have built honestly is refused, not repaired)."""
    if not isinstance(body, dict) or not {"marks"} <= set(body) <= {"marks", "pad"}:
        raise ValidationError({"marks": vm.BALLOT_MALFORMED})
    pad = body.get("pad", "")
    if not isinstance(pad, str) or pad.strip(" ") or len(pad) > MAX_PAD:
        raise ValidationError({"pad": PADDING_TOO_LONG})
    codes = body["marks"]
    if not isinstance(codes, dict) or set(codes) != set(ballot_ids):
        raise ValidationError({"marks": vm.BALLOT_MALFORMED})
    marks = {}
    for candidate_id, code in codes.items():
        if code in (NOT_MARKED, NO_SCORE):
            continue
        if _score(session):
            if not isinstance(code, str) or len(code) != 3 or not code.isdigit():
                raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
            marks[candidate_id] = int(code)
        elif isinstance(code, str) and code in MARK_CODES:
            marks[candidate_id] = MARK_CODES[code]
        else:
            raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
    return marks


def padded(body: dict, status: int) -> HttpResponse:
    """ASCII JSON of exactly BALLOT_BYTES, whatever it says."""
    text = json.dumps({**body, "pad": ""}, ensure_ascii=True, separators=(",", ":"))
    room = BALLOT_BYTES - len(text)
    if room < 0:  # never with our messages; cut the message rather than leak a length
        body = {**body}
        body["error"] = {**body["error"], "message": body["error"]["message"][: room - 3]}
        text = json.dumps({**body, "pad": ""}, ensure_ascii=True, separators=(",", ":"))
        room = BALLOT_BYTES - len(text)
    text = json.dumps({**body, "pad": " " * room}, ensure_ascii=True, separators=(",", ":"))
    response = HttpResponse(text, status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _refusal(code: str, message, status: int, field=None) -> HttpResponse:
    return padded(_body(code, message, field), status)


class SessionBallot(V1View):
    """An open session's ballot: what to mark (GET), and casting it (POST)."""

    required_scope = ApiScope.VOTE
    max_body_bytes = 64 * 1024
    may_conflict = True
    # Per token and per user as everywhere; per address with a hall's limit: a congress
    # hall votes through one network, often one address, and its hundreds of deputies
    # must not be refused for it.
    throttle_classes = BALLOT_THROTTLES

    @extend_schema(responses=BallotOut, operation_id="sessions_ballot_retrieve")
    def get(self, request, pk):
        session = _session(request, pk)
        candidates = list(selectors.candidates_of(session))
        return Response(
            BallotOut(
                {
                    "session": session.pk,
                    "title": session.title,
                    "kind": session.kind,
                    "status": session.status,
                    "rules": session.rules,
                    "codes": _codes(session),
                    "candidates": [
                        {"id": c.ballot_id, "title": c.project.title, "category": c.category.code}
                        for c in candidates
                    ],
                }
            ).data
        )

    @extend_schema(
        request=BallotIn,
        responses={
            201: BallotCast,
            (400, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (403, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (409, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
        operation_id="sessions_ballot_cast",
        description="Cast the ballot. Every answer is exactly 1,024 bytes of JSON.",
    )
    def post(self, request, pk):
        def marks_of(session: VotingSession) -> dict:
            """The marks, once the cast has read the session (once, under its lock)."""
            _reach(request, session)
            # the slate's ids: an open vote's slate is fixed, and kept by the process
            ids = [c.ballot_id for c in open_slate(session)]
            return marks_from_codes(session, ids, request.data)

        try:
            tracker = services.ballot_cast(actor=request.user, session=pk, marks=marks_of)
        except services.BallotRefused as refused:
            code = {403: "permission_denied", 400: "invalid"}.get(refused.status, BALLOT_REFUSED)
            return _refusal(code, refused.message, refused.status)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            return _refusal("invalid", messages[0], 400, field)
        return padded({"session": int(pk), "tracker": tracker}, 201)
