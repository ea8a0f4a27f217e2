"""The organisation of a generated province: a city, its counties, their townships, each
with its five offices, one clerk per office and role, three tellers and its deputies.

Everything is written in bulk (users with one precomputed password hash, role
assignments with their guardian object permissions), so a thousand townships and their
thirty thousand deputies take a minute. The grants are the ones `permissions.grants`
would make for the same role assignments (the same table, `permissions.roles`), written
as rows instead of one `assign_perm` call each.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from guardian.models import UserObjectPermission

from core.categories import ensure_default_categories
from core.models import (
    Category,
    Deputy,
    DeputyKind,
    Jurisdiction,
    Level,
    Office,
    OfficeKind,
    RoleAssignment,
)
from permissions.roles import OFFICE_ROLES, Role, steps_for

ROOT_CODE = "sc"
ROOT_NAME = "云岭市"
BATCH = 5000

# Two-character names are put together from these (believable, not real places).
FIRST = "东西南北青白金石桃柳松梅兰竹清平安和永新大小长丰"
SECOND = "山河湖溪桥岭川坪塘林湾田源泉阳沟岗洲铺港"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "国庆",
    "海燕",
    "文军",
    "春梅",
    "晓东",
    "玉兰",
    "德明",
    "红霞",
    "立新",
    "淑芬",
    "永刚",
    "桂英",
]
EXPERTISE = ["工程建设", "财务审计", "教育", "医疗卫生", "法律", "农业农村", "社区工作", "交通"]

OFFICES = [
    (OfficeKind.PARTY, "party", "党委办公室"),
    (OfficeKind.CONGRESS, "congress", "人大办公室"),
    (OfficeKind.GOVERNMENT, "government", "政府办公室"),
    (OfficeKind.DEPARTMENT, "works", "建设管理办公室"),
    (OfficeKind.DEPARTMENT, "social", "社会事务办公室"),
]
# One clerk per role of a jurisdiction (departments: one per department office).
CLERKS = [
    ("congress", Role.CONGRESS_OFFICE, None),
    ("government", Role.GOVERNMENT_OFFICE, None),
    ("party", Role.PARTY_OFFICE, None),
    ("works", Role.DEPARTMENT, "works"),
    ("social", Role.DEPARTMENT, "social"),
    ("teller", Role.TELLER, None),
    ("teller2", Role.TELLER, None),  # three tellers: any two open a vote's sealed ballots
    ("teller3", Role.TELLER, None),
]


@dataclass
class Province:
    """What the case generator needs to know of the organisation, by primary key."""

    root: Jurisdiction
    counties: list = field(default_factory=list)
    townships: list = field(default_factory=list)
    departments: dict = field(default_factory=dict)  # jurisdiction id -> [Office]
    clerks: dict = field(default_factory=dict)  # (jurisdiction id, key) -> user id
    office_clerk: dict = field(default_factory=dict)  # office id -> user id
    deputies: dict = field(default_factory=dict)  # jurisdiction id -> [(deputy id, user id)]


def _place_name(rng, taken: set, suffix: str) -> str:
    for _ in range(200):
        name = rng.choice(FIRST) + rng.choice(SECOND) + suffix
        if name not in taken:
            taken.add(name)
            return name
    name = f"{rng.choice(FIRST)}{rng.choice(SECOND)}{len(taken)}{suffix}"
    taken.add(name)
    return name


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build_province(
    *, townships: int, per_county: int = 20, deputies_per_township: int = 30, seed: int = 1
) -> Province:
    """Create the province; refuses when its root already exists."""
    rng = random.Random(seed)
    ensure_default_categories(Category)
    root = Jurisdiction(code=ROOT_CODE, name=ROOT_NAME, level=Level.CITY)
    root.save()
    province = Province(root=root)
    n_counties = max(1, -(-townships // per_county))
    taken: set = set()
    counties = [
        Jurisdiction(
            code=f"{ROOT_CODE}{c + 1:02d}",
            name=_place_name(rng, taken, "县"),
            level=Level.COUNTY,
            parent=root,
            path=f"{root.path}{ROOT_CODE}{c + 1:02d}/",
        )
        for c in range(n_counties)
    ]
    province.counties = Jurisdiction.objects.bulk_create(counties, batch_size=BATCH)
    towns = []
    for index in range(townships):
        county = province.counties[index % n_counties]
        code = f"{county.code}-{index // n_counties + 1:02d}"
        street = index % 7 == 6  # about one in seven is a street
        towns.append(
            Jurisdiction(
                code=code,
                name=_place_name(rng, taken, "街道" if street else ("乡" if index % 3 else "镇")),
                level=Level.STREET if street else Level.TOWNSHIP,
                parent=county,
                path=f"{county.path}{code}/",
            )
        )
    province.townships = Jurisdiction.objects.bulk_create(towns, batch_size=BATCH)
    places = [root, *province.counties, *province.townships]

    offices = []
    for place in places:
        for kind, suffix, name in OFFICES:
            offices.append(
                Office(
                    jurisdiction=place,
                    kind=kind,
                    name=place.name + name,
                    code=f"{place.code}-{suffix}",
                    head_name=_person(rng),
                )
            )
    offices = Office.objects.bulk_create(offices, batch_size=BATCH)
    by_code = {o.code: o for o in offices}
    for office in offices:
        if office.kind == OfficeKind.DEPARTMENT:
            province.departments.setdefault(office.jurisdiction_id, []).append(office)

    password = make_password("demo-2026")
    users, assignments = [], []  # assignments: (username, role, place, office)
    deputy_rows = []
    for place in places:
        prefix = place.code.replace("-", ".")
        for key, role, office_suffix in CLERKS:
            username = f"{prefix}.{key}"
            users.append(User(username=username, first_name=_person(rng), password=password))
            office = by_code[f"{place.code}-{office_suffix}"] if office_suffix else None
            assignments.append((username, role, place, office))
        if place.level in (Level.CITY, Level.COUNTY):
            username = f"{prefix}.supervisor"
            users.append(User(username=username, first_name=_person(rng), password=password))
            assignments.append((username, Role.SUPERVISOR, place, None))
        if place.level == Level.CITY:
            continue  # the city's congress is outside the programme generated here
        kind = DeputyKind.COUNCIL if place.level == Level.STREET else DeputyKind.DEPUTY
        for n in range(1, deputies_per_township + 1):
            username = f"{prefix}.deputy{n}"
            name = _person(rng)
            users.append(User(username=username, first_name=name, password=password))
            assignments.append((username, Role.DEPUTY, place, None))
            deputy_rows.append((username, place, name, kind, n))
    users = User.objects.bulk_create(users, batch_size=BATCH)
    user_id = {u.username: u.pk for u in users}

    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                user_id=user_id[username],
                name=name,
                kind=kind,
                jurisdiction=place,
                congress="第十八届" if kind == DeputyKind.DEPUTY else "第三届议事会",
                delegation=f"第{(n - 1) // 10 + 1}代表团",
                expertise=EXPERTISE[n % len(EXPERTISE)],
                liaison_station=f"{place.name}代表联络站",
            )
            for username, place, name, kind, n in deputy_rows
        ],
        batch_size=BATCH,
    )
    for deputy in deputies:
        province.deputies.setdefault(deputy.jurisdiction_id, []).append((deputy.pk, deputy.user_id))

    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=user_id[u], role=role, jurisdiction=place, office=office)
            for u, role, place, office in assignments
        ],
        batch_size=BATCH,
    )
    grant_rows(
        (user_id[u], role, office if Role(role) in OFFICE_ROLES else place)
        for u, role, place, office in assignments
    )
    for username, role, place, office in assignments:
        if role == Role.DEPUTY or role == Role.SUPERVISOR:
            continue
        key = username.rsplit(".", 1)[1]
        province.clerks[(place.pk, key)] = user_id[username]
        if office is not None:
            province.office_clerk[office.pk] = user_id[username]
    return province


def grant_rows(grants) -> None:
    """Guardian object permissions for (user id, role, target object) triples, in bulk:
    exactly the steps `permissions.roles.ROLE_STEPS` gives each role."""
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="core")}
    types: dict = {}
    rows = []
    for user_pk, role, target in grants:
        model = type(target)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        for step in steps_for(role):
            rows.append(
                UserObjectPermission(
                    user_id=user_pk,
                    permission=permissions[step.value],
                    content_type=types[model],
                    object_pk=str(target.pk),
                )
            )
    UserObjectPermission.objects.bulk_create(rows, batch_size=BATCH)


def monitor_grant_rows(pairs) -> None:
    """The monitoring group's permissions on its project, for (user id, project id)."""
    from core.models import Project
    from permissions.roles import MONITORING_GROUP_STEPS

    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="core")}
    project_type = ContentType.objects.get_for_model(Project)
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user_id=user_pk,
                permission=permissions[step.value],
                content_type=project_type,
                object_pk=str(project_pk),
            )
            for user_pk, project_pk in pairs
            for step in MONITORING_GROUP_STEPS
        ],
        batch_size=BATCH,
    )
