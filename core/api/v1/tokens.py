"""What a system's token may do: GET /api/v1/tokens/me/. Tokens are issued and revoked
by an administrator (Django admin, or `manage.py api_token`), never through the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.models.api import ApiToken

from .auth import token_of
from .base import V1View
from .errors import ApiError

NOT_A_TOKEN = _("This request carries no API token.")


class TokenOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    user = serializers.CharField(source="user.username")
    scopes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ApiToken
        fields = ["name", "prefix", "user", "jurisdiction", "scopes", "created", "last_used_at"]


class TokenMe(V1View):
    """The calling token: its system, account, jurisdiction and scopes (any scope)."""

    required_scope = None

    @extend_schema(responses=TokenOut, operation_id="tokens_me")
    def get(self, request):
        token = token_of(request)
        if token is None:
            raise ApiError("permission_denied", NOT_A_TOKEN, status_code=403)
        return Response(TokenOut(token).data)
