"""Events out: a system subscribes its receiver to its jurisdiction's case events and
gets signed deliveries, retried with back-off through the outbox; a dead receiver never
holds up a step, and once back it gets every event, once each."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.models.api import DeliveryStatus, WebhookDelivery
from core.services import webhooks
from core.services.api_tokens import api_token_revoke
from permissions.roles import Role

from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    r = Receiver().up()
    yield r
    r.down()


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: the deliveries' back-off is judged by it."""

    class Clock:
        now = timezone.now()

        def __call__(self):
            return self.now

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(webhooks, "clock", fake)
    return fake


@pytest.fixture
def city_dashboard(api, user_of):
    """The county's dashboard system: a token of the county supervisor, reading."""
    return api(user_of("qh", Role.SUPERVISOR), ("read",))


def _subscribe(client, url, events=("step.done", "report.submitted"), **extra):
    return client.post(reverse("v1-webhooks"), {"url": url, "events": list(events), **extra})


def _events(receiver):
    return [json.loads(body) for _headers, body in receiver.received]


def test_a_subscriber_gets_each_step_signed(
    city_dashboard, receiver, make_case, django_capture_on_commit_callbacks
):
    created = _subscribe(city_dashboard, receiver.url)
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert AuditEntry.objects.filter(action="webhook.subscribe").exists()
    listed = city_dashboard.get(reverse("v1-webhooks")).json()
    assert "secret" not in listed[0] and listed[0]["url"] == receiver.url
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case("qh-dh", to="study")  # a township below the county
    events = _events(receiver)
    assert [(e["event"], e["data"]["step"]) for e in events] == [("step.done", "assign_study")]
    headers, body = receiver.received[0]
    assert webhooks.signature_verify(secret, headers["X-Livelihood-Signature"], body)
    assert not webhooks.signature_verify("another-secret", headers["X-Livelihood-Signature"], body)
    assert not webhooks.signature_verify(secret, headers["X-Livelihood-Signature"], body + b" ")
    late = timezone.now() + timedelta(minutes=10)
    assert not webhooks.signature_verify(secret, headers["X-Livelihood-Signature"], body, now=late)
    assert events[0]["data"]["project"] == case.project.pk and events[0]["jurisdiction"] == "qh-dh"
    assert headers["X-Livelihood-Delivery"] == events[0]["id"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_a_report_is_announced_as_submitted(
    city_dashboard, receiver, make_case, django_capture_on_commit_callbacks
):
    case = make_case("qh-dh", to="implementing")
    _subscribe(city_dashboard, receiver.url, events=("report.submitted",))
    with django_capture_on_commit_callbacks(execute=True):
        case.report(1, 30)
    (event,) = _events(receiver)
    assert event["event"] == "report.submitted"
    assert event["data"]["report"]["progress"] == 30 and event["data"]["report"]["quarter"] == 1


def test_a_dead_receiver_blocks_no_step_and_gets_every_event_once_when_back(
    city_dashboard, receiver, make_case, clock, django_capture_on_commit_callbacks
):
    _subscribe(city_dashboard, receiver.url, events=("step.done",))
    receiver.down()
    with django_capture_on_commit_callbacks(execute=True):
        cases = [make_case("qh-dh", to="party_review") for _ in range(2)]
    for case in cases:
        case.refresh()
        assert case.project.stage == "party_review"  # the steps went through
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() == 4 and all(d.last_error for d in pending)
    # an hour of retries against the dead receiver, every five minutes of the fake clock
    for _ in range(12):
        clock.advance(minutes=5)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.webhook_retry_due()
    attempts = sorted(WebhookDelivery.objects.values_list("attempts", flat=True))
    assert 4 <= attempts[0] <= 8, attempts  # backed off, not every sweep
    assert not receiver.received
    receiver.up()
    clock.advance(minutes=31)  # past the longest back-off
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_retry_due() == 4
    for _ in range(3):  # sweeps afterwards send nothing again
        clock.advance(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks.webhook_retry_due() == 0
    ids = [e["id"] for e in _events(receiver)]
    assert len(ids) == 4 == len(set(ids))
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_receiver_answering_an_error_is_retried(
    city_dashboard, receiver, make_case, clock, django_capture_on_commit_callbacks
):
    _subscribe(city_dashboard, receiver.url, events=("step.done",))
    receiver.down()
    receiver.answer = 500
    receiver.up()
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status == 500
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=30)


def test_a_delivery_is_given_up_after_the_limit(
    city_dashboard, receiver, make_case, clock, settings, django_capture_on_commit_callbacks
):
    _subscribe(city_dashboard, receiver.url, events=("step.done",))
    receiver.down()
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    clock.advance(hours=settings.WEBHOOK_GIVE_UP_HOURS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.webhook_retry_due()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_a_second_delivery_task_sends_nothing_twice(
    city_dashboard, receiver, make_case, django_capture_on_commit_callbacks
):
    _subscribe(city_dashboard, receiver.url, events=("step.done",))
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1


def test_a_rolled_back_step_sends_nothing(
    city_dashboard, receiver, make_case, django_capture_on_commit_callbacks
):
    case = make_case("qh-dh", to="study")
    _subscribe(city_dashboard, receiver.url, events=("step.done",))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case.study()
        assert WebhookDelivery.objects.count() == 1  # written with the step
        raise RuntimeError("the step's transaction fails after the step")
    assert not WebhookDelivery.objects.exists() and not receiver.received


def test_another_jurisdictions_events_are_not_sent(
    api, user_of, receiver, make_case, django_capture_on_commit_callbacks
):
    township = api(user_of("qh-xs", Role.CONGRESS_OFFICE), ("read",))
    assert _subscribe(township, receiver.url).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    assert not receiver.received and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "ftp://example.invalid/x", "events": ["step.done"]}, "url"),
        ({"url": "not a url", "events": ["step.done"]}, "url"),
        ({"url": "http://127.0.0.1:8121/", "events": []}, "events"),
        ({"url": "http://127.0.0.1:8121/", "events": ["case.deleted"]}, "events.0"),
        ({"url": "http://127.0.0.1:8121/", "events": ["step.done"], "jurisdiction": "zz"}, None),
    ],
)
def test_a_bad_subscription_is_refused_with_its_field(city_dashboard, body, field):
    answer = city_dashboard.post(reverse("v1-webhooks"), body)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == (field or "jurisdiction")


