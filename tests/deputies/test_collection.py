"""Many wishes into one project: grouping by the similarity of Chinese text and place,
merging a group in one step (every proposer told), and the special collection."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from core import deputies_messages as dm
from core.models import (
    AuditEntry,
    Category,
    Channel,
    Project,
    Suggestion,
    SuggestionStatus,
)
from core.models.calendar import Notification
from core.selectors import clustering
from core.services import collection
from core.services import suggestions as services
from permissions.roles import Role

pytestmark = pytest.mark.django_db

WISHES = [
    ("幸福路路灯不亮", "幸福路晚上路灯坏了，出行不安全", "幸福路"),
    ("幸福路路灯维修", "幸福路一带路灯不亮很久了，请维修路灯", "幸福路"),
    ("幸福路安装路灯", "幸福路北段没有路灯，晚上黑，建议安装路灯", "幸福路北段"),
    ("老年食堂", "社区老人多，建议办一个老年食堂解决吃饭难", "东湖社区"),
    ("建老年助餐点", "希望在东湖社区建设老年助餐点，方便老人吃饭", "东湖社区"),
    ("学校门口红绿灯", "东湖中学门口车多，建议设置红绿灯", "东湖中学"),
]


def _wishes(world, deputy=None):
    made = []
    for n, (title, text, place) in enumerate(WISHES):
        if deputy is not None and n == 1:
            made.append(
                services.deputy_suggestion_submit(
                    actor=deputy.user, deputy=deputy, title=title, text=text, location=place
                )
            )
            continue
        made.append(
            services.suggestion_submit(
                actor=None,
                jurisdiction=world.jurisdictions["qh-dh"],
                channel=Channel.ONLINE,
                title=title,
                text=text,
                location=place,
                proposer_name=f"居民{n}",
            )
        )
    return made


def test_texts_group_by_similarity_without_downloading_anything():
    groups = clustering.group_texts([" ".join(w) for w in WISHES])
    sizes = sorted((len(g) for g in groups), reverse=True)
    assert sizes == [3, 2, 1]
    assert sorted(groups[0]) == [0, 1, 2] and sorted(groups[1]) == [3, 4]


def test_the_government_office_merges_a_group_in_one_step_and_everyone_is_told(
    world, user_of, deputy_of, client
):
    deputy = deputy_of("qh-dh", 2)
    made = _wishes(world, deputy)
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    client.force_login(gov)
    year = made[0].year
    page = client.get(reverse("deputies:groups") + f"?year={year}")
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [g.size for g in groups] == [3, 2, 1]
    lights = groups[0]
    category = Category.objects.get(code="urban_management")
    response = client.post(
        reverse("deputies:groups") + f"?year={year}",
        {"suggestions": lights.pks, "title": "幸福路路灯建设", "category": category.pk},
    )
    assert response.status_code == 302
    project = Project.objects.get(title="幸福路路灯建设")
    assert sorted(project.suggestions.values_list("pk", flat=True)) == sorted(lights.pks)
    assert set(Suggestion.objects.filter(pk__in=lights.pks).values_list("status", flat=True)) == {
        SuggestionStatus.MERGED
    }
    assert Notification.objects.filter(recipient=deputy.user, project=project).exists()
    assert AuditEntry.objects.filter(action="suggestion.merge", target_id=project.pk).exists()
    for pk in lights.pks:
        code = Suggestion.objects.get(pk=pk).receipt_code
        receipt = client.get(reverse("public:receipt", args=[code])).content.decode()
        assert 'class="receipt-trail"' in receipt
        # the project's name is not public before the Party committee approves it
        assert "幸福路路灯建设" not in receipt


def test_merging_refuses_what_is_gone_or_elsewhere_and_writes_nothing(world, user_of):
    made = _wishes(world)
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    services.suggestion_route(
        actor=gov, suggestion=made[2], level="legislation", note="转立法联系点"
    )
    category = Category.objects.first()
    with pytest.raises(ValidationError) as refused:
        collection.suggestions_merge(
            actor=gov,
            jurisdiction=world.jurisdictions["qh-dh"],
            suggestions=made[:3],
            title="x",
            category=category,
            year=made[0].year,
        )
    assert str(dm.MERGE_NOT_AVAILABLE % {"code": made[2].receipt_code}) in str(refused.value)
    with pytest.raises(PermissionDenied):
        collection.suggestions_merge(
            actor=user_of("qh-xs", Role.GOVERNMENT_OFFICE),
            jurisdiction=world.jurisdictions["qh-dh"],
            suggestions=made[:2],
            title="x",
            category=category,
            year=made[0].year,
        )
    assert not Project.objects.filter(title="x").exists()
    assert Suggestion.objects.filter(status=SuggestionStatus.MERGED).count() == 0


def test_another_townships_office_sees_no_groups_of_ours(world, user_of, client):
    made = _wishes(world)
    client.force_login(user_of("qh-xs", Role.GOVERNMENT_OFFICE))
    page = client.get(reverse("deputies:groups") + f"?year={made[0].year}").content.decode()
    assert "幸福路" not in page
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:groups")).status_code == 404


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "建设内容", "建设地点", "总投资（万元）", "责任单位"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("projects.xlsx", buffer.getvalue())


def test_special_collection_imports_investment_projects_as_suggestions(world, user_of, client):
    client.force_login(user_of("qh", Role.GOVERNMENT_OFFICE))
    upload = _xlsx(
        [
            ["清河大道综合改造", "拓宽改造5公里", "清河大道", 12800, "区住房和城乡建设局"],
            ["区人民医院新院区", "新建住院楼", "城东新区", 56000, "区卫生健康局"],
        ]
    )
    response = client.post(reverse("deputies:special"), {"year": 2027, "file": upload})
    assert response.status_code == 302
    imported = Suggestion.objects.filter(channel=Channel.SPECIAL, jurisdiction__code="qh")
    assert imported.count() == 2
    hospital = imported.get(title="区人民医院新院区")
    assert hospital.investment == 56000 and hospital.year == 2027
    assert hospital.proposer_name == "区卫生健康局"
    assert AuditEntry.objects.filter(action="suggestion.special_import").exists()


def test_a_bad_row_refuses_the_whole_file(world, user_of, client):
    client.force_login(user_of("qh", Role.GOVERNMENT_OFFICE))
    upload = _xlsx([["清河大道综合改造", "", "", 100, ""], ["", "没有名称", "", 50, ""]])
    response = client.post(reverse("deputies:special"), {"year": 2027, "file": upload})
    assert response.status_code == 400
    message = dm.SPECIAL_ROW_ERROR % {"row": 3, "error": dm.SPECIAL_TITLE_MISSING}
    assert escape(str(message)) in response.content.decode()
    bad_amount = _xlsx([["清河大道综合改造", "", "", "很多", ""]])
    response = client.post(reverse("deputies:special"), {"year": 2027, "file": bad_amount})
    assert response.status_code == 400
    junk = SimpleUploadedFile("projects.xlsx", b"not a workbook")
    response = client.post(reverse("deputies:special"), {"year": 2027, "file": junk})
    assert escape(str(dm.SPECIAL_BAD_FILE)) in response.content.decode()
    assert not Suggestion.objects.filter(channel=Channel.SPECIAL).exists()
    # only the government office imports
    client.force_login(user_of("qh", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:special")).status_code == 404
