"""The demo city of 白银市: units, departments, groups and people to try Wenshu at once.

The table below is the single source: the loader, the README's demo-account list
(`accounts_markdown()`, checked by a test) and the tests all read it. Usernames are
``<unit key>_<post>`` (``czj_clerk`` = 市财政局文书); every demo account has the password
DEMO_PASSWORD and no forced change, so a newcomer can log in straight away.

The loader writes through the models: it bootstraps a city that has no administrator yet,
which the org/accounts services (every one of them checks an acting administrator) cannot
do. It only ever adds what is missing, so running it twice changes nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import RoleGrant, User
from wenshu.accounts.roles import ADMIN_ROLES, Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict
from wenshu.lib.gm import sm3
from wenshu.org.models import Department, Unit, UnitGroup, UnitName

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 (documented in README.md; demo data only)
MOBILE_PREFIX = "1390000"  # fake but well-formed numbers: 1390000 + four digits
LEADERSHIP = "四套班子"
DEPARTMENTS = "市直各部门"

GROUPS: dict[str, str] = {
    LEADERSHIP: "市委、市人大、市政府、市政协办公室",
    DEPARTMENTS: "市政府工作部门及市直单位",
}


@dataclass(frozen=True)
class Post:
    """One person every unit has (or a unit's extra person): suffix, role, post, department."""

    suffix: str
    role: Role
    post: str
    department: int | None  # index into the unit's departments; None = the unit's leadership


# Every unit has these six people (the leader's post comes from the unit: 局长, 主任 …).
STANDARD_POSTS: tuple[Post, ...] = (
    Post("admin", Role.UNIT_ADMIN, "信息化管理员", 0),
    Post("leader", Role.UNIT_LEADER, "", None),
    Post("clerk", Role.CLERK, "文书", 0),
    Post("custodian", Role.SEAL_CUSTODIAN, "印章管理员", 0),
    Post("staff1", Role.STAFF, "科员", 1),
    Post("staff2", Role.STAFF, "科员", 2),
)


@dataclass(frozen=True)
class DemoUnit:
    key: str  # username prefix
    full_name: str
    short_name: str
    agency_code: str  # 机关代字, as in 白财〔2026〕3号
    kind: str
    superior: str | None  # key of the superior unit (listed earlier in UNITS)
    departments: tuple[str, str, str]  # the first is the unit's office
    leader_post: str = "局长"
    group: str = DEPARTMENTS
    is_digital_office: bool = False
    extra: tuple[Post, ...] = ()


K = Unit.Kind
# fmt: off
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("swb", "中共白银市委办公室", "市委办公室", "白市委办", K.PARTY, None,
             ("秘书科", "综合科", "督查室"), "主任", LEADERSHIP),
    DemoUnit("rdb", "白银市人大常委会办公室", "市人大办", "白人大办", K.CONGRESS, None,
             ("秘书科", "综合科", "联络科"), "主任", LEADERSHIP),
    DemoUnit("zfb", "白银市人民政府办公室", "市政府办", "白政办", K.GOVERNMENT, None,
             ("秘书科", "综合科", "督查室"), "主任", LEADERSHIP,
             extra=(Post("approver", Role.GOV_APPROVER, "秘书科科长", 0),)),
    DemoUnit("zxb", "政协白银市委员会办公室", "市政协办", "白政协办", K.CPPCC, None,
             ("秘书科", "综合科", "提案科"), "主任", LEADERSHIP),
    DemoUnit("szb", "白银市数字白银工作办公室", "市数字办", "白数办", K.DEPARTMENT, "zfb",
             ("办公室", "系统运维科", "数据资源科"), "主任", is_digital_office=True,
             extra=(
                 Post("cityadmin", Role.CITY_ADMIN, "系统运维科科长", 1),
                 Post("cityadmin2", Role.CITY_ADMIN, "系统运维科科员", 1),
                 Post("sysadmin", Role.SYSTEM_ADMIN, "系统管理员", 1),
                 Post("secadmin", Role.SECURITY_ADMIN, "安全保密管理员", 2),
                 Post("auditadmin", Role.AUDIT_ADMIN, "安全审计员", 2),
             )),
    DemoUnit("bmj", "白银市国家保密局", "市保密局", "白保", K.DEPARTMENT, "swb",
             ("办公室", "保密检查科", "保密技术科"),
             extra=(Post("secrecy", Role.SECRECY_OFFICER, "保密检查科科长", 1),)),
    DemoUnit("czj", "白银市财政局", "市财政局", "白财", K.DEPARTMENT, "zfb",
             ("办公室", "预算科", "国库科")),
    DemoUnit("jyj", "白银市教育局", "市教育局", "白教", K.DEPARTMENT, "zfb",
             ("办公室", "基础教育科", "职业教育科")),
    DemoUnit("gaj", "白银市公安局", "市公安局", "白公", K.DEPARTMENT, "zfb",
             ("办公室", "指挥中心", "治安管理支队")),
    DemoUnit("mzj", "白银市民政局", "市民政局", "白民", K.DEPARTMENT, "zfb",
             ("办公室", "社会救助科", "养老服务科")),
    DemoUnit("rsj", "白银市人力资源和社会保障局", "市人社局", "白人社", K.DEPARTMENT, "zfb",
             ("办公室", "就业促进科", "社会保险科")),
    DemoUnit("zrj", "白银市自然资源局", "市自然资源局", "白自然资", K.DEPARTMENT, "zfb",
             ("办公室", "国土空间规划科", "耕地保护科")),
    DemoUnit("sthj", "白银市生态环境局", "市生态环境局", "白环", K.DEPARTMENT, "zfb",
             ("办公室", "大气环境科", "水生态环境科")),
    DemoUnit("zjj", "白银市住房和城乡建设局", "市住建局", "白建", K.DEPARTMENT, "zfb",
             ("办公室", "城市建设科", "房地产市场监管科")),
    DemoUnit("jtj", "白银市交通运输局", "市交通运输局", "白交", K.DEPARTMENT, "zfb",
             ("办公室", "综合运输科", "公路管理科")),
    DemoUnit("wjw", "白银市卫生健康委员会", "市卫健委", "白卫", K.DEPARTMENT, "zfb",
             ("办公室", "医政医管科", "疾病预防控制科"), "主任"),
)
# fmt: on

