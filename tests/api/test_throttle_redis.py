"""The API's limits hold across processes: counted in Redis, a second process (another
gunicorn worker) sees what the first one counted."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.api.v1 import throttles

from .clients import ApiClient, racing_count

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]

OTHER_PROCESS = """
import django
django.setup()
from django.test import Client
print(Client().get("/api/v1/board/", REMOTE_ADDR={address!r}).status_code)
"""


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    return url


def test_a_second_process_sees_the_first_ones_count(redis_cache, world, monkeypatch):
    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "3/min", raising=False)
    address = f"127.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    for _ in range(3):
        assert ApiClient().get(reverse("v1-board-index"), REMOTE_ADDR=address).status_code == 200
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "REDIS_URL": redis_cache,
        "API_THROTTLE_ADDRESS": "3/min",
    }
    answer = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS.format(address=address)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.stdout.strip().splitlines()[-1] == "429", answer.stderr[-2000:]


def test_racing_requests_are_each_counted_in_redis(redis_cache, monkeypatch):
    """Many threads at once, each with its own connection: Redis increments every one."""
    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "5/min", raising=False)
    assert racing_count(throttles, calls=40) == 5
