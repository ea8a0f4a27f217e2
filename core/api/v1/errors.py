"""Errors of API v1: always JSON, with a stable code, a message in the reader's language
(Accept-Language: zh-hans by default, en) and the offending field.

    {"error": {"code": "invalid", "message": "…", "field": "title",
               "fields": {"title": ["…"]}}}

`code` is for programs and never changes; `message` is for people; `field` names the
first field at fault (null when the request as a whole is refused); `fields` lists every
field's messages.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from core.services.steps import StepRefused

NOT_FOUND = _("Not found.")
BODY_TOO_LARGE = _("The request body is too large.")


class ApiError(exceptions.APIException):
    """A refusal with its own stable code (see the codes below)."""

    def __init__(self, code: str, message, *, status_code: int = 400, field: str | None = None):
        super().__init__(detail=str(message), code=code)
        self.status_code = status_code
        self.error_code = code
        self.message = message
        self.field = field


# -- codes of our own (DRF's: invalid, parse_error, not_authenticated,
# authentication_failed, permission_denied, not_found, method_not_allowed, not_acceptable,
# unsupported_media_type, throttled)
SCOPE_MISSING = "scope_missing"
STEP_REFUSED = "step_refused"
IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
REQUEST_TOO_LARGE = "request_too_large"
NOT_PUBLIC_YET = "not_public_yet"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, …")
    message = serializers.CharField(help_text="For people, in the language asked for.")
    field = serializers.CharField(allow_null=True, help_text="The first field at fault.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Every field at fault and its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error details as {"field" or "field.sub": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if key not in ("non_field_errors", "__all__") else ""
            name = f"{prefix}.{name}" if prefix and name else (name or prefix)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        for n, item in enumerate(detail):
            sub = f"{prefix}.{n}" if isinstance(item, dict | list) and prefix else prefix
            for k, v in _flatten(item, sub).items():
                out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix, []).append(str(detail))
    return out


def _body(code: str, message, field=None, fields=None) -> dict:
    return {
        "error": {
            "code": code,
            "message": str(message),
            "field": field or None,
            "fields": fields or {},
        }
    }


def _django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def exception_handler(exc, context):
    """Every refusal of API v1, in one shape."""
    if isinstance(exc, Http404):
        return Response(_body("not_found", NOT_FOUND), status=404)
    if isinstance(exc, RequestDataTooBig):
        return Response(_body(REQUEST_TOO_LARGE, BODY_TOO_LARGE), status=413)
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation(exc)
    if isinstance(exc, StepRefused):
        return Response(_body(STEP_REFUSED, exc.message), status=409)
    if isinstance(exc, PermissionDenied):
        message = exc.args[0] if exc.args else exceptions.PermissionDenied.default_detail
        return Response(_body("permission_denied", message), status=403)
    if isinstance(exc, ApiError):
        return Response(_body(exc.error_code, exc.message, exc.field), status=exc.status_code)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 (and its log), never a made-up answer
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", [str(exc)]))
        named = {k: v for k, v in fields.items() if k}
        return Response(
            _body("invalid", first[1][0], first[0], named),
            status=status.HTTP_400_BAD_REQUEST,
            headers=headers,
        )
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
    return Response(_body(code, detail), status=exc.status_code, headers=headers)


def not_found(request, *args, **kwargs):
    """Every address under /api/v1/ that names nothing: the same JSON 404."""
    from django.http import JsonResponse

    return JsonResponse(_body("not_found", NOT_FOUND), status=404)
