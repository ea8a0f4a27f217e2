"""The ballot API: a logged-in deputy reads the ballot of an open session and casts it.

A refused ballot gets one clear message in ``detail`` and changes nothing: 400 for a
body that is not a valid ballot (tampered or malformed), 403 for someone who may not
vote here, 409 for a ballot the session cannot take now (not open, already cast).

The ballot is sealed exactly as the web ballot is, and the answer (the tracker) has a
fixed length. A client pads its request to a length of its own choosing with ``pad``
(spaces, at most 4,096), so that its size does not tell the marks.
"""

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import messages as vm
from core.selectors import voting as selectors
from core.services import voting as services


def _detail(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class BallotView(APIView):
    def get(self, request, pk):
        session = selectors.ballot_session_for_user(request.user, pk)
        return Response(
            {
                "session": session.pk,
                "title": session.title,
                "kind": session.kind,
                "status": session.status,
                "rules": session.rules,
                "candidates": [
                    {
                        "id": c.ballot_id,
                        "title": c.project.title,
                        "category": c.category.code,
                        "category_name": str(c.category),
                    }
                    for c in selectors.candidates_of(session)
                ],
            }
        )

    def post(self, request, pk):
        session = selectors.ballot_session_for_user(request.user, pk)
        body = request.data
        if (
            not isinstance(body, dict)
            or not {"marks"} <= set(body) <= {"marks", "pad"}
            or not isinstance(body.get("pad", ""), str)
            or len(body.get("pad", "")) > 4096
        ):
            return Response({"detail": str(vm.BALLOT_MALFORMED)}, status=400)
        try:
            tracker = services.ballot_cast(actor=request.user, session=session, marks=body["marks"])
        except services.BallotRefused as refused:
            return Response({"detail": str(refused.message)}, status=refused.status)
        except ValidationError as error:
            return Response({"detail": _detail(error)}, status=400)
        return Response({"session": session.pk, "tracker": tracker}, status=status.HTTP_201_CREATED)