def test_subscribing_above_ones_token_or_by_session_is_refused(api, user_of, receiver):
    township = api(user_of("qh-dh", Role.CONGRESS_OFFICE), ("read",))
    above = _subscribe(township, receiver.url, jurisdiction="qh")
    assert above.status_code == 403 and above.json()["error"]["code"] == "permission_denied"
    by_session = _subscribe(api(user_of("qh-dh", Role.CONGRESS_OFFICE), session=True), receiver.url)
    assert by_session.status_code == 403


def test_unsubscribing_and_revoking_stop_the_deliveries(
    city_dashboard, receiver, make_case, issue_token, user_of, django_capture_on_commit_callbacks
):
    sub = _subscribe(city_dashboard, receiver.url, events=("step.done",)).json()
    other = city_dashboard.get(reverse("v1-webhook", args=[sub["id"]]))
    assert other.status_code == 200
    assert city_dashboard.delete(reverse("v1-webhook", args=[sub["id"]])).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    assert not receiver.received
    token, raw = issue_token(user_of("qh", Role.SUPERVISOR), ("read",))
    from .clients import ApiClient

    _subscribe(ApiClient(raw), receiver.url, events=("step.done",))
    api_token_revoke(actor=None, token=token)
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    assert not receiver.received


def test_a_system_sees_its_deliveries_and_no_one_elses(
    city_dashboard, api, user_of, receiver, make_case, django_capture_on_commit_callbacks
):
    sub = _subscribe(city_dashboard, receiver.url, events=("step.done",)).json()
    with django_capture_on_commit_callbacks(execute=True):
        make_case("qh-dh", to="study")
    listed = city_dashboard.get(reverse("v1-webhook-deliveries", args=[sub["id"]])).json()
    assert listed["count"] == 1 and listed["results"][0]["status"] == "delivered"
    stranger = api(user_of("qh", Role.CONGRESS_OFFICE), ("read",))
    answer = stranger.get(reverse("v1-webhook-deliveries", args=[sub["id"]]))
    assert answer.status_code == 404
