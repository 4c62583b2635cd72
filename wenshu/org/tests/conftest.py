"""Org test helpers on top of the city cast: a second digital-office administrator (for the
four-eyes rule) and ready-made application arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.org import services
from wenshu.org.models import Unit


@pytest.fixture
def shuziban2(city: Any) -> Any:
    return make_person("shuziban2", city.digital_office, "city_admin", real_name="钱数办")


def application_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "full_name": "白银市审计局",
        "short_name": "市审计局",
        "agency_code": "白审",
        "kind": Unit.Kind.DEPARTMENT,
        "superior": None,
        "superior_opinion": "同意该单位使用 OA 系统。",
        "superior_signer": "王主任",
        "superior_signed_on": timezone.localdate() - dt.timedelta(days=2),
        "planned_admin_name": "李管理",
        "planned_admin_post": "科员",
        "planned_admin_phone": "0943-1234567",
        "leader_in_charge": "张副局长",
    }
    args.update(overrides)
    return args


def registered_unit(city: Any, checker: Any, **overrides: Any) -> Unit:
    """A unit that went through application (by shuziban) and review (by `checker`)."""
    application = services.unit_apply(actor=city.shuziban, **application_args(**overrides))
    return services.unit_review(actor=checker, unit=application.unit, approve=True)
