"""The API area's demo: the systems around the county's case management.

* the 12345 hotline enters suggestions for the whole county (scope suggest, a service
  account without roles);
* the county's duty-and-dashboard platform reads everything below the county (scope
  read, acting as the county supervisor) and subscribes to the case events;
* 东湖镇's liaison-station app reads, enters suggestions and takes the government
  office's steps there (scopes read, suggest, act);
* an old dashboard key, revoked.

The dashboard's subscription gets the county's latest finished steps; its receiver is not
running in the demo, so the deliveries wait in the retry queue with their error, as they
would while a real receiver is down. Keys are shown once when issued, so the demo's are
not known to anyone: an administrator issues a fresh one in the admin to try the API.
"""

from django.contrib.auth.models import User
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models.api import ApiScope, ApiToken, WebhookEvent
from core.services import webhooks
from core.services.api_tokens import api_token_issue, api_token_revoke
from core.services.webhook_events import on_task_finished
from permissions.roles import Role

DASHBOARD_RECEIVER = "http://127.0.0.1:8129/hooks/livelihood"


def build_api_demo(world) -> None:
    if ApiToken.objects.exists():
        return
    county, township = world.jurisdictions["qh"], world.jurisdictions["qh-dh"]
    hotline, _created = User.objects.get_or_create(
        username="qh.hotline", defaults={"first_name": "12345 市民热线"}
    )
    api_token_issue(
        actor=None,
        name="12345 市民服务热线",
        user=hotline,
        jurisdiction=county,
        scopes=[ApiScope.SUGGEST],
    )
    supervisor = world.users[("qh", Role.SUPERVISOR)]
    old, _key = api_token_issue(
        actor=None,
        name="区人大代表履职平台（旧密钥）",
        user=supervisor,
        jurisdiction=county,
        scopes=[ApiScope.READ],
    )
    api_token_revoke(actor=None, token=old)
    dashboard, _key = api_token_issue(
        actor=None,
        name="区人大代表履职平台",
        user=supervisor,
        jurisdiction=county,
        scopes=[ApiScope.READ],
    )
    api_token_issue(
        actor=None,
        name="东湖镇代表联络站 App",
        user=world.users[("qh-dh", Role.GOVERNMENT_OFFICE)],
        jurisdiction=township,
        scopes=[ApiScope.READ, ApiScope.SUGGEST, ApiScope.ACT],
    )
    webhooks.webhook_subscribe(
        actor=supervisor,
        token=dashboard,
        jurisdiction=county,
        url=DASHBOARD_RECEIVER,
        events=list(WebhookEvent.values),
    )
    # The county's three latest finished steps, sent as they would have been.
    latest = (
        Task.objects.filter(
            status=STATUS.DONE,
            flow_task_type="HUMAN",
            process__projectprocess__project__jurisdiction__path__startswith=county.path,
        )
        .select_related("process__projectprocess__project__jurisdiction", "owner")
        .order_by("-finished", "-pk")[:3]
    )
    for task in reversed(list(latest)):
        on_task_finished(sender=None, process=task.process.projectprocess, task=task)
