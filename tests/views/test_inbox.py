"""The inbox and the queue: filters, search, counts per step, due-date order, taking
several steps at once, empty states, constant queries, and the header's badge counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import STATUS

from core import inbox_messages as messages
from core.selectors import task_counts
from core.selectors import tasks as task_selectors
from core.services.steps import open_task, task_assign
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db

QUEUE = "/work/queue/"
INBOX = "/work/inbox/"
CLAIM = "/work/queue/claim/"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.NAV_COUNTS_SECONDS = 30  # as in production (the suite turns it off)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clerk(world, client):
    user = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    client.force_login(user)
    return user


def assign_task(case):
    return open_task(case.project.process, ProjectFlow.assign_study)


def listed(response):
    return [task.pk for task in response.context["page"].object_list]


def test_the_queue_filters_by_step_jurisdiction_category_and_year(clerk, client, make_case):
    first = make_case("qh-dh", to="assign_study", index=0)  # transport
    second = make_case("qh-dh", to="assign_study", index=1)  # elderly care
    a, b = assign_task(first), assign_task(second)
    assert set(listed(client.get(QUEUE))) == {a.pk, b.pk}
    assert listed(client.get(QUEUE, {"category": "elderly_care"})) == [b.pk]
    assert set(listed(client.get(QUEUE, {"step": "assign_study", "year": 2026}))) == {a.pk, b.pk}
    assert listed(client.get(QUEUE, {"year": 2025})) == []
    assert set(listed(client.get(QUEUE, {"jurisdiction": "qh-dh"}))) == {a.pk, b.pk}
    assert listed(client.get(QUEUE, {"step": "review_by_party"})) == []


def test_the_queue_searches_by_title_receipt_code_and_case_number(clerk, client, make_case):
    first = make_case("qh-dh", to="assign_study", index=0)
    second = make_case("qh-dh", to="assign_study", index=1)
    a, b = assign_task(first), assign_task(second)
    assert listed(client.get(QUEUE, {"q": "养老"})) == [b.pk]
    receipt = first.project.suggestions.first().receipt_code
    assert listed(client.get(QUEUE, {"q": receipt.lower()})) == [a.pk]
    assert listed(client.get(QUEUE, {"q": f"#{second.project.pk}"})) == [b.pk]
    assert listed(client.get(QUEUE, {"q": "没有这个项目"})) == []


def test_the_queue_counts_per_step_ignoring_the_step_filter(world, client, make_case):
    works = world.users[("qh-dh", "works")]
    client.force_login(works)
    study = make_case("qh-dh", to="study", index=1)  # odd pk: the works department
    if study.dept != "works":
        study = make_case("qh-dh", to="study", index=3)
    planning = make_case("qh-dh", to="planning", index=5)
    if planning.dept != "works":
        planning = make_case("qh-dh", to="planning", index=7)
    response = client.get(QUEUE, {"step": "study_feasibility"})
    counts = {step["name"]: step["count"] for step in response.context["steps"]}
    assert counts["study_feasibility"] >= 1 and counts["submit_plan"] >= 1
    chosen = [step["name"] for step in response.context["steps"] if step["chosen"]]
    assert chosen == ["study_feasibility"]
    titles = {t.flow_task.name for t in response.context["page"].object_list}
    assert titles == {"study_feasibility"}


def test_the_inbox_puts_overdue_and_soonest_due_first(world, client, make_case):
    works = world.users[("qh-dh", "works")]
    client.force_login(works)
    cases = []
    for index in (1, 3, 5, 7, 9, 11):
        case = make_case("qh-dh", to="planning", index=index)
        if case.dept == "works":
            cases.append(case)
    tasks = [open_task(c.project.process, ProjectFlow.submit_plan) for c in cases]
    for task in tasks:
        task_assign(actor=works, task=task)
    # an undated step (none here) would come last; dated ones by their due date
    rows = list(task_selectors.inbox(works))
    dues = [row.due_date for row in rows if row.due_date]
    assert dues == sorted(dues)
    assert listed(client.get(INBOX)) == [row.pk for row in rows]


def test_malformed_filters_are_refused_in_chinese_and_show_nothing(clerk, client, make_case):
    make_case("qh-dh", to="assign_study")
    response = client.get(QUEUE, {"year": "1200", "q": "x" * 101}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert listed(response) == []
    body = response.content.decode()
    assert "2000" in body and "2100" in body  # the year range, in the message
    form = response.context["filters"].form
    assert str(messages.SEARCH_TOO_LONG % {"limit": 100}) in form.errors["q"]
    response = client.get(QUEUE, {"jurisdiction": "qh-xs"})  # a sibling township
    assert response.status_code == 400
    response = client.get(QUEUE, {"step": "no_such_step"})
    assert response.status_code == 400


def test_empty_states_say_what_to_do(clerk, client, make_case):
    body = client.get(INBOX).content.decode()
    assert reverse("core:queue") in body  # nothing assigned: go to the queue
    make_case("qh-dh", to="assign_study")
    response = client.get(QUEUE, {"q": "没有这个项目"})
    assert response.context["filtered"] is True
    assert "?" in response.content.decode()


def test_taking_several_steps_at_once(clerk, client, make_case):
    tasks = [assign_task(make_case("qh-dh", to="assign_study")) for _ in range(3)]
    response = client.post(CLAIM, {"task": [t.pk for t in tasks]})
    assert response.status_code == 302 and response.url == reverse("core:inbox")
    for task in tasks:
        task.refresh_from_db()
        assert task.status == STATUS.ASSIGNED and task.owner_id == clerk.pk
    assert set(listed(client.get(INBOX))) == {t.pk for t in tasks}


def test_a_claim_with_one_step_taken_meanwhile_takes_nothing(world, clerk, client, make_case):
    tasks = [assign_task(make_case("qh-dh", to="assign_study")) for _ in range(2)]
    other = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    colleague = type(other).objects.create_user("qh.dh.government2")
    from core.services.organisation import role_assign

    role_assign(
        actor=None,
        user=colleague,
        role=Role.GOVERNMENT_OFFICE,
        jurisdiction=world.jurisdictions["qh-dh"],
    )
    task_assign(actor=colleague, task=tasks[1])
    response = client.post(CLAIM, {"task": [t.pk for t in tasks]}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    project = tasks[1].process.coerced.project
    expected = messages.CLAIM_TAKEN % {
        "step": tasks[1].flow_task.task_title,
        "project": project.title,
    }
    assert str(expected) in shown
    tasks[0].refresh_from_db()
    assert tasks[0].status == STATUS.NEW and tasks[0].owner_id is None


def test_a_claim_of_a_step_the_role_may_not_take_takes_nothing(world, client, make_case):
    party = world.users[("qh-dh", Role.PARTY_OFFICE)]
    client.force_login(party)
    review = open_task(
        make_case("qh-dh", to="party_review").project.process, ProjectFlow.review_by_party
    )
    assign = assign_task(make_case("qh-dh", to="assign_study"))  # the government's step
    response = client.post(CLAIM, {"task": [review.pk, assign.pk]}, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert str(assign.flow_task.task_title) in shown
    review.refresh_from_db()
    assert review.status == STATUS.NEW


def test_a_claim_of_a_sibling_townships_step_is_not_found(clerk, client, make_case):
    west = assign_task(make_case("qh-xs", to="assign_study"))
    own = assign_task(make_case("qh-dh", to="assign_study"))
    assert client.post(CLAIM, {"task": [own.pk, west.pk]}).status_code == 404
    own.refresh_from_db()
    assert own.status == STATUS.NEW


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ([], messages.CLAIM_NOTHING_CHOSEN),
        (["12x"], messages.CLAIM_MALFORMED),
        ([str(n) for n in range(1, 60)], messages.CLAIM_TOO_MANY % {"limit": 50}),
    ],
)
def test_malformed_or_oversized_claims_are_refused(clerk, client, make_case, sent, message):
    task = assign_task(make_case("qh-dh", to="assign_study"))
    response = client.post(CLAIM, {"task": sent}, follow=True)
    assert str(message) in [str(m) for m in response.context["messages"]]
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_a_claim_needs_a_login_and_a_post(client):
    assert client.get(CLAIM).status_code in (302, 405)
    assert client.post(CLAIM, {"task": ["1"]}).status_code == 302  # to the login page


def count(client, url, **params):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [INBOX, QUEUE])
def test_filtered_inbox_and_queue_keep_a_constant_number_of_queries(
    clerk, client, make_case, url, settings
):
    params = {"q": "道路", "year": "2026", "category": "transport", "step": "assign_study"}
    settings.SESSION_TOUCH_SECONDS = 3600
    client.get(url)  # the session's first renewal, outside the counts

    def add():
        task = assign_task(make_case("qh-dh", to="assign_study", index=0))
        if url == INBOX:
            task_assign(actor=clerk, task=task)

    add()
    few, few_filtered = count(client, url), count(client, url, **params)
    for _ in range(4):
        add()
    assert count(client, url) == few
    assert count(client, url, **params) == few_filtered


def test_badge_counts_are_cached_and_dropped_when_the_users_own_tasks_change(
    clerk, client, make_case, django_assert_num_queries
):
    task = assign_task(make_case("qh-dh", to="assign_study"))
    client.get(QUEUE)
    assert task_counts.nav_counts(clerk, compute=False) == {"inbox": 0, "queue": 1}
    with django_assert_num_queries(0):
        assert task_counts.nav_counts(clerk) == {"inbox": 0, "queue": 1}
    client.post(reverse("flows:assign", args=[task.pk]))  # the clerk takes it
    assert task_counts.nav_counts(clerk, compute=False) is None
    body = client.get(QUEUE).content.decode()
    assert task_counts.nav_counts(clerk, compute=False) == {"inbox": 1, "queue": 0}
    assert '<span class="badge">1</span>' in body


def test_colleagues_changes_show_within_the_cache_lifetime(world, clerk, client, make_case):
    from django.contrib.auth.models import User

    from core.models import Category
    from core.services.organisation import role_assign
    from core.services.projects import project_register

    make_case("qh-dh", to="assign_study")
    assert task_counts.nav_counts(clerk) == {"inbox": 0, "queue": 1}
    colleague = User.objects.create_user("qh.dh.government2")
    jurisdiction = world.jurisdictions["qh-dh"]
    role_assign(actor=None, user=colleague, role=Role.GOVERNMENT_OFFICE, jurisdiction=jurisdiction)
    from core.services.suggestions import suggestion_submit

    source = suggestion_submit(
        actor=None,
        jurisdiction=jurisdiction,
        channel="online",
        title="农贸市场消防设施老化",
        text="建议全面改造。",
        proposer_name="居民",
        year=2025,
    )
    project_register(  # a colleague registers another case
        actor=colleague,
        jurisdiction=jurisdiction,
        suggestions=[source],
        title="东湖镇农贸市场消防改造",
        category=Category.objects.get(code="public_safety"),
        year=2026,
    )
    assert task_counts.nav_counts(clerk) == {"inbox": 0, "queue": 1}  # cached a while
    assert task_counts._lifetime() <= 60
    cache.delete(task_counts._key(clerk.pk))  # the entry expires
    assert task_counts.nav_counts(clerk) == {"inbox": 0, "queue": 2}


def test_a_new_role_drops_the_users_cached_counts(world, make_case):
    from django.contrib.auth.models import User

    from core.services.organisation import role_assign

    newcomer = User.objects.create_user("qh.dh.newcomer")
    make_case("qh-dh", to="assign_study")
    assert task_counts.nav_counts(newcomer) == {"inbox": 0, "queue": 0}
    role_assign(
        actor=None,
        user=newcomer,
        role=Role.GOVERNMENT_OFFICE,
        jurisdiction=world.jurisdictions["qh-dh"],
    )
    assert task_counts.nav_counts(newcomer, compute=False) is None
    fresh = User.objects.get(pk=newcomer.pk)  # the next request's user
    assert task_counts.nav_counts(fresh) == {"inbox": 0, "queue": 1}


def test_a_form_sent_never_counts_the_badges(clerk, client, make_case):
    task = assign_task(make_case("qh-dh", to="assign_study"))
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.post(reverse("flows:assign", args=[task.pk]))
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_supervisor_holds_no_step_and_has_an_empty_queue(world, make_case):
    make_case("qh-dh", to="assign_study")
    supervisor = world.users[("qh", Role.SUPERVISOR)]
    assert task_selectors.queue_q(supervisor) is None
    assert list(task_selectors.queue(supervisor)) == []
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    assert task_selectors.queue(clerk).count() == 1


def test_the_queue_page_offers_taking_one_step_or_the_ticked_ones(clerk, client, make_case):
    task = assign_task(make_case("qh-dh", to="assign_study"))
    body = client.get(QUEUE).content.decode()
    assert f'action="{reverse("flows:assign", args=[task.pk])}"' in body  # one row's form
    assert f'value="{task.pk}" id="claim-{task.pk}" form="claim-form"' in body
    assert f'action="{CLAIM}" id="claim-form"' in body
    assert "<form" not in body[body.index("<table") : body.index("<tbody")]  # no nesting


@pytest.mark.parametrize("url", [INBOX, QUEUE])
def test_an_office_with_no_vote_nor_routing_asks_nothing_of_them(world, client, url):
    """A department clerk neither votes, counts, nor routes suggestions: their inbox and
    queue read no voting session, counting key or suggestion (the roles say so)."""
    client.force_login(world._u("qh-dh", "works"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ('FROM "core_votingsession"', '"core_tellerkey"', 'FROM "core_suggestion"'):
        assert table not in read


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_the_inbox_and_queue_pages_run_as_prepared_statements(clerk, client, make_case):
    """Their statements are planned once per connection (core/prepared.py), and the
    rows they show are the selectors' own (the test above compares them)."""
    make_case("qh-dh", to="study")

    def prepared_statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    for page in (INBOX, QUEUE):
        before = prepared_statements()
        assert client.get(page).status_code == 200
        assert any("viewflow_task" in s for s in prepared_statements() - before), page