# Fake names, assigned in table order so every run gives the same person the same name.
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
# fmt: off
_GIVEN = (
    "建国", "丽华", "志强", "秀英", "海燕", "文博", "晓东", "静怡", "国栋", "红梅", "振华", "雪莲",
    "立新", "婷婷", "永强", "桂兰", "浩然", "春燕", "明辉", "玉珍", "子涵", "俊杰", "慧敏", "德胜",
    "晓峰", "淑芬", "鹏飞", "佳琪", "卫东", "凤英", "宏伟", "雅琴", "天明", "美玲", "博文", "兰芳",
    "伟", "娟", "磊", "敏", "军",
)
# fmt: on


@dataclass(frozen=True)
class DemoPerson:
    username: str
    real_name: str
    unit_key: str
    role: Role
    post: str
    department: str | None
    mobile: str


def demo_people() -> list[DemoPerson]:
    """Every demo account, in table order (pure: no database)."""
    people: list[DemoPerson] = []
    for unit in UNITS:
        for post in STANDARD_POSTS + unit.extra:
            i = len(people)
            people.append(
                DemoPerson(
                    username=f"{unit.key}_{post.suffix}",
                    real_name=_SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)],
                    unit_key=unit.key,
                    role=post.role,
                    post=post.post or unit.leader_post,
                    department=None
                    if post.department is None
                    else unit.departments[post.department],
                    mobile=f"{MOBILE_PREFIX}{i + 1:04d}",
                )
            )
    return people


@dataclass(frozen=True)
class LoadResult:
    units: int
    departments: int
    people: int

    @property
    def nothing_new(self) -> bool:
        return not (self.units or self.departments or self.people)


@transaction.atomic
def load_demo_city() -> LoadResult:
    """Add whatever part of the demo city is missing; return how much was created."""
    units, new_units = _ensure_units()
    departments, new_departments = _ensure_departments(units)
    _ensure_groups(units)
    new_people = _ensure_people(units, departments)
    _ensure_demo_keys()
    _ensure_demo_documents(units)
    result = LoadResult(units=new_units, departments=new_departments, people=new_people)
    if not result.nothing_new:
        audit_record(
            actor=None,
            action="ops.demo_city_loaded",
            unit=units["szb"],
            details={
                "units": result.units,
                "departments": result.departments,
                "people": result.people,
            },
        )
    return result


def _ensure_units() -> tuple[dict[str, Unit], int]:
    existing = {
        u.full_name: u for u in Unit.objects.filter(full_name__in=[d.full_name for d in UNITS])
    }
    now = timezone.now()
    units: dict[str, Unit] = {}
    created = 0
    for demo in UNITS:  # one by one: a unit's superior must exist before it
        unit = existing.get(demo.full_name)
        if unit is None:
            if demo.is_digital_office and Unit.objects.filter(is_digital_office=True).exists():
                raise Conflict("本系统已有市数字办单位，演示数据只能载入到没有单位数据的新库中。")
            unit = Unit.objects.create(
                full_name=demo.full_name,
                short_name=demo.short_name,
                agency_code=demo.agency_code,
                kind=demo.kind,
                superior=units[demo.superior] if demo.superior else None,
                is_digital_office=demo.is_digital_office,
                status=Unit.Status.REGISTERED,
                in_directory=True,
                applied_at=now,
                registered_at=now,
                contact_phone=f"0943-82{10000 + len(units)}",
            )
            UnitName.objects.create(
                unit=unit,
                full_name=demo.full_name,
                short_name=demo.short_name,
                agency_code=demo.agency_code,
                valid_from=now,
            )
            created += 1
        units[demo.key] = unit
    return units, created


