"""Roster imports: every error names its row and column, a bad file writes nothing, and
the same file imported twice changes nothing."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Deputy, Office, RoleAssignment
from core.models.reporting import ImportBatch, ImportStatus
from core.services import imports
from permissions.checks import has_step
from permissions.roles import Role, Step

pytestmark = pytest.mark.django_db

DEPUTY_HEADER = ["姓名", "身份证号码", "地区代码", "联系电话", "代表团", "专业特长"]


def id_number(n: int) -> str:
    first17 = f"33010219800101{n:03d}"
    return first17 + imports.id_number_check_digit(first17)


def xlsx(rows, name="roster.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(rows, name="roster.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding))


def good_deputies():
    return [
        DEPUTY_HEADER,
        ["王小明", id_number(1), "qh", "13800000001", "第一代表团", "教育"],
        ["李小红", id_number(2), "qh", "0571-88880000", "第二代表团", "医疗"],
        ["赵大海", id_number(3), "qh", "", "第一代表团", ""],
    ]


@pytest.fixture
def office(user_of):
    return user_of("qh", Role.CONGRESS_OFFICE)


def preview(actor, world, upload, kind="deputies", code="qh"):
    return imports.import_preview(
        actor=actor, jurisdiction=world.jurisdictions[code], kind=kind, upload=upload
    )


def problem(constant, **params) -> str:
    return str(constant) % params if params else str(constant)


def roster_state():
    return (
        sorted(Deputy.objects.values_list("pk", "name", "id_number", "phone", "jurisdiction_id")),
        Deputy.history.count(),
        Office.history.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )


def test_a_good_file_is_checked_then_imported(world, office):
    batch = preview(office, world, xlsx(good_deputies()))
    assert batch.status == ImportStatus.VALID and batch.errors == []
    assert not Deputy.objects.filter(id_number=id_number(1)).exists()  # checked, not written
    batch = imports.import_apply(actor=office, batch=batch)
    assert batch.status == ImportStatus.APPLIED
    assert batch.summary["created"] == 3
    deputy = Deputy.objects.get(id_number=id_number(2))
    assert deputy.jurisdiction.code == "qh" and deputy.phone == "0571-88880000"
    assert deputy.history.first().history_user == office


def test_importing_the_same_file_twice_changes_nothing(world, office):
    imports.import_apply(actor=office, batch=preview(office, world, xlsx(good_deputies())))
    before = roster_state()
    again = imports.import_apply(actor=office, batch=preview(office, world, xlsx(good_deputies())))
    assert again.summary["created"] == 0 and again.summary["updated"] == 0
    assert again.summary["unchanged"] == 3
    assert roster_state() == before


def test_a_changed_row_updates_only_that_deputy(world, office):
    imports.import_apply(actor=office, batch=preview(office, world, xlsx(good_deputies())))
    rows = good_deputies()
    rows[2][5] = "医疗卫生"
    batch = imports.import_apply(actor=office, batch=preview(office, world, xlsx(rows)))
    assert (batch.summary["created"], batch.summary["updated"]) == (0, 1)
    assert Deputy.objects.get(id_number=id_number(2)).expertise == "医疗卫生"


def test_a_missing_column_names_the_header_row_and_the_column(world, office):
    rows = [[c for c in row[:1] + row[2:]] for row in good_deputies()]  # no ID card column
    before = roster_state()
    batch = preview(office, world, xlsx(rows))
    assert batch.status == ImportStatus.INVALID
    [error] = batch.errors
    assert error["row"] == 1
    assert error["column"] == str(imports.DEPUTY_COLUMNS[1].label)
    assert problem(imports.MISSING_COLUMN) in error["message"]
    assert roster_state() == before


def test_an_unknown_jurisdiction_code_names_its_row_and_column(world, office):
    rows = good_deputies()
    rows[3][2] = "qh-zz"
    batch = preview(office, world, xlsx(rows))
    [error] = batch.errors
    assert (error["row"], error["column"]) == (4, "地区代码")
    assert problem(imports.UNKNOWN_JURISDICTION, value="qh-zz") in error["message"]


def test_a_sibling_county_code_is_unknown_to_this_office(world, office, sibling):
    rows = good_deputies()
    rows[1][2] = "qh2-ds"
    [error] = preview(office, world, xlsx(rows)).errors
    assert (error["row"], error["column"]) == (2, "地区代码")


def test_a_duplicate_id_card_number_names_both_rows(world, office):
    rows = good_deputies()
    rows[3][1] = rows[1][1]
    [error] = preview(office, world, xlsx(rows)).errors
    assert (error["row"], error["column"]) == (4, "身份证号码")
    assert problem(imports.DUPLICATE_IN_FILE, value=rows[1][1], other=2) in error["message"]


def test_a_malformed_phone_number_names_its_row_and_column(world, office):
    rows = good_deputies()
    rows[2][3] = "12345"
    [error] = preview(office, world, xlsx(rows)).errors
    assert (error["row"], error["column"]) == (3, "联系电话")
    assert problem(imports.MALFORMED_PHONE, value="12345") in error["message"]


def test_an_id_card_number_with_a_wrong_check_digit_is_refused(world, office):
    rows = good_deputies()
    wrong = rows[1][1][:17] + ("0" if rows[1][1][17] != "0" else "1")
    rows[1][1] = wrong
    [error] = preview(office, world, xlsx(rows)).errors
    assert (error["row"], error["column"]) == (2, "身份证号码")
    assert problem(imports.MALFORMED_ID_NUMBER, value=wrong) in error["message"]


def test_every_error_of_a_bad_file_names_its_row_and_column_and_nothing_is_written(world, office):
    rows = good_deputies() + [["", id_number(9), "nowhere", "abc", "", ""]]
    rows[2][1] = rows[1][1]
    before = roster_state()
    batch = preview(office, world, xlsx(rows))
    assert batch.status == ImportStatus.INVALID
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (3, "身份证号码"),
        (5, "姓名"),
        (5, "地区代码"),
        (5, "联系电话"),
    }
    for error in batch.errors:
        assert error["message"].startswith(
            str(imports.ROW_ERROR) % {"row": error["row"], "column": error["column"], "problem": ""}
        )
    with pytest.raises(ValidationError) as refused:
        imports.import_apply(actor=office, batch=batch)
    assert str(imports.HAS_ERRORS) in refused.value.messages
    assert roster_state() == before


def test_a_csv_file_in_gbk_with_a_title_row_is_read(world, office):
    rows = [["清河区人大代表名册"], *good_deputies()]
    batch = preview(office, world, csv_file(rows, encoding="gb18030"))
    assert batch.status == ImportStatus.VALID, batch.errors
    assert [row["row"] for row in batch.rows] == [3, 4, 5]


def test_a_file_of_another_type_or_unreadable_is_refused_before_anything(world, office):
    with pytest.raises(ValidationError) as refused:
        preview(office, world, SimpleUploadedFile("roster.pdf", b"%PDF"))
    assert str(imports.WRONG_FILE_TYPE) in refused.value.messages
    with pytest.raises(ValidationError):
        preview(office, world, SimpleUploadedFile("roster.xlsx", b"not a zip"))
    assert not ImportBatch.objects.exists()


def test_only_an_office_with_the_import_step_may_import(world, user_of):
    with pytest.raises(ValidationError) as refused:
        preview(user_of("qh", Role.SUPERVISOR), world, xlsx(good_deputies()))
    assert str(imports.NOT_ALLOWED) in refused.value.messages


def test_a_file_that_became_invalid_after_the_check_writes_nothing(world, office, sibling):
    rows = [
        ["单位代码", "单位名称", "单位类型", "地区代码"],
        ["qh-new-1", "区水务局", "department", "qh"],
        ["shared-code", "区文旅局", "department", "qh"],
    ]
    batch = preview(office, world, xlsx(rows), "offices")
    assert batch.status == ImportStatus.VALID
    # meanwhile the sibling county registers an office under one of these codes
    sibling_office = sibling.users[("qh2", Role.CONGRESS_OFFICE)]
    theirs = [
        ["单位代码", "单位名称", "单位类型", "地区代码"],
        ["shared-code", "二区局", "部门", "qh2"],
    ]
    imports.import_apply(
        actor=sibling_office,
        batch=preview(sibling_office, sibling, xlsx(theirs), "offices", code="qh2"),
    )
    before = roster_state()
    with pytest.raises(ValidationError) as refused:
        imports.import_apply(actor=office, batch=batch)
    assert str(imports.NOW_INVALID) in refused.value.messages
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "单位代码")]
    assert roster_state() == before
    assert not Office.objects.filter(code="qh-new-1").exists()


def test_offices_are_upserted_by_their_code(world, office):
    rows = [
        ["单位代码", "单位名称", "单位类型", "地区代码", "负责人", "联系电话"],
        ["qh-dh-water", "东湖镇水务站", "职能部门", "qh-dh", "陈水", "0571-86660000"],
        ["qh-edu", "区教育局", "department", "qh", "", ""],
    ]
    batch = imports.import_apply(actor=office, batch=preview(office, world, xlsx(rows), "offices"))
    assert batch.summary["created"] == 2
    assert Office.objects.get(code="qh-dh-water").kind == "department"
    before = roster_state()
    again = imports.import_apply(actor=office, batch=preview(office, world, xlsx(rows), "offices"))
    assert again.summary["unchanged"] == 2
    assert roster_state() == before


def test_an_office_kind_that_does_not_exist_names_its_row_and_column(world, office):
    rows = [["单位代码", "单位名称", "单位类型", "地区代码"], ["qh-x", "某单位", "公司", "qh"]]
    [error] = preview(office, world, xlsx(rows), "offices").errors
    assert (error["row"], error["column"]) == (2, "单位类型")


def test_users_are_made_deputies_of_the_importers_own_jurisdiction_only(world, office):
    rows = [
        ["用户名", "姓名", "角色", "地区代码", "单位代码", "电子邮箱"],
        ["qh.dep9", "周九", "代表", "qh", "", "zhou9@example.invalid"],
        ["qh.new9", "吴九", "deputy", "qh", "", ""],
    ]
    batch = imports.import_apply(actor=office, batch=preview(office, world, xlsx(rows), "users"))
    assert batch.summary["created"] == 2
    deputy = User.objects.get(username="qh.dep9")
    assert not deputy.has_usable_password()
    assert has_step(deputy, Step.CAST_BALLOT, world.jurisdictions["qh"])
    assert RoleAssignment.objects.get(user__username="qh.new9").role == Role.DEPUTY
    before = roster_state()
    again = imports.import_apply(actor=office, batch=preview(office, world, xlsx(rows), "users"))
    assert again.summary["created"] == 0 and again.summary["updated"] == 0
    assert roster_state() == before


def test_the_users_import_grants_no_office_role_and_stays_in_its_jurisdiction(world, office):
    rows = [
        ["用户名", "姓名", "角色", "地区代码", "单位代码"],
        ["dh.clerk8", "周八", "department", "qh", "qh-works"],
        ["dh.party9", "吴九", "党委办", "qh", ""],
        ["dh.dep7", "周七", "deputy", "qh-dh", ""],
    ]
    errors = preview(office, world, xlsx(rows), "users").errors
    assert {(e["row"], e["column"]) for e in errors} == {(2, "角色"), (3, "角色"), (4, "地区代码")}
    assert str(imports.ROLE_NOT_IMPORTABLE) in errors[0]["message"] or any(
        str(imports.ROLE_NOT_IMPORTABLE) in e["message"] for e in errors
    )


def test_an_account_of_another_jurisdiction_cannot_be_taken_over(world, office, sibling):
    rows = [["用户名", "姓名", "角色", "地区代码"], ["qh2.congress", "冒名", "deputy", "qh"]]
    errors = preview(office, world, xlsx(rows), "users").errors
    assert (2, "用户名") in [(e["row"], e["column"]) for e in errors]


def test_the_import_pages_show_each_error_and_apply_a_valid_file(client, world, office):
    client.force_login(office)
    rows = good_deputies()
    rows[2][3] = "12345"
    response = client.post(
        reverse("supervision:imports"), {"kind": "deputies", "j": "qh", "file": xlsx(rows)}
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("supervision:import_preview", args=[batch.pk])
    html = client.get(response.url).content.decode()
    assert batch.errors[0]["message"] in html
    assert "Import these rows" not in html and "导入这些行" not in html
    # posting anyway imports nothing
    client.post(response.url)
    assert not Deputy.objects.filter(id_number=id_number(1)).exists()
    response = client.post(
        reverse("supervision:imports"),
        {"kind": "deputies", "j": "qh", "file": xlsx(good_deputies())},
    )
    client.post(response.url)
    assert Deputy.objects.filter(id_number=id_number(1)).exists()


def test_the_empty_template_has_the_header_row(client, office):
    client.force_login(office)
    response = client.get(reverse("supervision:import_template", args=["deputies"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert header[0] == str(imports.DEPUTY_COLUMNS[0].label)
