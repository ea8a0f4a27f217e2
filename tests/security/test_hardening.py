"""What a first attacker tries, refused: the public form's limits behind nginx and with the
cache down, oversized text, inline scripts (CSP), the admin around the flows, and tables
that grow for ever."""

import re
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.forms import LONG_TEXT_MAX
from core.models import Suggestion
from core.models.calendar import SentKey
from core.services import notifications
from core.views import public
from tests.supervision.test_public import collecting, form_data  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


# -- the public form -----------------------------------------------------------------


def test_behind_nginx_each_visitor_has_its_own_limit(client, world, collecting, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("public:suggest")
    for n in range(public.SUBMISSIONS_PER_HOUR):
        data = form_data(world, title=f"建议{n}")
        response = client.post(url, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
        assert response.status_code == 302
    # a forged left-hand entry does not buy a new limit
    refused = client.post(
        url,
        form_data(world, title="再来"),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 1.1.1.1",
    )
    assert refused.status_code == 400
    other = client.post(
        url, form_data(world, title="邻居"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2"
    )
    assert other.status_code == 302


def test_the_form_refuses_rather_than_open_up_when_the_cache_is_down(client, world, collecting):  # noqa: F811
    with mock.patch.object(cache, "add", side_effect=ConnectionError("redis down")):
        response = client.post(reverse("public:suggest"), form_data(world))
    assert response.status_code == 400
    html = response.content.decode()
    assert str(public.LIMITS_UNAVAILABLE) in html
    assert "小区门口加装路灯" in html  # what was typed is shown again
    assert not Suggestion.objects.exists()


def test_suggestion_text_has_a_maximum_length(client, world, collecting):  # noqa: F811
    data = form_data(world, text="长" * (LONG_TEXT_MAX + 1))
    response = client.post(reverse("public:suggest"), data)
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


# -- the browser ---------------------------------------------------------------------


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("public:index"))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_outside_the_voting_pages_has_an_inline_script_or_handler():
    """The policy allows no inline script; templates/voting/ is being rewritten apart."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "voting" in path.relative_to(ROOT / "templates").parts:
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_sessions_end_with_the_browser_and_after_an_idle_hour(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 3600
    # in the database only: pages work with the cache down, and a logout is final
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def _stored_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_idle_session_is_renewed_at_most_once_a_minute(client, django_user_model):
    from django.contrib.sessions.models import Session

    user = django_user_model.objects.create_user("idle.clerk", password="x-2026-idle-clerk")
    client.force_login(user)  # the login saves the session: the first renewal
    first = _stored_expiry(client)
    start = int(time.time())
    with mock.patch("core.idle_sessions.time.time", return_value=start + 30):
        response = client.get(reverse("core:inbox"))
    assert "sessionid" not in response.cookies  # not renewed within the minute: no write
    assert _stored_expiry(client) == first
    with (
        mock.patch("core.idle_sessions.time.time", return_value=start + 61),
        mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=2)),
    ):
        response = client.get(reverse("core:inbox"))
    assert "sessionid" in response.cookies
    assert _stored_expiry(client) > first  # renewed: the idle hour starts again
    assert Session.objects.count() == 1


def test_a_session_idle_for_an_hour_is_over(client, django_user_model, settings):
    user = django_user_model.objects.create_user("idle.deputy", password="x-2026-idle-dep")
    client.force_login(user)
    client.get(reverse("core:inbox"))
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(reverse("core:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_anonymous_visit_makes_no_session(client):
    from django.contrib.sessions.models import Session

    client.get(reverse("public:index"))
    assert Session.objects.count() == 0


def test_passwords_are_checked_for_length_commonness_and_digits_only():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1", "password123", "1234567890123"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("清河区-人大-2026-票决")


# -- the admin -----------------------------------------------------------------------


def test_the_admin_shows_flows_and_schedule_but_changes_neither(client, make_case):
    from django_celery_beat.models import PeriodicTask
    from viewflow.workflow.models import Process, Task

    case = make_case("qh-dh", to="study")
    from core.services.calendar import schedule_setup

    schedule_setup()
    admin = User.objects.create_superuser("root-admin", "root@x.invalid", "Admin-pass-2026")
    client.force_login(admin)
    process = case.project.process
    task = Task.objects.filter(process=process).first()
    for model, obj in ((Process, process), (Task, task)):
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{label}_changelist")).status_code == 200
        change = reverse(f"{label}_change", args=[obj.pk])
        assert client.post(change, {"status": "DONE"}).status_code == 403
        assert (
            client.post(reverse(f"{label}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert client.get(reverse("admin:django_celery_beat_periodictask_add")).status_code == 403
    row = PeriodicTask.objects.first()
    assert (
        client.post(
            reverse("admin:django_celery_beat_periodictask_change", args=[row.pk]), {"enabled": ""}
        ).status_code
        == 403
    )
    process.refresh_from_db()
    assert process.status != "DONE"


# -- tables that grow ------------------------------------------------------------------


def test_the_outbox_drain_prunes_old_once_only_keys(settings):
    settings.SENT_KEY_KEEP_DAYS = 90
    old = SentKey.objects.create(key="event:old")
    SentKey.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=91))
    recent = SentKey.objects.create(key="event:recent")
    notifications.outbox_drain()
    assert not SentKey.objects.filter(pk=old.pk).exists()
    assert SentKey.objects.filter(pk=recent.pk).exists()


def test_mail_and_tasks_cannot_hang_a_worker(settings):
    from core.celery import app
    from core.tasks.reporting import run_export

    assert 0 < settings.EMAIL_TIMEOUT <= 30
    assert app.conf.task_soft_time_limit and app.conf.task_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert run_export.soft_time_limit > app.conf.task_soft_time_limit
