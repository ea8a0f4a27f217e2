"""What every view of API v1 shares: authentication, scopes, throttles, JSON only, the
error shape, pagination, and a schema that describes every error."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import pagination, parsers, renderers
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from core.models.api import ApiScope

from .auth import HasScope, TokenAuthentication
from .errors import BODY_TOO_LARGE, REQUEST_TOO_LARGE, ApiError, ErrorSerializer, exception_handler
from .throttles import THROTTLES, wait_for

# Statuses every operation may answer, and those that depend on what it does.
ALWAYS = ("401", "403", "404", "406", "429")
WITH_INPUT = ("400",)
WITH_BODY = ("413", "415")


class Pagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class V1Schema(AutoSchema):
    """drf-spectacular's schema plus the error responses of every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = list(ALWAYS)
        has_params = bool(self.get_filter_backends()) or self._is_list_view()
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [*WITH_INPUT, *WITH_BODY, "409", "422"]
        elif has_params or getattr(self.view, "has_query_input", False):
            codes += WITH_INPUT
        if getattr(self.view, "may_conflict", False):
            codes.append("409")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses


class V1View(APIView):
    """Base of every API v1 view."""

    # The token first: its WWW-Authenticate header makes an anonymous call a 401.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    required_scope = ApiScope.READ
    throttle_classes = THROTTLES
    parser_classes = [parsers.JSONParser]
    renderer_classes = [renderers.JSONRenderer]
    schema = V1Schema()

    # A JSON body larger than this is refused before it is read (413).
    max_body_bytes = 256 * 1024

    def get_exception_handler(self):
        return exception_handler

    def check_throttles(self, request):
        """Every limit of the request counted at once (one round trip to Redis)."""
        wait = wait_for(request, self, self.get_throttles())
        if wait is not None:
            self.throttled(request, wait)

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise ApiError(REQUEST_TOO_LARGE, BODY_TOO_LARGE, status_code=413)
        super().initial(request, *args, **kwargs)
