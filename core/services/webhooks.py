"""Case events out to other systems: subscriptions, signed deliveries, retries.

How an event leaves:

1. A step completes (or a report is submitted, or a vote's result is announced). Inside
   that step's transaction, `event_emit` writes one `WebhookDelivery` per matching active
   subscription and puts a delivery task on the outbox (`enqueue`): published after
   commit, kept while the broker is down, nothing sent for a step that rolled back.
2. The worker's task (`api.deliver_webhook`) claims the delivery for a short lease and
   POSTs the body, signed, with a short timeout. The step has long been committed: a dead
   or slow receiver never holds up anyone's work.
3. A 2xx marks it delivered, once. Anything else records the error and sets the next
   attempt after a back-off that doubles up to `WEBHOOK_RETRY_MAX_SECONDS`; the beat task
   `api.retry_webhooks` (every minute) queues the deliveries that are due, through the
   outbox again. After `WEBHOOK_GIVE_UP_HOURS` a delivery is given up.

A receiver that was down gets every event afterwards, once each (the sweep queues the
oldest first). Each body carries the event's id, so a receiver can also tell a repeat
after a crash between its answer and our commit.

Signature: ``X-Livelihood-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
keyed with the subscription's secret (`signature_verify` is the receiver's check).
"""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Jurisdiction
from core.models.api import (
    ApiToken,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from core.services.audit import audit_record
from core.services.notifications import enqueue

from .history import create_with_reason, save_with_reason

logger = logging.getLogger(__name__)

DELIVER_TASK = "api.deliver_webhook"
SIGNATURE_HEADER = "X-Livelihood-Signature"
LEASE = timedelta(seconds=60)

WEBHOOK_URL_INVALID = gettext_lazy("Give an http:// or https:// address of your receiver.")
WEBHOOK_EVENTS_REQUIRED = gettext_lazy("Choose at least one event: %(events)s.")
WEBHOOK_EVENT_UNKNOWN = gettext_lazy("Unknown event “%(event)s”; the events are %(events)s.")
WEBHOOK_OUTSIDE_TOKEN = gettext_lazy(
    "A system subscribes to its own jurisdiction or the ones below it only."
)
WEBHOOK_TOO_MANY = gettext_lazy("A system may keep at most %(max)s subscriptions.")


def clock():
    """Now; the tests move it to see a day of retries in a second."""
    return timezone.now()


# -- subscriptions -----------------------------------------------------------------------
def _clean_events(events) -> list[str]:
    names = ", ".join(WebhookEvent.values)
    cleaned = []
    for event in events or []:
        if event not in WebhookEvent.values:
            raise ValidationError(
                {"events": WEBHOOK_EVENT_UNKNOWN % {"event": event, "events": names}}
            )
        if event not in cleaned:
            cleaned.append(event)
    if not cleaned:
        raise ValidationError({"events": WEBHOOK_EVENTS_REQUIRED % {"events": names}})
    return cleaned


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 300:
        raise ValidationError({"url": WEBHOOK_URL_INVALID})
    return url


@transaction.atomic
def webhook_subscribe(
    *, actor, token: ApiToken, jurisdiction: Jurisdiction, url: str, events
) -> tuple[WebhookSubscription, str]:
    """Subscribe a system's receiver; returns the row and the signing secret (shown once)."""
    if not jurisdiction.path.startswith(token.jurisdiction.path):
        raise PermissionDenied(WEBHOOK_OUTSIDE_TOKEN)
    events = _clean_events(events)
    url = _clean_url(url)
    limit = settings.WEBHOOK_MAX_SUBSCRIPTIONS
    if token.webhooks.filter(active=True).count() >= limit:
        raise ValidationError({"url": WEBHOOK_TOO_MANY % {"max": limit}})
    secret = secrets.token_hex(32)
    subscription = create_with_reason(
        WebhookSubscription,
        actor=actor,
        why=_("Webhook subscribed by %(name)s") % {"name": token.name},
        token=token,
        jurisdiction=jurisdiction,
        url=url,
        events=events,
        secret=secret,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="webhook.subscribe",
        jurisdiction=jurisdiction,
        target=subscription,
        summary=_("%(name)s subscribed %(url)s to %(events)s")
        % {"name": token.name, "url": url, "events": ", ".join(events)},
        data={"token": token.prefix, "url": url, "events": events},
    )
    return subscription, secret


@transaction.atomic
def webhook_unsubscribe(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop a subscription; its pending deliveries are given up."""
    subscription.active = False
    save_with_reason(subscription, actor=actor, reason=_("Webhook unsubscribed"))
    subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error="unsubscribed"
    )
    audit_record(
        actor=actor,
        action="webhook.unsubscribe",
        jurisdiction=subscription.jurisdiction,
        target=subscription,
        summary=_("Webhook %(url)s unsubscribed") % {"url": subscription.url},
        data={"url": subscription.url},
    )
    return subscription


# -- events ------------------------------------------------------------------------------
def _ancestor_paths(path: str) -> list[str]:
    """The paths of a jurisdiction and of those above it: ``/sc/``, ``/sc/sc01/``, …"""
    parts = path.strip("/").split("/")
    return [f"/{'/'.join(parts[:n])}/" for n in range(1, len(parts) + 1)]


def _subscribed(jurisdiction):
    """Active subscriptions at this jurisdiction (or its id) or above it: those whose
    jurisdiction's path is a prefix of its path."""
    active = WebhookSubscription.objects.filter(active=True, token__revoked_at__isnull=True)
    if isinstance(jurisdiction, Jurisdiction):  # its path at hand: a list, not a join
        return active.filter(jurisdiction__path__in=_ancestor_paths(jurisdiction.path))
    target = Jurisdiction.objects.filter(pk=jurisdiction).values("path")[:1]
    return active.annotate(target_path=Subquery(target)).filter(
        target_path__startswith=F("jurisdiction__path")
    )


def event_emit(*, event: str, jurisdiction, data) -> list[WebhookDelivery]:
    """Write one delivery per subscription to `event` at this jurisdiction or above it, in
    the caller's transaction; each is sent after commit.

    `jurisdiction` is the jurisdiction or its id; `data` the event's facts, or a function
    that returns them, called only when someone subscribes: a step with no subscriber
    costs one query here and nothing else.
    """
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    subscriptions = [s for s in _subscribed(jurisdiction) if event in (s.events or [])]
    if not subscriptions:
        return []
    if not isinstance(jurisdiction, Jurisdiction):
        jurisdiction = Jurisdiction.objects.get(pk=jurisdiction_id)
    if callable(data):
        data = data()
    now = clock()
    body = {
        "event": event,
        "occurred": now,
        "jurisdiction": jurisdiction.code,
        "data": data,
    }
    payload = json.loads(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False))
    deliveries = []
    for subscription in subscriptions:
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event=event, payload=payload, next_attempt_at=now
        )
        enqueue(DELIVER_TASK, delivery.pk)
        deliveries.append(delivery)
    return deliveries


