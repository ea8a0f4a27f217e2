"""Roster imports: deputies, offices and users from an .xlsx or .csv file.

An upload is first checked as a whole (`import_preview`): every problem is reported with
its spreadsheet row and column, in the user's language, and nothing in the roster is
written. Only a file without a single error can be imported (`import_apply`), and
importing is an upsert keyed by the ID card number, the office code or the username:
the same file imported again changes nothing.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import (
    Deputy,
    DeputyKind,
    Jurisdiction,
    Level,
    Office,
    OfficeKind,
    RoleAssignment,
)
from core.models.reporting import ImportBatch, ImportKind, ImportStatus
from permissions.checks import can_import_roster
from permissions.roles import IMPORTABLE_ROLES, Role

from .history import create_with_reason, save_with_reason
from .organisation import deputy_role_assign

# -- messages users see (constants, so tests compare with the very text) -------------

ROW_ERROR = gettext_lazy("Row %(row)s, column “%(column)s”: %(problem)s")
MISSING_COLUMN = gettext_lazy("the column is missing from the header row")
VALUE_REQUIRED = gettext_lazy("a value is required")
TOO_LONG = gettext_lazy("at most %(max)s characters")
UNKNOWN_JURISDICTION = gettext_lazy(
    "unknown jurisdiction code “%(value)s” (or not one you may import into)"
)
DUPLICATE_IN_FILE = gettext_lazy("%(value)s also appears in row %(other)s")
MALFORMED_ID_NUMBER = gettext_lazy("“%(value)s” is not a valid 18-character ID card number")
MALFORMED_PHONE = gettext_lazy("“%(value)s” is not a valid phone number")
MALFORMED_EMAIL = gettext_lazy("“%(value)s” is not a valid e-mail address")
MALFORMED_USERNAME = gettext_lazy(
    "“%(value)s” is not a valid username (letters, digits and @ . + - _ only)"
)
UNKNOWN_CHOICE = gettext_lazy("“%(value)s” is not one of: %(choices)s")
UNKNOWN_USER = gettext_lazy("no user has the username “%(value)s”")
USER_ALREADY_LINKED = gettext_lazy("user %(value)s is already the account of deputy %(name)s")
UNKNOWN_OFFICE = gettext_lazy("no office of this jurisdiction has the code “%(value)s”")
DEPARTMENT_REQUIRED = gettext_lazy(
    "a department role needs the code of a department of the same jurisdiction"
)
ID_NUMBER_ELSEWHERE = gettext_lazy(
    "ID card number %(value)s belongs to a deputy of a jurisdiction you may not import into"
)
OFFICE_CODE_ELSEWHERE = gettext_lazy(
    "office code %(value)s belongs to an office of a jurisdiction you may not import into"
)
USERNAME_ELSEWHERE = gettext_lazy(
    "username %(value)s belongs to an account you may not change from here"
)
WRONG_FILE_TYPE = gettext_lazy("Upload an Excel (.xlsx) or CSV (.csv) file.")
UNREADABLE_FILE = gettext_lazy("The file could not be read as %(kind)s.")
NO_HEADER_ROW = gettext_lazy(
    "No header row was found: the first rows must name the columns (for example %(columns)s)."
)
NO_DATA_ROWS = gettext_lazy("The file has a header row but no data rows.")
TOO_MANY_ROWS = gettext_lazy("The file has more than %(max)s rows; split it into smaller files.")
FILE_TOO_LARGE = gettext_lazy("The file is too large (at most %(mb)s MB).")
NOT_ALLOWED = gettext_lazy("You may not import rosters for this jurisdiction.")
ROLE_NOT_IMPORTABLE = gettext_lazy(
    "the import makes deputies only; office roles are granted on the roles page by an "
    "administrator or the congress office of the level above"
)
NOT_OWN_JURISDICTION = gettext_lazy(
    "“%(value)s” is not this office's own jurisdiction: each jurisdiction imports its own roster"
)
OFFICE_ACCOUNT = gettext_lazy(
    "%(value)s holds an office role (or is the importer) and cannot be made a deputy here"
)
CHOOSE_FILE = gettext_lazy("Choose what to import, the jurisdiction and a file.")
ALREADY_APPLIED = gettext_lazy("This file has already been imported.")
HAS_ERRORS = gettext_lazy("The file has errors; correct them and upload it again.")
NOW_INVALID = gettext_lazy(
    "The roster changed since the file was checked and the file is no longer valid; "
    "nothing was imported. See the errors below."
)
SUMMARY = gettext_lazy("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 5

PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
USERNAME_RE = re.compile(r"^[\w.@+-]+$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    """The last character of a resident ID card number (GB 11643)."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def valid_id_number(value: str) -> bool:
    return bool(ID_NUMBER_RE.match(value)) and id_number_check_digit(value[:17]) == value[17]


