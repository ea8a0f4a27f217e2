"""Celery tasks of the API area: webhook deliveries and their retries.

A delivery task makes one attempt (the service claims it, so a repeated message sends
nothing twice); the beat sweep queues the deliveries whose back-off has passed.
"""

from celery import shared_task

from core.services import webhooks

COMMON = {"acks_late": True, "ignore_result": True}


@shared_task(name="api.deliver_webhook", **COMMON)
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="api.retry_webhooks", **COMMON)
def retry_webhooks() -> int:
    return webhooks.webhook_retry_due()
