"""The notification centre, the bell in the header, the calendar page and its settings."""

import pytest
from django.urls import reverse

from core.models.calendar import DAYS_NEGATIVE, CalendarSettings, Notification, NotificationKind
from core.services import calendar
from permissions.roles import Role

from .helpers import deadline_of

pytestmark = pytest.mark.django_db

PLAN_REMINDER_DAY = "2026-02-11"


@pytest.fixture(autouse=True)
def pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reminded(make_case):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    [notification] = calendar.deadline_remind(deadline_id=deadline.pk, today=PLAN_REMINDER_DAY)
    return case, deadline, notification


def test_the_bell_counts_unread_notifications_and_links_to_the_centre(client, reminded):
    case, _deadline, notification = reminded
    client.force_login(notification.recipient)
    page = client.get(reverse("core:inbox")).content.decode()
    assert 'data-unread="1"' in page
    assert reverse("calendar:notifications") in page


def test_the_centre_lists_ones_own_notifications(client, reminded, world):
    case, deadline, notification = reminded
    client.force_login(notification.recipient)
    page = client.get(reverse("calendar:notifications")).content.decode()
    assert "Reminder: “Implementation plan”" in page
    assert case.project.title in page

    client.force_login(world.users[("qh-dh", Role.GOVERNMENT_OFFICE)])
    assert case.project.title not in client.get(reverse("calendar:notifications")).content.decode()
    assert client.get(reverse("calendar:open", args=[notification.pk])).status_code == 404
    response = client.post(reverse("calendar:read", args=[notification.pk]))
    assert response.status_code == 404


def test_opening_a_notification_marks_it_read_and_goes_to_the_step(client, reminded):
    case, deadline, notification = reminded
    client.force_login(notification.recipient)
    response = client.get(reverse("calendar:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "flows:step", kwargs={"process_pk": deadline.task.process_id, "task_pk": deadline.task_id}
    )
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_and_mark_all_read(client, reminded):
    _case, _deadline, notification = reminded
    user = notification.recipient
    Notification.objects.create(
        recipient=user, kind=NotificationKind.DIGEST, params={}, event_key="other"
    )
    client.force_login(user)
    client.post(reverse("calendar:read", args=[notification.pk]))
    assert user.notifications.unread().count() == 1
    response = client.post(reverse("calendar:read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("calendar:notifications")
    assert user.notifications.unread().count() == 0


def test_inboxes_show_the_due_date_and_flag_overdue_steps(client, make_case, world):
    case = make_case("qh-dh", to="implementing")
    clerk = world.users[("qh-dh", case.dept)]
    client.force_login(clerk)
    page = client.get(reverse("core:queue")).content.decode()
    assert "2026-04-10" in page and "Overdue" in page


def test_the_case_page_counts_overdue_steps(client, make_case, world):
    case = make_case("qh-dh", to="planning")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    page = client.get(reverse("core:case", args=[case.project.pk])).content.decode()
    assert "1 overdue" in page
    assert "due 2026-02-14" in page


def test_the_calendar_page_shows_what_comes_next_in_ones_jurisdiction_only(
    client, make_case, world
):
    make_case("qh-dh", to="planning")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    response = client.get(reverse("calendar:home"))
    assert response["Location"] == reverse("calendar:jurisdiction", args=["qh-dh"])
    page = client.get(response["Location"]).content.decode()
    assert "What the system will do next" in page
    assert "Overdue escalation" in page
    assert reverse("calendar:settings", args=["qh-dh"]) in page
    assert client.get(reverse("calendar:jurisdiction", args=["qh-xs"])).status_code == 404


def test_a_supervisor_reads_the_calendars_below_but_cannot_change_them(client, world):
    client.force_login(world.users[("qh", Role.SUPERVISOR)])
    assert client.get(reverse("calendar:jurisdiction", args=["qh-xs"])).status_code == 200
    assert client.get(reverse("calendar:settings", args=["qh-xs"])).status_code == 403


def test_the_settings_form_refuses_negative_days_with_the_message(client, world):
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    url = reverse("calendar:settings", args=["qh-dh"])
    assert client.get(url).status_code == 200
    data = {
        "report_due_days": -2,
        "plan_due_days": 30,
        "sign_off_due_days": 15,
        "reminder_lead_days": 3,
        "collection_start_month": 9,
        "collection_start_day": 1,
        "collection_end_month": 10,
        "collection_end_day": 31,
        "mid_year_meeting": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert str(DAYS_NEGATIVE) in response.content.decode()
    assert not CalendarSettings.objects.exists()

    response = client.post(url, {**data, "report_due_days": 12})
    assert response.status_code == 302
    assert CalendarSettings.objects.get().report_due_days == 12


def test_the_api_lists_ones_notifications_and_marks_them_read(client, reminded, world):
    _case, _deadline, notification = reminded
    client.force_login(notification.recipient)
    data = client.get("/api/notifications/").json()
    assert data["unread"] == 1
    assert [row["id"] for row in data["results"]] == [notification.pk]
    assert data["results"][0]["kind"] == "reminder"
    assert client.post(f"/api/notifications/{notification.pk}/read/").status_code == 200
    assert client.get("/api/notifications/?unread=1").json()["results"] == []

    client.force_login(world.users[("qh-dh", Role.GOVERNMENT_OFFICE)])
    assert client.post(f"/api/notifications/{notification.pk}/read/").status_code == 404


def test_the_api_shows_what_comes_next_within_ones_scope(client, world):
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    data = client.get("/api/calendar/qh-dh/").json()
    assert data["jurisdiction"] == "qh-dh" and data["items"]
    assert client.get("/api/calendar/qh-xs/").status_code == 404
