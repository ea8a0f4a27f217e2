"""The demo of the deputies' area: liaison stations with QR posters, communities and
their handlers, deputies proposing all year and credited in their duty record, residents
writing through the QR codes, suggestions routed up to the county, handed to a community
and kept for next year, an autumn of fragmentary wishes to group and merge, the county's
special collection, and candidates with public comments and delegations' opinions.

Built through the services, like the rest of the demo; building twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import (
    Category,
    Channel,
    Community,
    Deputy,
    LiaisonStation,
    Project,
    Stage,
    Suggestion,
)
from core.services import candidates, collection, duty, stations, suggestions
from permissions.roles import Role

STATIONS = [
    # jurisdiction, code, name, address, reception hours
    ("qh", "qh-cz", "清河区城中代表联络站", "清河区人民路88号区人大常委会一楼", "每周三上午"),
    ("qh-dh", "qh-dh-zx", "东湖镇代表联络站", "东湖镇人民路1号便民服务中心二楼", "每月15日上午"),
    ("qh-xs", "qh-xs-zx", "西山乡代表联络站", "西山乡政府院内", "每月10日全天"),
    ("qh-nm", "qh-nm-zx", "南门街道代表联络站", "南门街道和平社区党群服务中心", "每周五下午"),
]

COMMUNITIES = [
    # jurisdiction, name, handler login (or None), phone
    ("qh-dh", "幸福社区", "qh.dh.community", "0571-86100001"),
    ("qh-dh", "东湖村", None, "0571-86100002"),
    ("qh-xs", "西山村", "qh.xs.community", "0571-86300001"),
    ("qh-nm", "和平社区", "qh.nm.community", "0571-86200001"),
]

# Deputies' own suggestions: (jurisdiction, deputy number, title, text, location, category,
# received). The autumn 2025 ones were collected for 2026, the 2026 ones for 2027.
DEPUTY_SUGGESTIONS = [
    (
        "qh-dh",
        1,
        "东湖中学门口增设红绿灯",
        "上下学高峰车流量大，学生过马路危险，建议增设红绿灯和减速带。",
        "东湖中学",
        "transport",
        datetime.date(2025, 9, 18),
    ),
    (
        "qh-dh",
        1,
        "镇卫生院增设儿科门诊",
        "全镇儿童看病要到区里，建议镇卫生院开设儿科门诊。",
        "东湖镇卫生院",
        "health",
        datetime.date(2025, 10, 9),
    ),
    (
        "qh-dh",
        2,
        "农村公路安装防护栏",
        "临河村道没有防护栏，夜间行车危险。",
        "东湖村临河路",
        "transport",
        datetime.date(2025, 9, 25),
    ),
    (
        "qh-dh",
        3,
        "老街排水管网改造",
        "老街每逢暴雨积水严重，建议改造排水管网。",
        "东湖老街",
        "urban_management",
        datetime.date(2026, 4, 16),
    ),
    (
        "qh-dh",
        1,
        "镇区增设公共停车场",
        "赶集日车辆乱停，建议利用闲置地建设停车场。",
        "东湖农贸市场旁",
        "transport",
        datetime.date(2026, 9, 22),
    ),
    (
        "qh-xs",
        1,
        "山区学校配备校车",
        "偏远村学生上学路远，建议配备校车。",
        "西山中心小学",
        "education",
        datetime.date(2025, 10, 12),
    ),
    (
        "qh-xs",
        2,
        "茶园机耕路硬化",
        "茶叶采摘季运输困难，建议硬化机耕路。",
        "西山茶园",
        "transport",
        datetime.date(2026, 10, 8),
    ),
    (
        "qh-nm",
        1,
        "老旧小区加装电梯",
        "和平小区多为六层住宅，老人上下楼困难。",
        "和平小区",
        "housing",
        datetime.date(2025, 9, 30),
    ),
    (
        "qh",
        1,
        "区图书馆延长开放时间",
        "上班族下班后图书馆已闭馆，建议晚上开放到九点。",
        "区图书馆",
        "culture_sport",
        datetime.date(2026, 5, 20),
    ),
]

# Residents through the QR codes, in autumn 2026 (for 2027).
QR_SUGGESTIONS = [
    (
        "qh-dh-zx",
        None,
        "联络站门口增设休息座椅",
        "老人来反映问题时没有地方坐，建议增设座椅。",
        "东湖镇便民服务中心",
        "李玉兰",
        datetime.date(2026, 10, 15),
    ),
    (
        "qh-dh-zx",
        2,
        "幸福社区3栋门口路灯不亮",
        "路灯坏了两个月，晚上出行不安全。",
        "幸福社区3栋",
        "周海燕",
        datetime.date(2026, 10, 20),
    ),
    (
        "qh-nm-zx",
        None,
        "和平社区菜场周边占道经营",
        "早市摊贩占道，车辆和行人通行困难。",
        "和平菜场",
        "孙国庆",
        datetime.date(2026, 11, 3),
    ),
]

# An autumn of fragmentary wishes in 东湖镇 for 2027: (title, text, location).
AUTUMN_WISHES = [
    ("幸福路路灯不亮", "幸福路晚上路灯坏了，出行不安全", "幸福路"),
    ("幸福路路灯维修", "幸福路一带路灯不亮很久了，请维修路灯", "幸福路"),
    ("幸福路安装路灯", "幸福路北段没有路灯，晚上很黑，建议安装路灯", "幸福路北段"),
    ("幸福路路灯太暗", "幸福路路灯间距大，太暗了，建议加装路灯", "幸福路南段"),
    ("老年食堂", "社区老人多，建议办一个老年食堂解决吃饭难", "东湖社区"),
    ("建老年助餐点", "希望在东湖社区建设老年助餐点，方便老人吃饭", "东湖社区"),
    ("老人吃饭难", "独居老人做饭不方便，建议建设社区老年食堂", "东湖社区"),
    ("东湖公园增加健身器材", "公园健身器材太少，晚上锻炼的人多，建议增加健身器材", "东湖公园"),
    ("东湖公园健身器材损坏", "东湖公园健身器材坏了好几件，建议更换健身器材", "东湖公园"),
    ("农贸市场改造", "东湖农贸市场地面脏乱，建议改造农贸市场", "东湖农贸市场"),
    ("农贸市场排水", "农贸市场下雨积水，建议改造市场排水", "东湖农贸市场"),
    ("增开公交线路", "东湖村到镇区没有公交，建议增开公交线路", "东湖村"),
    ("农贸市场停车难", "赶集日农贸市场周边没地方停车，建议建停车场", "东湖农贸市场旁"),
]

SPECIAL_PROJECTS = [
    (
        "清河大道综合改造工程",
        "拓宽改造清河大道5公里，同步建设非机动车道",
        "清河大道",
        "12800",
        "区住房和城乡建设局",
    ),
    (
        "区人民医院新院区建设",
        "新建住院楼和急诊中心，新增床位400张",
        "城东新区",
        "56000",
        "区卫生健康局",
    ),
    ("城东污水处理厂扩容", "日处理能力由3万吨扩容至6万吨", "城东工业园", "21000", "区生态环境分局"),
    ("区第二实验小学新建", "新建36个班的小学一所", "城南片区", "18500", "区教育局"),
    ("清河生态绿道三期", "新建滨河绿道12公里", "清河沿岸", "9600", "区农业农村局"),
]

PUBLIC_COMMENTS = [
    ("赵德明", "支持这个项目，建议施工避开中高考期间。", True),
    ("钱春梅", "建议施工期间做好围挡和降尘，方便周边居民出行。", True),
    ("匿名居民", "广告：专业代办各类证件", False),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _deputy(code, n) -> Deputy:
    return Deputy.objects.filter(jurisdiction__code=code).order_by("pk")[n - 1]


def build_deputies_demo(world) -> None:
    if LiaisonStation.objects.filter(code="qh-dh-zx").exists():
        return
    j = world.jurisdictions
    congress = {code: world._u(code, Role.CONGRESS_OFFICE) for code in j}
    government = {code: world._u(code, Role.GOVERNMENT_OFFICE) for code in j}

    # -- residents' way in: stations with their deputies, communities with handlers
    for code, station_code, name, address, hours in STATIONS:
        stations.station_save(
            actor=congress[code],
            jurisdiction=j[code],
            code=station_code,
            name=name,
            address=address,
            reception_hours=hours,
            deputies=list(Deputy.objects.filter(jurisdiction=j[code]).order_by("pk")[:4]),
        )
    communities = {}
    for code, name, login, phone in COMMUNITIES:
        handler = None
        if login:
            handler = world._user(login, world._name(), Role.COMMUNITY_HANDLER, j[code])
        communities[name] = Community.objects.create(
            jurisdiction=j[code], name=name, handler=handler, phone=phone
        )

    # -- deputies propose all year and are credited
    for code, n, title, text, place, category, day in DEPUTY_SUGGESTIONS:
        deputy = _deputy(code, n)
        suggestions.deputy_suggestion_submit(
            actor=deputy.user,
            deputy=deputy,
            title=title,
            text=text,
            location=place,
            category=Category.objects.get(code=category),
            received=_at(day),
        )

    # -- residents write through the QR codes of a station or a deputy
    made = {}
    for station_code, deputy_n, title, text, place, name, day in QR_SUGGESTIONS:
        station = LiaisonStation.objects.get(code=station_code)
        addressed = _deputy(station.jurisdiction.code, deputy_n) if deputy_n else None
        made[title] = suggestions.suggestion_submit(
            actor=None,
            jurisdiction=station.jurisdiction,
            channel=Channel.QR,
            title=title,
            text=text,
            location=place,
            proposer_name=name,
            proposer_contact=f"1390571{len(made):04d}",
            station=None if addressed else station,
            addressed_deputy=addressed,
            received=_at(day),
        )

    # -- routing that reaches someone
    dh_gov = government["qh-dh"]
    lamp = made["幸福社区3栋门口路灯不亮"]
    suggestions.suggestion_route(
        actor=dh_gov,
        suggestion=lamp,
        level="community",
        note="路灯维修属社区微实事，请幸福社区办理。",
        community=communities["幸福社区"],
    )
    lamp.refresh_from_db()
    suggestions.suggestion_handle(
        actor=communities["幸福社区"].handler,
        suggestion=lamp,
        note="已联系供电所更换路灯两盏，10月28日恢复照明。",
    )
    up = suggestions.suggestion_submit(
        actor=dh_gov,
        jurisdiction=j["qh-dh"],
        channel=Channel.HOTLINE,
        title="东湖至西山公路拓宽",
        text="两镇之间的县道狭窄，货车会车困难，建议拓宽。",
        location="东湖镇至西山乡县道",
        proposer_name="吴文军",
        proposer_contact="13905710011",
        category=Category.objects.get(code="transport"),
        received=_at(datetime.date(2026, 10, 11)),
    )
    suggestions.suggestion_route(
        actor=dh_gov,
        suggestion=up,
        level="district",
        note="跨乡镇道路，由区交通部门统筹。",
    )
    up.refresh_from_db()
    suggestions.suggestion_route(
        actor=government["qh"],
        suggestion=up,
        level="district",
        note="列入区级征集，交区交通运输局论证。",
    )
    kept = suggestions.suggestion_submit(
        actor=dh_gov,
        jurisdiction=j["qh-dh"],
        channel=Channel.PAPER,
        title="建设镇文化礼堂",
        text="镇里缺少举办文艺演出的场所，建议建设文化礼堂。",
        location="东湖镇",
        proposer_name="郑红霞",
        category=Category.objects.get(code="culture_sport"),
        received=_at(datetime.date(2026, 10, 30)),
    )
    suggestions.suggestion_route(
        actor=dh_gov,
        suggestion=kept,
        level="next_year",
        note="今年资金已安排完毕，留待下一年度征集统筹考虑。",
    )

    # -- an autumn of fragmentary wishes (group them on the similar-suggestions page)
    light_group = []
    for n, (title, text, place) in enumerate(AUTUMN_WISHES):
        day = datetime.date(2026, 9, 3) + datetime.timedelta(days=4 * n)
        suggestion = suggestions.suggestion_submit(
            actor=None,
            jurisdiction=j["qh-dh"],
            channel=Channel.ONLINE,
            title=title,
            text=text,
            location=place,
            proposer_name=world._name(),
            received=_at(day, 9 + n % 8),
        )
        if "路灯" in title:
            light_group.append(suggestion)
    collection.suggestions_merge(
        actor=dh_gov,
        jurisdiction=j["qh-dh"],
        suggestions=light_group,
        title="幸福路路灯建设工程",
        category=Category.objects.get(code="urban_management"),
        year=2027,
        reason="群众多次反映幸福路夜间照明不足。",
        location="幸福路",
    )

    # a deputy's suggestion adopted: merged with a resident's wish into one project
    parking = Suggestion.objects.filter(
        jurisdiction=j["qh-dh"], year=2027, title__in=["镇区增设公共停车场", "农贸市场停车难"]
    )
    collection.suggestions_merge(
        actor=dh_gov,
        jurisdiction=j["qh-dh"],
        suggestions=list(parking),
        title="东湖农贸市场停车场建设",
        category=Category.objects.get(code="transport"),
        year=2027,
        location="东湖农贸市场旁",
    )

    # -- special collection: the county's largest investment projects of 2027
    collection.special_collection_import(
        actor=government["qh"],
        jurisdiction=j["qh"],
        year=2027,
        rows=[
            {"title": t, "text": c, "location": p, "investment": Decimal(i), "unit": u}
            for t, c, p, i, u in SPECIAL_PROJECTS
        ],
    )

    # -- the point table (the county's own weights; townships keep the defaults)
    duty.duty_points_set(
        actor=congress["qh"],
        jurisdiction=j["qh"],
        points={
            "suggestions_made": "2",
            "suggestions_adopted": "6",
            "reports_signed_off": "3",
            "opinions_issued": "2",
            "candidate_comments": "1",
        },
    )

    # -- the county's slate for 2027: signed by the government office, materials sent
    _county_slate(world, congress["qh"], government["qh"])

    # -- the weeks before the vote: comments and delegations' opinions on candidates
    for project in Project.objects.filter(stage=Stage.CANDIDATE).select_related("jurisdiction"):
        _comment_and_review(project, congress[project.jurisdiction.code])


def _county_slate(world, congress, government) -> None:
    """Three 2027 candidates of the county, one from the special collection, on a draft
    slate: the slate policy asks for both offices' signatures and a third of special
    projects; the government office has signed, the congress office not yet; the
    materials have gone to the deputies. Two seats for a county: the norm's warning."""
    from core.demo import CaseDriver
    from core.services import slate, voting

    county = world.jurisdictions["qh"]
    special = Suggestion.objects.filter(
        jurisdiction=county, channel=Channel.SPECIAL, title="城东污水处理厂扩容"
    )
    first = collection.suggestions_merge(
        actor=government,
        jurisdiction=county,
        suggestions=list(special),
        title="城东污水处理厂扩容工程",
        category=Category.objects.get(code="environment"),
        year=2027,
        budget=Decimal("21000"),
        fund_source="区财政和专项债券",
    )
    CaseDriver(world, "qh", first).run_to("candidate")
    projects = [first]
    for index in (1, 5):
        before = set(county.projects.values_list("pk", flat=True))
        world.build_case(index, "qh", "candidate", year=2027)
        projects.append(county.projects.exclude(pk__in=before).get())
    slate.slate_policy_set(
        actor=congress, jurisdiction=county, agreement_required=True, special_share="0.3"
    )
    session = voting.session_create(
        actor=congress,
        jurisdiction=county,
        year=2027,
        kind="selection",
        title="清河区2027年民生实事项目票决",
        rules={"seats": 2},
    )
    voting.session_build_slate(actor=congress, session=session, projects=projects)
    slate.slate_sign(actor=government, session=session, office="government")
    slate.session_send_materials(
        actor=congress, session=session, meeting_on=timezone.localdate() + datetime.timedelta(10)
    )


def _comment_and_review(project, congress) -> None:
    for name, text, publish in PUBLIC_COMMENTS:
        comment = candidates.candidate_comment_submit(
            actor=None, project=project, author_name=name, text=text
        )
        candidates.candidate_comment_moderate(
            actor=congress,
            comment=comment,
            publish=publish,
            note="" if publish else "与项目无关的广告信息。",
        )
    deputy = Deputy.objects.filter(jurisdiction=project.jurisdiction).order_by("pk")[4]
    comment = candidates.candidate_comment_submit(
        actor=deputy.user,
        project=project,
        deputy=deputy,
        author_name=deputy.name,
        text="建议明确资金来源，分期实施，确保年内见效。",
    )
    candidates.candidate_comment_moderate(actor=congress, comment=comment, publish=True)
    for delegation, stance, opinions in (
        ("第1代表团", "agree", ""),
        ("第2代表团", "remarks", "建议细化实施方案，明确完工时间和责任单位。"),
    ):
        candidates.delegation_review_record(
            actor=congress,
            project=project,
            delegation=delegation,
            held_on=min(datetime.date(project.year, 1, 8), timezone.localdate()),
            stance=stance,
            opinions=opinions,
            present=4 if stance == "agree" else 3,
        )