def _ensure_departments(units: dict[str, Unit]) -> tuple[dict[tuple[str, str], Department], int]:
    existing = {(d.unit_id, d.name): d for d in Department.objects.filter(unit__in=units.values())}
    wanted = {
        (demo.key, name): existing.get((units[demo.key].pk, name))
        or Department(unit=units[demo.key], name=name, order=order)
        for demo in UNITS
        for order, name in enumerate(demo.departments)
    }
    missing = [d for d in wanted.values() if d.pk is None]
    Department.objects.bulk_create(missing)  # sets pk on PostgreSQL and SQLite ≥ 3.35
    return wanted, len(missing)


def _ensure_groups(units: dict[str, Unit]) -> None:
    for name, description in GROUPS.items():
        group, _ = UnitGroup.objects.get_or_create(name=name, defaults={"description": description})
        group.units.add(*(units[d.key] for d in UNITS if d.group == name))


def _ensure_people(units: dict[str, Unit], departments: dict[tuple[str, str], Department]) -> int:
    people = demo_people()
    taken = set(
        User.objects.filter(username__in=[p.username for p in people]).values_list(
            "username", flat=True
        )
    )
    missing = [p for p in people if p.username not in taken]
    if not missing:
        return 0
    password_hash = make_password(DEMO_PASSWORD)  # Argon2 is slow on purpose: hash once
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                username=p.username,
                real_name=p.real_name,
                unit=units[p.unit_key],
                department=departments[(p.unit_key, p.department)] if p.department else None,
                post=p.post,
                mobile=p.mobile,
                status=User.Status.ACTIVE,
                must_change_password=False,
                password_changed_at=now,
                password=password_hash,
            )
            for p in missing
        ]
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=p.role) for u, p in zip(users, missing, strict=True)]
    )
    return len(missing)


def demo_totp_secret(username: str) -> str:
    """The demo TOTP secret of an administrator: derived from the name, public, demo only."""
    return base64.b32encode(sm3(f"wenshu-demo-totp/{username}".encode())[:20]).decode()


def _ensure_demo_keys() -> None:
    """Administrators must log in with a key (KEY_REQUIRED_DEFAULT); give the demo's a TOTP
    key whose current code `manage.py key_totp_code USERNAME` prints. Never in production."""
    if settings.PRODUCTION:
        return
    from wenshu.keys.models import KeyKind, LoginKey
    from wenshu.keys.services import key_issue_demo_totp

    admins = User.objects.filter(
        username__in=[p.username for p in demo_people()], role_grants__role__in=ADMIN_ROLES
    ).distinct()
    keyed = set(
        LoginKey.objects.filter(holder__in=admins, kind=KeyKind.TOTP).values_list(
            "holder_id", flat=True
        )
    )
    for admin in admins:
        if admin.pk not in keyed:
            key_issue_demo_totp(holder=admin, secret=demo_totp_secret(admin.username))


def _ensure_demo_documents(units: dict[str, Unit]) -> None:
    """Seals and sent documents through the real services (wenshu.exchange.demo), so a
    newcomer sees a full inbox and a tracking page at once. Development only."""
    if settings.PRODUCTION:
        return
    from wenshu.exchange.demo import ensure_demo_documents

    ensure_demo_documents(units)


def accounts_markdown() -> str:
    """The README's demo-account tables, generated from UNITS so they never drift."""
    by_key = {d.key: d for d in UNITS}
    kinds = dict(Unit.Kind.choices)
    lines = ["| 单位 | 机关代字 | 类别 | 上级单位 | 账号前缀 | 部门 |", "|---|---|---|---|---|---|"]
    for d in UNITS:
        superior = by_key[d.superior].short_name if d.superior else "—"
        departments = "、".join(d.departments)
        lines.append(
            f"| {d.full_name} | {d.agency_code} | {kinds[d.kind]} | {superior} "
            f"| `{d.key}_` | {departments} |"
        )
    lines += [
        "",
        "每个单位都有下列 6 个账号（以市财政局为例）：",
        "",
        "| 账号 | 角色 | 职务 |",
        "|---|---|---|",
    ]
    lines += [
        f"| `czj_{p.suffix}` | {p.role.label} | {p.post or '局长 / 主任'} |" for p in STANDARD_POSTS
    ]
    lines += [
        "",
        "另有以下市级角色账号：",
        "",
        "| 账号 | 姓名 | 单位 | 角色 |",
        "|---|---|---|---|",
    ]
    standard = {p.suffix for p in STANDARD_POSTS}
    for person in demo_people():
        if person.username.split("_", 1)[1] not in standard:
            unit = by_key[person.unit_key]
            name, role = person.real_name, person.role.label
            lines.append(f"| `{person.username}` | {name} | {unit.short_name} | {role} |")
    return "\n".join(lines)