# -- columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translated text: the header the template writes
    aliases: tuple = ()  # other header texts accepted (Chinese, English, codes)
    required: bool = True  # must the column be present?
    value_required: bool = True  # must every row have a value?
    max_length: int = 100


DEPUTY_COLUMNS = (
    Column("name", gettext_lazy("Name"), ("姓名", "name"), max_length=50),
    Column(
        "id_number",
        gettext_lazy("ID card number"),
        ("身份证号码", "身份证号", "公民身份号码", "id_number"),
        max_length=18,
    ),
    Column(
        "jurisdiction",
        gettext_lazy("Jurisdiction code"),
        ("地区代码", "行政区划代码", "jurisdiction"),
        max_length=20,
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        ("联系电话", "手机号码", "电话", "phone"),
        value_required=False,
        max_length=20,
    ),
    Column("kind", gettext_lazy("Kind"), ("代表类别", "类别", "kind"), False, False, 20),
    Column("congress", gettext_lazy("Congress and term"), ("届次", "congress"), False, False, 50),
    Column("delegation", gettext_lazy("Delegation"), ("代表团", "delegation"), False, False, 50),
    Column(
        "expertise", gettext_lazy("Expertise"), ("专业特长", "特长", "expertise"), False, False, 200
    ),
    Column(
        "liaison_station",
        gettext_lazy("Liaison station"),
        ("代表联络站", "联络站", "liaison_station"),
        False,
        False,
        100,
    ),
    Column("username", gettext_lazy("Username"), ("用户名", "账号", "username"), False, False, 150),
)

OFFICE_COLUMNS = (
    Column("code", gettext_lazy("Office code"), ("单位代码", "code"), max_length=30),
    Column("name", gettext_lazy("Office name"), ("单位名称", "name"), max_length=100),
    Column("kind", gettext_lazy("Office kind"), ("单位类型", "类型", "kind"), max_length=20),
    Column(
        "jurisdiction",
        gettext_lazy("Jurisdiction code"),
        ("地区代码", "行政区划代码", "jurisdiction"),
        max_length=20,
    ),
    Column("head_name", gettext_lazy("Head"), ("负责人", "head"), False, False, 50),
    Column("phone", gettext_lazy("Phone"), ("联系电话", "电话", "phone"), False, False, 30),
)

USER_COLUMNS = (
    Column("username", gettext_lazy("Username"), ("用户名", "账号", "username"), max_length=150),
    Column("name", gettext_lazy("Name"), ("姓名", "name"), max_length=150),
    Column("role", gettext_lazy("Role"), ("角色", "role"), max_length=30),
    Column(
        "jurisdiction",
        gettext_lazy("Jurisdiction code"),
        ("地区代码", "行政区划代码", "jurisdiction"),
        max_length=20,
    ),
    Column("office", gettext_lazy("Office code"), ("单位代码", "office"), False, False, 30),
    Column("email", gettext_lazy("E-mail"), ("电子邮箱", "邮箱", "email"), False, False, 254),
)

COLUMNS = {
    ImportKind.DEPUTIES: DEPUTY_COLUMNS,
    ImportKind.OFFICES: OFFICE_COLUMNS,
    ImportKind.USERS: USER_COLUMNS,
}

