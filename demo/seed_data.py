"""The demo's seed data: the workspace, its channels and teams, the people, the KPI
generation constants and the kudos and feedback given in the last weeks. demo/seed.py turns
these into records through the real services."""

from __future__ import annotations

from dataclasses import dataclass

TEAM_ID = "T0DEMO"
SHANGHAI, LOS_ANGELES = "Asia/Shanghai", "America/Los_Angeles"

# Channel ids are what the bot posts to; names are what the console shows (`channel #east`).
GENERAL = "C0GENERAL"
CHANNELS = {"recognition": "C0RECOG", "announcements": "C0ANNOUNCE", "suggestions": "C0SUGGEST"}
# The recognition channel is read by everyone: both languages in one card.
CHANNEL_LOCALES = {"recognition_locale": "bilingual"}
TEAMS = {  # team key (org import `team` column) -> its [teams.<key>] config
    "east": {"name_en": "East", "name_zh": "华东", "channel": "C0EAST"},  # the workspace's zh-CN
    "south": {"name_en": "South", "name_zh": "华南", "channel": "C0SOUTH"},
    "west": {"name_en": "West", "name_zh": "美西", "channel": "C0WEST", "locale": "en-US"},
}


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    handle: str  # Slack display name: what `@handle` and `as handle` use
    email: str
    team: str | None
    manager: str | None  # the manager's slack_id
    role: str
    title: str
    locale: str
    timezone: str
    hire_date: str = "2023-03-01"
    level: str = ""


def _p(
    slack_id: str,
    name: str,
    handle: str,
    team: str | None,
    manager: str | None,
    role: str,
    title: str,
    locale: str,
    tz: str = SHANGHAI,
    hired: str = "2023-03-01",
    level: str = "",
) -> Person:
    email = f"{slack_id.removeprefix('U').lower()}@salespulse-demo.example"
    return Person(
        slack_id, name, handle, email, team, manager, role, title, locale, tz, hired, level
    )


