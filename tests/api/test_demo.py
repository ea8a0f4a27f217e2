"""The API area's demo: the systems' tokens (one revoked), the duty platform's
subscription and its deliveries waiting for a receiver that is not running."""

import pytest

from core.demo_api import build_api_demo
from core.models import AuditEntry
from core.models.api import ApiToken, DeliveryStatus, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_system_and_its_deliveries(world, make_case):
    make_case("qh-dh", to="party_review")
    build_api_demo(world)
    tokens = {t.name: t for t in ApiToken.objects.all()}
    assert tokens["12345 市民服务热线"].scopes == ["suggest"]
    assert tokens["东湖镇代表联络站 App"].scopes == ["read", "suggest", "act"]
    assert tokens["区人大代表履职平台（旧密钥）"].revoked_at is not None
    subscription = WebhookSubscription.objects.get()
    assert subscription.token == tokens["区人大代表履职平台"]
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    assert deliveries.count() >= 2
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1
    build_api_demo(world)  # again: nothing duplicated
    assert ApiToken.objects.count() == 4 and WebhookSubscription.objects.count() == 1