# Values accepted in choice columns, besides the code itself and its label.
DEPUTY_KIND_ALIASES = {
    "人大代表": DeputyKind.DEPUTY,
    "代表": DeputyKind.DEPUTY,
    "议事代表": DeputyKind.COUNCIL,
    "居民议事会代表": DeputyKind.COUNCIL,
}
OFFICE_KIND_ALIASES = {
    "党委办公室": OfficeKind.PARTY,
    "党委办": OfficeKind.PARTY,
    "人大办公室": OfficeKind.CONGRESS,
    "人大办": OfficeKind.CONGRESS,
    "人大常委会办公室": OfficeKind.CONGRESS,
    "政府办公室": OfficeKind.GOVERNMENT,
    "政府办": OfficeKind.GOVERNMENT,
    "职能部门": OfficeKind.DEPARTMENT,
    "部门": OfficeKind.DEPARTMENT,
}
ROLE_ALIASES = {
    "人大代表": Role.DEPUTY,
    "代表": Role.DEPUTY,
    "议事代表": Role.DEPUTY,
    "人大办公室": Role.CONGRESS_OFFICE,
    "人大办": Role.CONGRESS_OFFICE,
    "政府办公室": Role.GOVERNMENT_OFFICE,
    "政府办": Role.GOVERNMENT_OFFICE,
    "职能部门": Role.DEPARTMENT,
    "部门": Role.DEPARTMENT,
    "党委办公室": Role.PARTY_OFFICE,
    "党委办": Role.PARTY_OFFICE,
    "计票人": Role.TELLER,
    "监票人": Role.TELLER,
    "监督人员": Role.SUPERVISOR,
}


def _norm(text) -> str:
    return re.sub(r"[\s*＊:：]", "", str(text)).lower()


def _header_names(column: Column) -> set[str]:
    names = {_norm(column.label), _norm(column.key), *(_norm(a) for a in column.aliases)}
    with translation.override("en"):
        names.add(_norm(column.label))
    with translation.override("zh-hans"):
        names.add(_norm(column.label))
    return names


def _choices(pairs, aliases: dict) -> dict[str, str]:
    """Accepted spellings → value: the code, the label in every language, the aliases."""
    accepted = {}
    for value, label in pairs:
        accepted[_norm(value)] = str(value)
        accepted[_norm(label)] = str(value)
        for language in ("en", "zh-hans"):
            with translation.override(language):
                accepted[_norm(label)] = str(value)
    for alias, value in aliases.items():
        accepted[_norm(alias)] = str(value)
    return accepted