# -- sending -----------------------------------------------------------------------------
def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {"id": str(delivery.event_id), **delivery.payload}
    return json.dumps(envelope, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def signature_of(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def signature_verify(secret: str, header: str, body: bytes, *, now=None, tolerance=300) -> bool:
    """The receiver's check: the signature matches and is at most `tolerance` s old."""
    try:
        parts = dict(item.split("=", 1) for item in (header or "").split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = int((now or timezone.now()).timestamp())
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature_of(secret, timestamp, body), header)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a receiver that redirects has not taken the event


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most the maximum."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def _claim(delivery_id: int, now) -> bool:
    """Take the delivery for one attempt (a lease, so two workers never send it at once
    and a worker that dies mid-send leaves it to the next sweep)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        WebhookDelivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING).update(
            next_attempt_at=now + LEASE
        )
    )


def webhook_deliver(*, delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is due; returns its status afterwards."""
    now = clock()
    if not _claim(delivery_id, now):
        row = WebhookDelivery.objects.filter(pk=delivery_id).only("status").first()
        return row.status if row else ""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = body_of(delivery)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "livelihood-vote-webhooks/1",
        "X-Livelihood-Event": delivery.event,
        "X-Livelihood-Delivery": str(delivery.event_id),
        "X-Livelihood-Timestamp": str(timestamp),
        SIGNATURE_HEADER: signature_of(subscription.secret, timestamp, body),
    }
    status, error = None, ""
    try:
        status = _post(subscription.url, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except Exception as exc:  # refused, timed out, DNS: the receiver is not there
        error = f"{type(exc).__name__}: {exc}"[:300]
    attempts = delivery.attempts + 1
    done = clock()
    fields = {"attempts": attempts, "last_attempt_at": done, "last_status": status}
    if not error:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=done, last_error="")
        fields["next_attempt_at"] = None
    elif done - delivery.created >= timedelta(hours=settings.WEBHOOK_GIVE_UP_HOURS):
        fields.update(status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=None)
    else:
        fields.update(last_error=error, next_attempt_at=done + backoff(attempts))
        logger.info(
            "Webhook delivery %s failed (%s); next attempt %s",
            delivery.pk,
            error,
            fields["next_attempt_at"],
        )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return fields.get("status", DeliveryStatus.PENDING)


@transaction.atomic
def webhook_retry_due(*, limit: int = 500) -> int:
    """Queue (through the outbox) every pending delivery whose next attempt is due,
    oldest event first."""
    now = clock()
    ids = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("created", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        enqueue(DELIVER_TASK, pk)
    return len(ids)
