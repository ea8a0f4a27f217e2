"""Notifications and how every message leaves: the outbox, e-mail, SMS.

Delivery, in order:

1. A change that should tell someone (a step opened, a reminder is due) calls
   `enqueue(task_name, *args)` inside its own transaction: the Celery message is written
   to the outbox table with the change, and published after commit
   (`transaction.on_commit`). A rolled-back change sends nothing.
2. If the broker is down, publishing fails, the user's action has already succeeded,
   and the message stays in the outbox. The beat task `calendar.drain_outbox` (every
   minute) and the next successful publish (which queues a drain) send what was kept.
   A message may be published twice (a publish that succeeded but was not yet marked);
   every task is idempotent, so that costs nothing.
3. The worker's task calls `notify`, which claims the event's key in `SentKey` and writes
   one in-app `Notification` per recipient in one transaction: run twice, it writes once.
4. Each notification is then sent by e-mail (Django's mail backend) and, for urgent
   kinds, by SMS (`settings.SMS_BACKEND`), each channel claiming its own key in the same
   transaction as the send. A crash between a gateway accepting a message and our commit
   can repeat that one e-mail; the Message-ID is fixed per notification so that the
   receiving side can recognise the repeat.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from core.models.calendar import Notification, NotificationKind, OutboxMessage, SentKey
from core.sql_names import table

from .broker import send_with_connection

logger = logging.getLogger(__name__)

SMS_KINDS = frozenset({NotificationKind.OVERDUE, NotificationKind.REMINDER})
DRAIN_TASK = "calendar.drain_outbox"
DELIVER_TASK = "calendar.deliver_notification"


# -- SMS ---------------------------------------------------------------------------------
class SmsBackend:
    """Sends one text message. A real gateway subclasses this and is named in
    `settings.SMS_BACKEND`; it raises on failure so that the delivery is retried."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log instead of sending it (the default)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


# -- keys --------------------------------------------------------------------------------
def claim(key: str) -> bool:
    """Claim `key` in the current transaction; False if it was claimed before.

    Two transactions claiming the same key at once: the second waits on the unique
    index and, once the first commits, is refused.
    """
    try:
        with transaction.atomic():
            SentKey.objects.create(key=key[:200])
    except IntegrityError:
        return False
    return True


# -- the outbox --------------------------------------------------------------------------
def _celery_task(name: str):
    import core.tasks  # noqa: F401  (registers the tasks in this process)
    from core.celery import app

    return app.tasks[name]


def _publish(name: str, args: list) -> None:
    """Hand one message to the broker, or fail fast: a broker that is down must not hold
    up the user's request (the message is in the outbox and the drain sends it)."""
    task = _celery_task(name)
    if task.app.conf.task_always_eager:
        task.apply_async(args=args)
        return

    def send(connection):
        connection.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0.2)
        task.apply_async(args=args, connection=connection, retry=False)

    send_with_connection(task.app, send)