# -- reading a file ------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_rows(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    """(spreadsheet row number, cell texts) of every row of the first sheet."""
    extension = PurePath(name).suffix.lower()
    if extension == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = [
                (number, [_cell(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                if number <= MAX_ROWS + HEADER_SEARCH_ROWS + 1
            ]
            book.close()
        except Exception:
            raise ValidationError(UNREADABLE_FILE % {"kind": "Excel (.xlsx)"})
        return rows
    if extension == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(UNREADABLE_FILE % {"kind": "CSV"})
        try:
            return [
                (number, [_cell(v) for v in values])
                for number, values in enumerate(csv.reader(io.StringIO(text)), start=1)
            ]
        except csv.Error:
            raise ValidationError(UNREADABLE_FILE % {"kind": "CSV"})
    raise ValidationError(WRONG_FILE_TYPE)


@dataclass
class Sheet:
    header_row: int
    headers: dict  # column key -> header text as written in the file
    rows: list  # [{"row": n, "values": {key: text}}]


def _find_header(columns, rows) -> tuple[int, dict]:
    """The first of the top rows that names at least two known columns, and where each is."""
    names = {column.key: _header_names(column) for column in columns}
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        positions = {}
        for index, text in enumerate(cells):
            for key, accepted in names.items():
                if text and _norm(text) in accepted and key not in positions:
                    positions[key] = index
        if len(positions) >= 2:
            return number, positions
    example = "、".join(str(c.label) for c in columns if c.required)
    raise ValidationError(NO_HEADER_ROW % {"columns": example})


def parse(kind: str, rows: list[tuple[int, list[str]]]) -> tuple[Sheet, list[dict]]:
    """Find the header row (title rows above it are allowed) and read the data rows."""
    columns = COLUMNS[kind]
    header_row, positions = _find_header(columns, rows)
    errors = []
    for column in columns:
        if column.required and column.key not in positions:
            errors.append(_error(header_row, str(column.label), MISSING_COLUMN))
    data = []
    for number, cells in rows:
        if number <= header_row or not any(cells):
            continue
        values = {
            key: (cells[index].strip() if index < len(cells) else "")
            for key, index in positions.items()
        }
        data.append({"row": number, "values": values})
    if len(data) > MAX_ROWS:
        raise ValidationError(TOO_MANY_ROWS % {"max": MAX_ROWS})
    if not data:
        raise ValidationError(NO_DATA_ROWS)
    headers = {key: rows[header_row - 1][1][index] for key, index in positions.items()}
    return Sheet(header_row=header_row, headers=headers, rows=data), errors


def _error(row: int, column: str, problem, **params) -> dict:
    problem_text = str(problem) % params if params else str(problem)
    return {
        "row": row,
        "column": column,
        "message": str(ROW_ERROR) % {"row": row, "column": column, "problem": problem_text},
    }


# -- checking rows -------------------------------------------------------------------


class _Checker:
    """Checks every row against the file and the roster as it is now; collects errors."""

    def __init__(self, *, actor, jurisdiction, kind, sheet: Sheet):
        self.actor, self.root, self.kind, self.sheet = actor, jurisdiction, kind, sheet
        self.columns = {c.key: c for c in COLUMNS[kind]}
        self.errors: list[dict] = []
        self.jurisdictions = {
            j.code: j for j in Jurisdiction.objects.filter(path__startswith=jurisdiction.path)
        }

    def column_name(self, key: str) -> str:
        return self.sheet.headers.get(key) or str(self.columns[key].label)

    def fail(self, row: int, key: str, problem, **params) -> None:
        self.errors.append(_error(row, self.column_name(key), problem, **params))

    def present(self, key: str) -> bool:
        return key in self.sheet.headers

    def basic(self, row: dict) -> None:
        for key, column in self.columns.items():
            value = row["values"].get(key, "")
            if not self.present(key):
                continue
            if column.value_required and not value:
                self.fail(row["row"], key, VALUE_REQUIRED)
            elif len(value) > column.max_length:
                self.fail(row["row"], key, TOO_LONG, max=column.max_length)

    def jurisdiction_of(self, row: dict):
        code = row["values"].get("jurisdiction", "")
        jurisdiction = self.jurisdictions.get(code)
        if code and jurisdiction is None:
            self.fail(row["row"], "jurisdiction", UNKNOWN_JURISDICTION, value=code)
        return jurisdiction

    def own_jurisdiction(self, row: dict):
        """People and deputies are imported only into the importer's own jurisdiction."""
        jurisdiction = self.jurisdiction_of(row)
        if jurisdiction is not None and jurisdiction.pk != self.root.pk:
            self.fail(row["row"], "jurisdiction", NOT_OWN_JURISDICTION, value=jurisdiction.code)
        return jurisdiction

    def office_accounts(self, users) -> set[int]:
        """The accounts the roster import may not touch: the importer's own, staff, and
        anyone who holds a role other than deputy."""
        ids = {u.pk for u in users if u.is_staff or u.is_superuser}
        ids |= set(
            RoleAssignment.objects.filter(user__in=list(users))
            .exclude(role=Role.DEPUTY)
            .values_list("user_id", flat=True)
        )
        if self.actor is not None:
            ids.add(self.actor.pk)
        return ids

    def choice(self, row: dict, key: str, accepted: dict[str, str]):
        value = row["values"].get(key, "")
        if not value:
            return None
        chosen = accepted.get(_norm(value))
        if chosen is None:
            labels = sorted({_label for _label in self.choice_labels(key)})
            self.fail(row["row"], key, UNKNOWN_CHOICE, value=value, choices="、".join(labels))
        return chosen

    def choice_labels(self, key: str) -> list[str]:
        pairs = {
            (ImportKind.DEPUTIES, "kind"): DeputyKind.choices,
            (ImportKind.OFFICES, "kind"): OfficeKind.choices,
            (ImportKind.USERS, "role"): [(r.value, r.label) for r in Role],
        }[(self.kind, key)]
        return [str(label) for _value, label in pairs]

    def phone(self, row: dict, key: str = "phone") -> None:
        value = row["values"].get(key, "")
        if not value:
            return
        cleaned = re.sub(r"\s", "", value)
        if cleaned.startswith("+86"):
            cleaned = cleaned[3:]
        if not PHONE_RE.match(cleaned):
            self.fail(row["row"], key, MALFORMED_PHONE, value=value)
        else:
            row["values"][key] = cleaned

    def unique(self, key: str) -> None:
        seen: dict[str, int] = {}
        for row in self.sheet.rows:
            value = row["values"].get(key, "")
            if not value:
                continue
            folded = value.upper() if key == "id_number" else value
            if folded in seen:
                self.fail(row["row"], key, DUPLICATE_IN_FILE, value=value, other=seen[folded])
            else:
                seen[folded] = row["row"]

    # -- per roster ---------------------------------------------------------------
    def check(self) -> list[dict]:
        getattr(self, f"check_{self.kind}")()
        self.errors.sort(key=lambda e: (e["row"], e["column"]))
        return self.errors

    def check_deputies(self) -> None:
        kinds = _choices(DeputyKind.choices, DEPUTY_KIND_ALIASES)
        rows = self.sheet.rows
        ids = [r["values"].get("id_number", "").upper() for r in rows]
        existing = {
            d.id_number: d
            for d in Deputy.objects.filter(id_number__in=[i for i in ids if i]).select_related(
                "jurisdiction"
            )
        }
        usernames = [r["values"].get("username", "") for r in rows]
        users = {
            u.username: u for u in User.objects.filter(username__in=[u for u in usernames if u])
        }
        linked = {
            d.user_id: d
            for d in Deputy.objects.filter(user__in=list(users.values())).only(
                "user_id", "name", "id_number"
            )
        }
        office_holders = self.office_accounts(users.values())
        for row in rows:
            self.basic(row)
            values = row["values"]
            values["id_number"] = values.get("id_number", "").upper()
            id_number = values["id_number"]
            if id_number and len(id_number) <= 18 and not valid_id_number(id_number):
                self.fail(row["row"], "id_number", MALFORMED_ID_NUMBER, value=id_number)
            elif id_number in existing and existing[id_number].jurisdiction.code not in (
                self.jurisdictions
            ):
                self.fail(row["row"], "id_number", ID_NUMBER_ELSEWHERE, value=id_number)
            self.own_jurisdiction(row)
            self.phone(row)
            values["kind"] = self.choice(row, "kind", kinds) or ""
            username = values.get("username", "")
            if username:
                user = users.get(username)
                if user is None:
                    self.fail(row["row"], "username", UNKNOWN_USER, value=username)
                elif user.pk in office_holders:
                    self.fail(row["row"], "username", OFFICE_ACCOUNT, value=username)
                else:
                    holder = linked.get(user.pk)
                    if holder is not None and holder.id_number != id_number:
                        self.fail(
                            row["row"],
                            "username",
                            USER_ALREADY_LINKED,
                            value=username,
                            name=holder.name,
                        )
        self.unique("id_number")
        if self.present("username"):
            self.unique("username")

    def check_offices(self) -> None:
        kinds = _choices(OfficeKind.choices, OFFICE_KIND_ALIASES)
        codes = [r["values"].get("code", "") for r in self.sheet.rows]
        existing = {
            o.code: o
            for o in Office.objects.filter(code__in=[c for c in codes if c]).select_related(
                "jurisdiction"
            )
        }
        for row in self.sheet.rows:
            self.basic(row)
            values = row["values"]
            code = values.get("code", "")
            if code and not re.match(r"^[\w.-]+$", code):
                self.fail(row["row"], "code", UNKNOWN_CHOICE, value=code, choices="A-Z 0-9 - _ .")
            elif code in existing and existing[code].jurisdiction.code not in self.jurisdictions:
                self.fail(row["row"], "code", OFFICE_CODE_ELSEWHERE, value=code)
            self.jurisdiction_of(row)
            values["kind"] = self.choice(row, "kind", kinds) or ""
            self.phone(row)
        self.unique("code")

    def check_users(self) -> None:
        roles = _choices([(r.value, r.label) for r in Role], ROLE_ALIASES)
        rows = self.sheet.rows
        usernames = [r["values"].get("username", "") for r in rows]
        existing = {
            u.username: u for u in User.objects.filter(username__in=[u for u in usernames if u])
        }
        office_holders = self.office_accounts(existing.values())
        outside = set(
            RoleAssignment.objects.filter(user__in=list(existing.values()))
            .exclude(jurisdiction__path__startswith=self.root.path)
            .values_list("user__username", flat=True)
        )
        office_codes = [r["values"].get("office", "") for r in rows]
        offices = {
            o.code: o
            for o in Office.objects.filter(code__in=[c for c in office_codes if c]).select_related(
                "jurisdiction"
            )
        }
        for row in rows:
            self.basic(row)
            values = row["values"]
            username = values.get("username", "")
            if username and not USERNAME_RE.match(username):
                self.fail(row["row"], "username", MALFORMED_USERNAME, value=username)
            user = existing.get(username)
            if user is not None and (user.is_staff or user.is_superuser or username in outside):
                self.fail(row["row"], "username", USERNAME_ELSEWHERE, value=username)
            elif user is not None and user.pk in office_holders:
                self.fail(row["row"], "username", OFFICE_ACCOUNT, value=username)
            jurisdiction = self.own_jurisdiction(row)
            role = self.choice(row, "role", roles)
            values["role"] = role or ""
            if role and role not in IMPORTABLE_ROLES:
                self.fail(row["row"], "role", ROLE_NOT_IMPORTABLE)
            code = values.get("office", "")
            office = offices.get(code)
            if code and (
                office is None or jurisdiction is None or office.jurisdiction_id != jurisdiction.pk
            ):
                self.fail(row["row"], "office", UNKNOWN_OFFICE, value=code)
            elif role == Role.DEPARTMENT and (
                office is None or office.kind != OfficeKind.DEPARTMENT
            ):
                self.fail(row["row"], "office", DEPARTMENT_REQUIRED)
            email = values.get("email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.fail(row["row"], "email", MALFORMED_EMAIL, value=email)
        # the same username may appear on several rows only to hold several roles
        seen: dict[tuple, int] = {}
        for row in rows:
            v = row["values"]
            key = (v.get("username"), v.get("role"), v.get("jurisdiction"), v.get("office"))
            if key in seen and v.get("username"):
                self.fail(
                    row["row"], "username", DUPLICATE_IN_FILE, value=v["username"], other=seen[key]
                )
            seen.setdefault(key, row["row"])


# -- services ------------------------------------------------------------------------


def _check_permission(actor, jurisdiction) -> None:
    if not can_import_roster(actor, jurisdiction):
        raise ValidationError(NOT_ALLOWED)


@transaction.atomic
def import_preview(*, actor, jurisdiction: Jurisdiction, kind: str, upload) -> ImportBatch:
    """Read and check an uploaded roster file. Writes only the batch (its rows and errors),
    never the roster itself."""
    _check_permission(actor, jurisdiction)
    kind = ImportKind(kind)
    if upload.size > MAX_BYTES:
        raise ValidationError(FILE_TOO_LARGE % {"mb": MAX_BYTES // (1024 * 1024)})
    content = upload.read()
    sheet, errors = parse(kind, read_rows(upload.name, content))
    if not errors:
        errors = _Checker(actor=actor, jurisdiction=jurisdiction, kind=kind, sheet=sheet).check()
    return create_with_reason(
        ImportBatch,
        actor=actor,
        why=_("Roster file checked: %(n)s rows, %(e)s errors")
        % {"n": len(sheet.rows), "e": len(errors)},
        kind=kind,
        status=ImportStatus.INVALID if errors else ImportStatus.VALID,
        jurisdiction=jurisdiction,
        uploaded_by=actor,
        file_name=PurePath(upload.name).name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        rows=sheet.rows,
        errors=errors,
        summary={"headers": sheet.headers, "header_row": sheet.header_row},
    )


def import_apply(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import a checked file: all rows or none. The file is checked again against the
    roster as it is now; if anything changed that makes it invalid, nothing is written."""
    _check_permission(actor, batch.jurisdiction)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update().select_related("jurisdiction").get(pk=batch.pk)
        )
        if batch.status == ImportStatus.APPLIED:
            raise ValidationError(ALREADY_APPLIED)
        if batch.status != ImportStatus.VALID:
            raise ValidationError(HAS_ERRORS)
        sheet = Sheet(
            header_row=batch.summary.get("header_row", 1),
            headers=batch.summary.get("headers", {}),
            rows=batch.rows,
        )
        errors = _Checker(
            actor=actor, jurisdiction=batch.jurisdiction, kind=batch.kind, sheet=sheet
        ).check()
        if errors:
            batch.status = ImportStatus.INVALID
            batch.errors = errors
            save_with_reason(batch, actor=actor, reason=_("Roster file no longer valid"))
        else:
            counts = _UPSERTS[batch.kind](actor=actor, batch=batch, sheet=sheet)
            batch.status = ImportStatus.APPLIED
            batch.applied_at = timezone.now()
            batch.summary = {**batch.summary, **counts}
            save_with_reason(batch, actor=actor, reason=summary_text(batch))
    if errors:
        raise ValidationError(NOW_INVALID)
    return batch


def _upsert(model, *, actor, existing, fields: dict, why: str, counts: dict):
    """Create a row, or save only the fields that differ; count what happened."""
    if existing is None:
        obj = create_with_reason(model, actor=actor, why=why, **fields)
        counts["created"] += 1
        return obj
    changed = [name for name, value in fields.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, fields[name])
        save_with_reason(existing, actor=actor, reason=why)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return existing


def _new_counts() -> dict:
    return {"created": 0, "updated": 0, "unchanged": 0}


def _jurisdictions_under(batch) -> dict:
    return {
        j.code: j for j in Jurisdiction.objects.filter(path__startswith=batch.jurisdiction.path)
    }


def _upsert_deputies(*, actor, batch, sheet) -> dict:
    counts = _new_counts()
    jurisdictions = _jurisdictions_under(batch)
    rows = sheet.rows
    existing = {
        d.id_number: d
        for d in Deputy.objects.filter(id_number__in=[r["values"]["id_number"] for r in rows])
    }
    usernames = [r["values"].get("username") for r in rows if r["values"].get("username")]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    why = _("Imported from %(file)s") % {"file": batch.file_name}
    for row in rows:
        values = row["values"]
        jurisdiction = jurisdictions[values["jurisdiction"]]
        fields = {
            "name": values["name"],
            "id_number": values["id_number"],
            "jurisdiction_id": jurisdiction.pk,
            "phone": values.get("phone", ""),
        }
        kind = values.get("kind") or (
            DeputyKind.COUNCIL if jurisdiction.level == Level.STREET else DeputyKind.DEPUTY
        )
        fields["kind"] = str(kind)
        for key in ("congress", "delegation", "expertise", "liaison_station"):
            if key in sheet.headers:
                fields[key] = values.get(key, "")
        if values.get("username"):
            fields["user_id"] = users[values["username"]].pk
        _upsert(
            Deputy,
            actor=actor,
            existing=existing.get(values["id_number"]),
            fields=fields,
            why=why,
            counts=counts,
        )
    return counts


def _upsert_offices(*, actor, batch, sheet) -> dict:
    counts = _new_counts()
    jurisdictions = _jurisdictions_under(batch)
    existing = {
        o.code: o for o in Office.objects.filter(code__in=[r["values"]["code"] for r in sheet.rows])
    }
    why = _("Imported from %(file)s") % {"file": batch.file_name}
    for row in sheet.rows:
        values = row["values"]
        fields = {
            "code": values["code"],
            "name": values["name"],
            "kind": values["kind"],
            "jurisdiction_id": jurisdictions[values["jurisdiction"]].pk,
        }
        for key in ("head_name", "phone"):
            if key in sheet.headers:
                fields[key] = values.get(key, "")
        _upsert(
            Office,
            actor=actor,
            existing=existing.get(values["code"]),
            fields=fields,
            why=why,
            counts=counts,
        )
    return counts


def _upsert_users(*, actor, batch, sheet) -> dict:
    counts = _new_counts()
    jurisdictions = _jurisdictions_under(batch)
    rows = sheet.rows
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r["values"]["username"] for r in rows])
    }
    before = RoleAssignment.objects.filter(user__in=list(users.values())).count()
    touched = set()
    for row in rows:
        values = row["values"]
        username = values["username"]
        user = users.get(username)
        fields = {"first_name": values["name"]}
        if "email" in sheet.headers:
            fields["email"] = values.get("email", "")
        if user is None:
            user = User(username=username, **fields)
            user.set_unusable_password()
            user.save()
            users[username] = user
            counts["created"] += 1
            touched.add(username)
        elif username not in touched:
            changed = [name for name, value in fields.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, fields[name])
                user.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            touched.add(username)
        jurisdiction = jurisdictions[values["jurisdiction"]]
        if values["role"]:
            deputy_role_assign(actor=actor, user=user, jurisdiction=jurisdiction)
    after = RoleAssignment.objects.filter(user__in=list(users.values())).count()
    counts["roles_granted"] = after - before
    return counts


_UPSERTS = {
    ImportKind.DEPUTIES: _upsert_deputies,
    ImportKind.OFFICES: _upsert_offices,
    ImportKind.USERS: _upsert_users,
}


# -- helpers for the pages -----------------------------------------------------------


def summary_text(batch: ImportBatch) -> str:
    summary = batch.summary or {}
    return str(SUMMARY) % {
        "created": summary.get("created", 0),
        "updated": summary.get("updated", 0),
        "unchanged": summary.get("unchanged", 0),
    }


def columns_of(kind: str) -> tuple:
    return COLUMNS[ImportKind(kind)]


def column_help() -> list[dict]:
    return [
        {
            "kind": kind,
            "label": label,
            "columns": [
                {"label": c.label, "required": c.required, "value_required": c.value_required}
                for c in COLUMNS[kind]
            ],
        }
        for kind, label in ImportKind.choices
    ]


def preview_table(batch: ImportBatch, limit: int = 500) -> tuple[list, list]:
    """The header labels and the first rows of a batch, each row with its errors."""
    columns = [c for c in columns_of(batch.kind) if c.key in batch.summary.get("headers", {})]
    errors_by_row: dict[int, list] = {}
    for error in batch.errors:
        errors_by_row.setdefault(error["row"], []).append(error)
    rows = []
    for row in batch.rows[:limit]:
        rows.append(
            {
                "row": row["row"],
                "cells": [row["values"].get(c.key, "") for c in columns],
                "errors": errors_by_row.get(row["row"], []),
            }
        )
    return [str(c.label) for c in columns], rows


def template_workbook(kind: str) -> bytes:
    """An empty roster file with the header row, in the user's language."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(ImportKind(kind).label)[:31]
    for index, column in enumerate(columns_of(kind), start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.label))
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(column.label)) * 2)
        # ID numbers and phones as text, so Excel keeps every digit
        sheet.column_dimensions[cell.column_letter].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
