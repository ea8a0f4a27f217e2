"""A system's webhook subscriptions: subscribe its receiver to its jurisdiction's case
events, list them, see their deliveries, unsubscribe. Only a system's token subscribes
(a browser session has nothing to receive with). The signing secret is shown once."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.models import Jurisdiction
from core.models.api import WebhookDelivery, WebhookEvent, WebhookSubscription
from core.services import webhooks as services

from .auth import token_of
from .base import Pagination, V1View
from .errors import ApiError

TOKEN_ONLY = _("Webhooks belong to a system: call with its API token.")
UNKNOWN_JURISDICTION = _("No such jurisdiction.")


class SubscriptionIn(serializers.Serializer):
    url = serializers.URLField(max_length=300)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=3
    )
    jurisdiction = serializers.CharField(
        max_length=20, required=False, help_text="A code; the token's own when left out."
    )


class SubscriptionOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "jurisdiction", "active", "created"]


class SubscriptionCreated(SubscriptionOut):
    secret = serializers.CharField(help_text="The HMAC key of the signatures; shown only now.")

    class Meta(SubscriptionOut.Meta):
        fields = [*SubscriptionOut.Meta.fields, "secret"]


class DeliveryOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "last_status",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created",
        ]


def _token(request):
    token = token_of(request)
    if token is None:
        raise ApiError("permission_denied", TOKEN_ONLY, status_code=403)
    return token


def _subscription(request, pk) -> WebhookSubscription:
    sub = (
        WebhookSubscription.objects.filter(token=_token(request), pk=pk)
        .select_related("jurisdiction")
        .first()
    )
    if sub is None:
        raise Http404
    return sub


class SubscriptionListCreate(V1View):
    """This system's subscriptions; subscribing a receiver."""

    @extend_schema(responses=SubscriptionOut(many=True), operation_id="webhooks_list")
    def get(self, request):
        subs = WebhookSubscription.objects.filter(token=_token(request)).select_related(
            "jurisdiction"
        )
        return Response(SubscriptionOut(subs, many=True).data)

    @extend_schema(
        request=SubscriptionIn,
        responses={201: SubscriptionCreated},
        operation_id="webhooks_create",
    )
    def post(self, request):
        token = _token(request)
        incoming = SubscriptionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        jurisdiction = token.jurisdiction
        if data.get("jurisdiction"):
            jurisdiction = Jurisdiction.objects.filter(code=data["jurisdiction"]).first()
            if jurisdiction is None:
                raise ApiError("invalid", UNKNOWN_JURISDICTION, field="jurisdiction")
        sub, secret = services.webhook_subscribe(
            actor=request.user,
            token=token,
            jurisdiction=jurisdiction,
            url=data["url"],
            events=data["events"],
        )
        body = SubscriptionOut(sub).data
        body["secret"] = secret
        return Response(body, status=201)


class SubscriptionDetail(V1View):
    """One subscription; unsubscribing it."""

    @extend_schema(responses=SubscriptionOut, operation_id="webhooks_retrieve")
    def get(self, request, pk):
        return Response(SubscriptionOut(_subscription(request, pk)).data)

    @extend_schema(responses={204: None}, operation_id="webhooks_destroy")
    def delete(self, request, pk):
        sub = _subscription(request, pk)
        if sub.active:
            services.webhook_unsubscribe(actor=request.user, subscription=sub)
        return Response(status=204)


class DeliveryList(V1View):
    """A subscription's deliveries, newest first: what was sent, what is still pending."""

    pagination_class = Pagination

    @extend_schema(responses=DeliveryOut(many=True), operation_id="webhooks_deliveries")
    def get(self, request, pk):
        sub = _subscription(request, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            sub.deliveries.order_by("-created", "-pk"), request, view=self
        )
        return paginator.get_paginated_response(DeliveryOut(page, many=True).data)