def enqueue(task_name: str, *args) -> OutboxMessage:
    """Write a Celery message to the outbox with the current transaction; publish it
    after commit."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(
        partial(publish_after_commit, message.pk, task_name, list(args)), robust=True
    )
    return message


def publish_after_commit(pk: int, task_name: str, args: list) -> bool:
    try:
        _publish(task_name, args)
    except Exception as exc:  # broker down or refusing: keep the message, say why
        logger.warning("Outbox message %s kept: %s", pk, exc)
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:500]
        )
        return False
    if _mark_sent(pk):
        # The broker is back: send what was kept while it was down.
        try:
            _publish(DRAIN_TASK, [])
        except Exception:
            logger.warning("Could not queue the outbox drain", exc_info=True)
    return True


def _mark_sent(pk: int) -> bool:
    """Mark a published message sent and say whether older messages are still kept, in
    one statement (the subquery reads the table as it was before this update)."""
    outbox = table(OutboxMessage)
    now = timezone.now()
    older = now - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {outbox} SET sent_at = %s, attempts = attempts + 1"
            " WHERE id = %s AND sent_at IS NULL"
            f" RETURNING EXISTS (SELECT 1 FROM {outbox} WHERE sent_at IS NULL AND created < %s)",
            [
                connection.ops.adapt_datetimefield_value(now),
                pk,
                connection.ops.adapt_datetimefield_value(older),
            ],
        )
        row = cursor.fetchone()
    if row is None:  # a drain marked it first
        return _older_pending().exists()
    return bool(row[0])


def _older_pending():
    grace = timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    return OutboxMessage.objects.filter(sent_at__isnull=True, created__lt=timezone.now() - grace)


def outbox_drain(*, limit: int | None = None) -> int:
    """Publish kept messages, oldest first; stop at the first failure. Returns the count.

    Messages younger than OUTBOX_GRACE_SECONDS are left to their own after-commit
    publish. Rows are locked (skipped if another drain holds them) while published.
    Sent messages older than OUTBOX_KEEP_DAYS are deleted, and so are the once-only keys
    older than SENT_KEY_KEEP_DAYS: by then no message can come back to repeat their work
    (a lost worker's message returns within the visibility timeout; retries give up
    within hours).
    """
    limit = limit or settings.OUTBOX_DRAIN_BATCH
    sent = 0
    now = timezone.now()
    OutboxMessage.objects.filter(
        sent_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    ).delete()
    SentKey.objects.filter(created__lt=now - timedelta(days=settings.SENT_KEY_KEEP_DAYS)).delete()
    with transaction.atomic():
        rows = list(_older_pending().order_by("pk").select_for_update(skip_locked=True)[:limit])
        for row in rows:
            try:
                _publish(row.task_name, row.args)
            except Exception as exc:
                OutboxMessage.objects.filter(pk=row.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:500]
                )
                break
            OutboxMessage.objects.filter(pk=row.pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1
            )
            sent += 1
    return sent


# -- notifications -----------------------------------------------------------------------
def notify(
    *,
    event_key: str,
    recipients,
    kind: str,
    params: dict,
    url: str = "",
    project=None,
    task=None,
) -> list[Notification]:
    """Tell every recipient about one event, once: run again with the same key, it
    writes nothing. In-app now (with the caller's transaction); e-mail and SMS queued
    after commit."""
    users = {}
    for user in recipients:
        if user is not None and user.is_active:
            users.setdefault(user.pk, user)
    with transaction.atomic():
        if not claim(f"event:{event_key}"):
            return []
        created = [
            Notification(
                recipient=user,
                kind=kind,
                params=params,
                url=url,
                project=project,
                task=task,
                event_key=event_key[:150],
            )
            for user in users.values()
        ]
        for notification in created:
            notification.save()
            enqueue(DELIVER_TASK, notification.pk)
    return created


def _phone_of(user) -> str:
    try:
        return user.deputy.phone or ""
    except ObjectDoesNotExist:
        return ""


def _absolute(url: str) -> str:
    if not url or url.startswith("http"):
        return url
    return settings.SITE_URL.rstrip("/") + url


def notification_deliver(*, notification_id: int) -> list[str]:
    """Send one notification by e-mail and (urgent kinds) SMS, each channel once."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return []
    user = notification.recipient
    sent = []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = notification.title, notification.body
        link = _absolute(notification.url)
        if user.email:
            with transaction.atomic():
                if claim(f"notification:{notification.pk}:email"):
                    message = EmailMessage(
                        subject=title,
                        body="\n\n".join(part for part in (body, link) if part),
                        to=[user.email],
                        headers={"Message-ID": f"<notification-{notification.pk}@livelihood>"},
                    )
                    message.send()
                    sent.append("email")
        phone = _phone_of(user)
        if phone and notification.kind in SMS_KINDS:
            with transaction.atomic():
                if claim(f"notification:{notification.pk}:sms"):
                    get_sms_backend().send(phone, title)
                    sent.append("sms")
    return sent


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise ObjectDoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
