"""Idempotency keys: a creating request sent twice with the same key creates once.

The client (the hotline, a liaison-station app) sends ``Idempotency-Key: <its own id>``
with each POST that creates something. The first request's answer is stored with the key
in the same transaction as what it created; the same request again (same key, same body)
gets that answer back, with ``Idempotent-Replayed: true``. The same key with another body
is refused (422). Two requests racing with one key: the second waits on the key's unique
index and then replays the first one's answer. A refused request stores nothing, so it
can be corrected and sent again with the same key.
"""

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from core.models.api import IdempotencyKey

from .auth import token_of
from .errors import (
    IDEMPOTENCY_IN_PROGRESS,
    IDEMPOTENCY_KEY_REQUIRED,
    IDEMPOTENCY_KEY_REUSED,
    ApiError,
)

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,100}$"
KEY_REQUIRED = _("Send an Idempotency-Key header (8–100 letters, digits, _ . : -).")
KEY_REUSED = _("This Idempotency-Key was already used for a different request.")
KEY_IN_PROGRESS = _("A request with this Idempotency-Key is still being processed.")

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    pattern=KEY_PATTERN,
    description="Your own id of this request: sent again, it creates nothing new.",
)


def _principal(request) -> str:
    token = token_of(request)
    return f"token:{token.pk}" if token else f"user:{request.user.pk}"


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise ApiError(IDEMPOTENCY_KEY_REUSED, KEY_REUSED, status_code=422, field=HEADER)
    return Response(
        stored.response, status=stored.status_code, headers={"Idempotent-Replayed": "true"}
    )


def once(request, create) -> Response:
    """Run `create()` (returns status, body, created object) once per key."""
    key = request.headers.get(HEADER, "")
    if not re.fullmatch(KEY_PATTERN, key):
        raise ApiError(IDEMPOTENCY_KEY_REQUIRED, KEY_REQUIRED, field=HEADER)
    principal = _principal(request)
    fingerprint = _fingerprint(request)
    stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
    if stored is not None:
        return _replay(stored, fingerprint)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    principal=principal, key=key, request_hash=fingerprint, status_code=0
                )
        except IntegrityError:  # a twin took the key (and, on PostgreSQL, has committed)
            row = None
        if row is not None:
            status, body, created = create()
            row.status_code, row.response, row.suggestion = status, body, created
            row.save(update_fields=["status_code", "response", "suggestion"])
            return Response(body, status=status)
    stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
    if stored is None or not stored.status_code:
        raise ApiError(IDEMPOTENCY_IN_PROGRESS, KEY_IN_PROGRESS, status_code=409)
    return _replay(stored, fingerprint)
