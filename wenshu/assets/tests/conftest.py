"""Equipment fixtures: unit A's departments and a few assets entered through the services.

Unit A's office is a_admin (单位系统管理员); a_staff and a_clerk are department staff; unit B
(b_admin, b_staff) is the outsider and, for loans, the borrower.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from wenshu.assets import services
from wenshu.assets.models import Asset
from wenshu.org.models import Department


@dataclass
class Office:
    general: Department  # 办公室 (综合科)
    finance: Department  # 财务科
    b_dept: Department  # unit B's department


@pytest.fixture
def depts(city: Any) -> Office:
    return Office(
        general=Department.objects.create(unit=city.a, name="办公室", order=1),
        finance=Department.objects.create(unit=city.a, name="财务科", order=2),
        b_dept=Department.objects.create(unit=city.b, name="基础教育科", order=1),
    )


def fields(number: str, category: str = "computer", **extra: Any) -> services.AssetFields:
    data: dict[str, Any] = {
        "asset_number": number,
        "category": category,
        "model": "联想 启天M428",
        "serial_number": f"SN-{number}",
        "purchase_date": date(2024, 3, 1),
        "purchase_value": "4999.00",
    }
    data.update(extra)
    return services.AssetFields(**data)


def register(
    city: Any,
    number: str,
    *,
    category: str = "computer",
    department: Any = None,
    custodian: Any = None,
    location: str = "",
) -> Asset:
    return services.asset_create(
        actor=city.a_admin,
        fields=fields(number, category),
        department=department,
        custodian=custodian,
        location=location,
    )


@pytest.fixture
def computer(city: Any, depts: Office) -> Asset:
    return register(
        city,
        "ZC-2024-001",
        department=depts.finance,
        custodian=city.a_staff,
        location="财务科 301 室",
    )


@pytest.fixture
def printer(city: Any, depts: Office) -> Asset:
    return register(city, "ZC-2024-002", category="printer", location="库房")


def as_user(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


def reload(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj
