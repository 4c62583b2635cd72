"""Bulletins fixtures: notices and reports made through the real services (no model shortcuts).

Beyond the city cast: a second leader of unit A (a_leader2), the 市委办公室 unit, and clerks
of the two report receivers (gov_clerk in 市政府办公室, party_clerk in 市委办公室).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_unit
from wenshu.bulletins import services
from wenshu.bulletins.models import InfoReport, Notice


def as_user(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


def notice_input(**fields: Any) -> services.NoticeInput:
    fields.setdefault("title", "关于做好节日值班工作的通知")
    fields.setdefault("body", "各处室：请按排班表做好节日期间值班工作。")
    fields.setdefault("expires_on", timezone.localdate() + timedelta(days=30))
    return services.NoticeInput(**fields)


def draft(city: Any, author: Any = None, **fields: Any) -> Notice:
    return services.notice_create(actor=author or city.a_clerk, data=notice_input(**fields))


def publish(city: Any, author: Any = None, leader: Any = None, **fields: Any) -> Notice:
    """A notice of unit A (or of the author's unit) submitted and approved."""
    author = author or city.a_clerk
    notice = draft(city, author, **fields)
    services.notice_submit(actor=author, notice=notice)
    leader = leader or (city.a_leader if author.unit_id == city.a.pk else city.b_leader)
    return services.notice_approve(actor=leader, notice=notice)


@pytest.fixture
def a_leader2(city: Any) -> Any:
    return make_person("a_leader2", city.a, "unit_leader", real_name="艾副局长")


@pytest.fixture
def party_office(city: Any) -> Any:
    return make_unit("中共白银市委办公室", "市委办", "白委办", kind="party")


@pytest.fixture
def receivers(city: Any, party_office: Any) -> Any:
    """市政府办公室 and 市委办公室 flagged as report receivers, each with a clerk."""
    for unit in (city.gov_office, party_office):
        services.receiver_set(actor=city.shuziban, unit=unit, active=True)
    city.gov_clerk = make_person("gov_clerk", city.gov_office, "clerk", real_name="郑信息")
    city.gov_staff = make_person("gov_staff", city.gov_office, "staff", real_name="郑科员")
    city.party_clerk = make_person("party_clerk", party_office, "clerk", real_name="党信息")
    city.party_office = party_office
    return city


def report(city: Any, author: Any = None, receiver: Any = None, **fields: Any) -> InfoReport:
    fields.setdefault("title", "市财政局推进预算绩效管理")
    fields.setdefault("body", "近日，市财政局……")
    fields.setdefault("category", InfoReport.Category.WORK_NEWS)
    return services.report_submit(
        actor=author or city.a_clerk,
        data=services.ReportInput(receiver=receiver or city.gov_office, **fields),
    )


def adopt(city: Any, item: InfoReport, handler: Any = None) -> InfoReport:
    return services.report_adopt(
        actor=handler or city.gov_clerk,
        report=item,
        used_in="journal",
        journal_name="白银政务信息",
        journal_issue="2026年第3期",
    )
