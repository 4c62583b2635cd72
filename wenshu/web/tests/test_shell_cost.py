"""What the page shell costs per request, and that it still shows each person their entries.

The shell (wenshu.web.registry) asks every registered nav item and counter whether the viewer
may see it. The answers come from the person's grants — roles plus the app assignments
(equipment manager, document administrator, information officer, report-receiving unit) —
read in one query on the first question and kept on the request's User (wenshu.accounts.grants).

Budgets (a regression above one fails here):
    the navigation and every counter's visibility        1 query (the grants), then 0
    a page through the shell, against the same page bare  SHELL_QUERIES more: the grants, which
                                                          a real page reads for its own checks
    an htmx fragment rendered with the request            0 more (the navigation is lazy)
    the workbench, against the bare page                  SHELL_QUERIES + at most
                                                          COUNTER_QUERIES per counter shown
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from wenshu.accounts.backends import WenshuBackend
from wenshu.accounts.grants import forget_grants, has_grant
from wenshu.web import registry

SHELL_QUERIES = 1
COUNTER_QUERIES = 3  # 待审批设备申请 counts three kinds of request; every other counter is one

PEOPLE = ["a_clerk", "a_admin", "a_leader", "a_custodian", "a_staff", "shuziban", "secadmin"]
PEOPLE += ["zhengfuban", "baomiju", "auditor", "sysadmin"]


@login_required
def _bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{request.user.pk}")


@login_required
def _shell(request: HttpRequest) -> HttpResponse:
    return render(request, "web/base.html")


@login_required
def _fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "web/partials/error.html", {"message": "片段", "status": 400})


# This module is the URL conf of the tests marked with it: the pages above beside the site.
urlpatterns = [
    path("__bare__/", _bare),
    path("__shell__/", _shell),
    path("__fragment__/", _fragment),
    path("", include("config.urls")),
]


def _queries(c: Any, url: str) -> list[str]:
    """The SQL of one request (the second: the first of a session may do one-off work)."""
    c.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def _fresh(user: Any) -> Any:
    """The person as a request sees them: loaded by the backend, nothing read yet."""
    return WenshuBackend().get_user(user.pk)


@pytest.fixture
def assigned(city):
    """a_staff as equipment manager, document administrator, and information officer of a
    unit that receives information reports — every app grant the navigation asks about."""
    from wenshu.assets.models import AssetManager
    from wenshu.bulletins.models import ReceivingUnit
    from wenshu.library.models import LibraryAdmin
    from wenshu.org.models import Department

    staff, admin = city.a_staff, city.a_admin
    AssetManager.objects.create(unit=city.a, person=staff, appointed_by=admin)
    LibraryAdmin.objects.create(unit=city.a, person=staff, assigned_by=admin)
    Department.objects.create(unit=city.a, name="办公室", info_officer=staff)
    ReceivingUnit.objects.create(unit=city.a, updated_by=city.shuziban, updated_at=timezone.now())
    return staff


def _labels(user: Any) -> set[str]:
    return {item.label for _, items in registry.nav_for(user) for item in items}


def _visibility(user: Any) -> None:
    registry.nav_for(user)
    [c.visible(user) for c in registry._counters]


@pytest.mark.parametrize("who", PEOPLE)
def test_the_navigation_reads_every_grant_in_one_query(city, who, django_assert_num_queries):
    user = _fresh(getattr(city, who))
    with django_assert_num_queries(SHELL_QUERIES):
        _visibility(user)
    with django_assert_num_queries(0):
        _visibility(user)


def test_a_person_with_app_assignments_costs_no_more(assigned, django_assert_num_queries):
    user = _fresh(assigned)
    with django_assert_num_queries(SHELL_QUERIES):
        labels = _labels(user)
    assert {"设备盘点", "文档签出管理", "待处理信息"} <= labels


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("who", ["a_clerk", "a_admin", "shuziban"])
def test_a_page_through_the_shell_costs_no_more_queries_than_the_bare_page(city, login, who):
    c = login(getattr(city, who))
    bare, shell = _queries(c, "/__bare__/"), _queries(c, "/__shell__/")
    assert len(shell) - len(bare) <= SHELL_QUERIES, "\n".join(shell)


@pytest.mark.urls(__name__)
def test_a_fragment_rendered_with_the_request_costs_nothing_for_the_navigation(city, login):
    c = login(city.a_clerk)
    bare, fragment = _queries(c, "/__bare__/"), _queries(c, "/__fragment__/")
    assert len(fragment) == len(bare), "\n".join(fragment)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("who", ["a_clerk", "a_admin", "a_leader", "a_custodian", "shuziban"])
def test_the_workbench_costs_at_most_its_counters(city, login, who):
    user = getattr(city, who)
    c = login(user)
    viewer = _fresh(user)
    shown = [x for x in registry._counters if x.visible(viewer)]
    bare, workbench = _queries(c, "/__bare__/"), _queries(c, "/workbench/")
    budget = SHELL_QUERIES + COUNTER_QUERIES * len(shown)
    assert len(workbench) - len(bare) <= budget, "\n".join(workbench)


def test_each_request_reads_the_grants_afresh(city, login):
    from wenshu.assets import services

    c = login(city.a_staff)
    assert "设备盘点" not in c.get("/workbench/").content.decode()
    services.asset_manager_appoint(actor=city.a_admin, person=city.a_staff)
    assert "设备盘点" in c.get("/workbench/").content.decode()


def test_a_service_that_changes_a_grant_forgets_what_was_read(city):
    from wenshu.assets import services

    staff = _fresh(city.a_staff)
    assert not services.is_office(staff)
    services.asset_manager_appoint(actor=city.a_admin, person=staff)
    assert services.is_office(staff)


def test_grants_read_before_a_change_stay_until_forgotten(city):
    from wenshu.accounts.models import RoleGrant
    from wenshu.accounts.roles import Role

    staff = _fresh(city.a_staff)
    assert not staff.has_role(Role.CLERK)
    RoleGrant.objects.create(user=staff, role=Role.CLERK)
    assert not staff.has_role(Role.CLERK)  # one request sees one answer
    forget_grants(staff)
    assert staff.has_role(Role.CLERK)


def test_an_unregistered_grant_is_a_programming_error(city):
    with pytest.raises(LookupError):
        has_grant(city.a_staff, "nobody.registered_this")


@pytest.mark.parametrize(
    ("who", "sees", "does_not_see"),
    [
        (
            "a_staff",
            {"设备管理", "单位文档"},
            {"设备盘点", "文档签出管理", "待处理信息", "人员管理"},
        ),
        ("a_admin", {"设备盘点", "文档签出管理", "人员管理"}, {"单位注册管理", "待处理信息"}),
        ("a_clerk", {"待分发", "收文", "信息上报"}, {"设备盘点", "文档签出管理", "待处理信息"}),
        ("shuziban", {"单位注册管理", "信息接收单位设置"}, {"待分发", "安全控制台"}),
        ("secadmin", {"安全控制台", "安全告警"}, {"人员管理", "审计日志"}),
    ],
)
def test_the_navigation_shows_each_role_its_entries(city, who, sees, does_not_see):
    labels = _labels(_fresh(getattr(city, who)))
    assert sees <= labels
    assert not (does_not_see & labels)


def test_an_assigned_person_sees_the_entries_of_their_assignments(assigned):
    assert {"设备盘点", "文档签出管理", "信息上报", "待处理信息"} <= _labels(_fresh(assigned))