AE_ZH, AE_EN = "客户经理", "Account Executive"
PEOPLE: tuple[Person, ...] = (
    _p(
        "UZHAOMIN",
        "赵敏",
        "zhaomin",
        None,
        None,
        "manager",
        "销售总监",
        "zh-CN",
        hired="2018-06-01",
    ),
    _p("UHELEN", "Helen Xu", "helen", None, None, "hr", "HR Business Partner", "en-US"),
    _p("ULIQIANG", "李强", "liqiang", None, None, "admin", "IT 管理员", "zh-CN"),
    # 华东 east: Shanghai
    _p("UCHENJING", "陈静", "chenjing", "east", "UZHAOMIN", "manager", "华东区经理", "zh-CN"),
    _p("UXIAOWANG", "王小明", "小王", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L2"),
    _p("ULINA", "李娜", "lina", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L3"),
    _p("UZHANGWEI", "张伟", "zhangwei", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L1"),
    _p("UALICE", "Alice Wong", "alice", "east", "UCHENJING", "rep", AE_EN, "en-US", level="L3"),
    _p("UKEVIN", "Kevin Liu", "kevin", "east", "UCHENJING", "rep", AE_EN, "en-US", level="L2"),
    # 华南 south: Shenzhen / Guangzhou, Shanghai time
    _p("UHUANGLEI", "黄磊", "huanglei", "south", "UZHAOMIN", "manager", "华南区经理", "zh-CN"),
    _p("UZHOUJIE", "周杰", "zhoujie", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L2"),
    _p("UWUFANG", "吴芳", "wufang", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L3"),
    _p("UZHENGKAI", "郑凯", "zhengkai", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L1"),
    _p("UBOB", "Bob Chen", "bob", "south", "UHUANGLEI", "rep", AE_EN, "en-US", level="L2"),
    _p("ULINTING", "林婷", "linting", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L1"),
    # West: Los Angeles
    _p(
        "UWENDY",
        "Wendy Park",
        "wendy",
        "west",
        "UZHAOMIN",
        "manager",
        "West Region Manager",
        "en-US",
        LOS_ANGELES,
    ),
    _p(
        "UCAROL",
        "Carol Diaz",
        "carol",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L3",
    ),
    _p(
        "UDAVID",
        "David Kim",
        "david",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L2",
    ),
    _p(
        "UEMILY",
        "Emily Johnson",
        "emily",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L1",
    ),
    _p("USUNLI", "孙丽", "sunli", "west", "UWENDY", "rep", AE_ZH, "zh-CN", LOS_ANGELES, level="L2"),
    _p(
        "UFRANK",
        "Frank Miller",
        "frank",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L2",
    ),
)
DEFAULT_ACTOR = "UALICE"


# -- KPIs -----------------------------------------------------------------------------------

KPI_MONTHS = 4  # daily facts from the 1st of the month three months back to yesterday
# How each rep performs against the team target (1.0 = on target). Far enough apart that
# the rankings come out the same on any day; the lowest are below target on every metric.
SKILL = {
    "UALICE": 1.26, "ULINA": 1.16, "UXIAOWANG": 1.06, "UKEVIN": 0.96, "UZHANGWEI": 0.78,
    "UWUFANG": 1.22, "UBOB": 1.10, "UZHOUJIE": 1.00, "ULINTING": 0.90, "UZHENGKAI": 0.74,
    "UCAROL": 1.30, "UFRANK": 1.14, "UDAVID": 1.02, "USUNLI": 0.92, "UEMILY": 0.84,
}  # fmt: skip
# Monthly targets per team and metric (team targets apply to each rep of the team).
TEAM_TARGETS = {
    "east": {"revenue": 300_000, "csat": 4.5, "new_customers": 12, "conversion_rate": 20},
    "south": {"revenue": 260_000, "csat": 4.5, "new_customers": 10, "conversion_rate": 18},
    "west": {"revenue": 280_000, "csat": 4.4, "new_customers": 11, "conversion_rate": 22},
}
# A few people with their own (higher) revenue target this month.
PERSONAL_REVENUE = {"UALICE": 360_000, "UCAROL": 340_000, "UWUFANG": 300_000}


# -- kudos and feedback -----------------------------------------------------------------------

# (days ago, giver, recipients, message, values); on a Monday, days 1-7 are the digest's week
KUDOS = (
    (1, "UCHENJING", ("UXIAOWANG",), "拿下了浦东的大单,客户连夜签约 #客户第一", ("customer",)),
    (1, "UALICE", ("ULINA", "UKEVIN"), "Great teamwork on the Acme renewal #teamwork", ("teamwork",)),
    (2, "UHUANGLEI", ("UBOB",), "Turned an angry customer into a reference #customer", ("customer",)),
    (3, "UWENDY", ("UCAROL", "UDAVID"), "Best pipeline review this quarter #teamwork #customer",
     ("teamwork", "customer")),
    (9, "ULINA", ("UALICE",), "帮我准备了整套投标材料 #团队合作", ("teamwork",)),
    (16, "UZHAOMIN", ("UWUFANG",), "华南本月冠军,服务口碑一流 #客户第一", ("customer",)),
)  # fmt: skip
# (days ago, giver, recipient, kind, visibility, message)
FEEDBACK = (
    (2, "UCHENJING", "UALICE", "praise", "private",
     "Your demo for Acme was crisp and well prepared. Keep doing exactly that."),
    (4, "ULINA", "UALICE", "suggestion", "private",
     "Send the meeting notes the same day; customers notice."),
    (3, "UHUANGLEI", "UBOB", "correction", "manager",
     "The Globex quote went out with last year's prices. Check the price list before sending."),
    (5, "UWENDY", "UCAROL", "praise", "private", "Thanks for coaching Emily on discovery calls."),
    (6, "UCHENJING", "UXIAOWANG", "suggestion", "private", "报价可以更快一些，最好当天给到客户。"),
)  # fmt: skip
