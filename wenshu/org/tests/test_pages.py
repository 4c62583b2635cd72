"""The unit pages: each works for its role and refuses outsiders; refused forms keep input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_unit
from wenshu.org import services
from wenshu.org.models import Deregistration, RequestStatus, Unit, UnitGroup
from wenshu.org.tests.conftest import application_args


def _apply_post(**overrides):
    data = {k: ("" if v is None else v) for k, v in application_args(**overrides).items()}
    data["superior_signed_on"] = str(data["superior_signed_on"])
    return data


def test_the_registry_lists_and_filters_units(city, login):
    client = login(city.shuziban)
    page = client.get(reverse("org:registry"), {"q": "财政"})
    assert page.status_code == 200
    assert "白银市财政局" in page.text and "白银市教育局" not in page.text
    page = client.get(reverse("org:registry"), {"status": "applied"})
    assert "白银市财政局" not in page.text


def test_the_registry_does_not_grow_queries_with_units(city, login, django_assert_max_num_queries):
    client = login(city.shuziban)
    for i in range(30):
        make_unit(f"白银市测试局{i}", f"测试局{i}", f"白测{i}", superior=city.gov_office)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("org:registry")).status_code == 200


@pytest.mark.parametrize("who", ["a_admin", "a_staff", "sysadmin"])
def test_the_registry_refuses_others(city, login, who):
    assert login(getattr(city, who)).get(reverse("org:registry")).status_code == 403


def test_filing_and_reviewing_an_application_through_the_pages(city, shuziban2, login, client):
    filer = login(city.shuziban)
    response = filer.post(reverse("org:apply"), _apply_post())
    assert response.status_code == 302
    unit = Unit.objects.get(full_name="白银市审计局")
    url = reverse("org:application", args=[unit.application.pk])
    assert "四眼原则" in filer.get(url).text
    assert filer.post(url, {"decision": "approve"}).status_code == 403
    reviewer = login(shuziban2, client.__class__())
    assert reviewer.post(url, {"decision": "approve"}).status_code == 302
    unit.refresh_from_db()
    assert unit.status == Unit.Status.REGISTERED


def test_a_refused_application_keeps_what_was_typed(city, login):
    response = login(city.shuziban).post(
        reverse("org:apply"), _apply_post(full_name="白银市财政局")
    )
    assert response.status_code == 400
    assert "不能重名" in response.text and 'value="市审计局"' in response.text


def test_a_rejection_without_reason_is_refused_on_the_page(city, shuziban2, login):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    url = reverse("org:application", args=[application.pk])
    response = login(shuziban2).post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "审核意见" in response.text


def test_application_pages_refuse_outsiders(city, login):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    url = reverse("org:application", args=[application.pk])
    assert login(city.a_admin).get(url).status_code == 200
    assert login(city.b_admin).get(url).status_code == 404
    assert login(city.a_staff).get(reverse("org:apply")).status_code == 403


def test_the_unit_page_shows_the_name_history(city, login):
    request = services.unit_rename_request(
        actor=city.a_admin,
        unit=city.a,
        new_full_name="白银市财政和国资委",
        new_short_name="市财国委",
        new_admin=city.a_admin,
        kept_people=[city.a_leader],
    )
    services.unit_rename_approve(actor=city.shuziban, request=request)
    page = login(city.a_leader).get(reverse("org:unit", args=[city.a.pk]))
    assert page.status_code == 200
    assert "白银市财政局" in page.text and "白银市财政和国资委" in page.text


def test_the_unit_page_refuses_outsiders(city, login):
    assert login(city.b_admin).get(reverse("org:unit", args=[city.a.pk])).status_code == 404
    assert login(city.a_clerk).get(reverse("org:unit", args=[city.a.pk])).status_code == 404


def test_renaming_through_the_pages(city, login, client):
    admin = login(city.a_admin)
    url = reverse("org:rename_new", args=[city.a.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(
        url,
        {
            "new_full_name": "白银市财政和国资委",
            "new_short_name": "市财国委",
            "new_agency_code": "",
            "new_admin": city.a_admin.pk,
            "kept_people": [city.a_admin.pk, city.a_leader.pk],
        },
    )
    assert response.status_code == 302
    rename = city.a.rename_requests.get()
    detail = reverse("org:rename", args=[rename.pk])
    assert "艾科员" in admin.get(detail).text  # on the closing list
    office = login(city.shuziban, client.__class__())
    assert office.post(detail, {"action": "approve"}).status_code == 302
    rename.refresh_from_db()
    assert rename.status == RequestStatus.APPROVED
    # a second click on a stale page is refused with a message, not applied twice
    again = office.post(detail, {"action": "approve"})
    assert again.status_code == 400 and "不能改为" in again.text


def test_rename_pages_refuse_outsiders(city, login):
    request = services.unit_rename_request(
        actor=city.a_admin,
        unit=city.a,
        new_full_name="白银市财政和国资委",
        new_short_name="市财国委",
        new_admin=city.a_admin,
        kept_people=[],
    )
    assert login(city.b_admin).get(reverse("org:rename_new", args=[city.a.pk])).status_code == 404
    assert login(city.a_leader).get(reverse("org:rename_new", args=[city.a.pk])).status_code == 403
    assert login(city.b_admin).get(reverse("org:rename", args=[request.pk])).status_code == 404
    response = login(city.a_admin).post(
        reverse("org:rename", args=[request.pk]), {"action": "approve"}
    )
    assert response.status_code == 400 and "市数字办" in response.text


def test_deregistering_through_the_pages(city, login, client):
    admin = login(city.b_admin)
    response = admin.post(
        reverse("org:deregister_new", args=[city.b.pk]),
        {"reason": "机构改革", "disposal": "archive", "disposal_note": "交档案馆"},
    )
    assert response.status_code == 302
    dereg = Deregistration.objects.get(unit=city.b)
    office = login(city.shuziban, client.__class__())
    assert (
        office.post(
            reverse("org:deregistration", args=[dereg.pk]), {"action": "execute"}
        ).status_code
        == 302
    )
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.DEREGISTERED


def test_deregistration_pages_refuse_outsiders(city, login):
    assert (
        login(city.a_admin).get(reverse("org:deregister_new", args=[city.b.pk])).status_code == 404
    )
    assert (
        login(city.b_leader).get(reverse("org:deregister_new", args=[city.b.pk])).status_code == 403
    )
    dereg = services.unit_deregister_request(
        actor=city.b_admin, unit=city.b, reason="撤销", disposal="archive"
    )
    assert (
        login(city.a_admin).get(reverse("org:deregistration", args=[dereg.pk])).status_code == 404
    )


def test_merging_through_the_page_with_exceptions(city, login):
    office = login(city.shuziban)
    form = office.get(reverse("org:merge_new"))
    assert form.status_code == 200 and "白银市教育局" in form.text
    assert "白银市数字白银工作办公室" not in form.text.split("<main")[1]
    response = office.post(
        reverse("org:merge_new"),
        {
            "sources": [city.b.pk],
            "target": city.a.pk,
            "new_kind": "department",
            "people_action": "move",
            "exceptions": "b_staff\n",
        },
    )
    assert response.status_code == 302
    city.b_staff.refresh_from_db()
    city.b_clerk.refresh_from_db()
    assert city.b_staff.status == "disabled" and city.b_clerk.unit == city.a
    merge_page = office.get(response["Location"])
    assert "贝科员" in merge_page.text


def test_the_merge_page_refuses_bad_input_and_outsiders(city, login):
    office = login(city.shuziban)
    response = office.post(
        reverse("org:merge_new"),
        {
            "sources": [city.b.pk],
            "target": city.a.pk,
            "new_kind": "department",
            "people_action": "move",
            "exceptions": "a_clerk",
        },
    )
    assert response.status_code == 400 and "a_clerk" in response.text
    response = office.post(
        reverse("org:merge_new"),
        {
            "sources": [city.a.pk],
            "target": city.a.pk,
            "new_kind": "department",
            "people_action": "move",
        },
    )
    assert response.status_code == 400 and "自身" in response.text
    assert login(city.a_admin).get(reverse("org:merge_new")).status_code == 403


def test_departments_page_for_the_unit_admin(city, login):
    admin = login(city.a_admin)
    response = admin.post(reverse("org:departments"), {"name": "预算科", "order": 1})
    assert response.status_code == 302
    dept = city.a.departments.get()
    edit = reverse("org:department_edit", args=[dept.pk])
    assert admin.post(edit, {"name": "预算管理科", "order": 2}).status_code == 302
    assert admin.post(reverse("org:department_toggle", args=[dept.pk])).status_code == 302
    dept.refresh_from_db()
    assert dept.name == "预算管理科" and not dept.is_active
    duplicate = admin.post(reverse("org:departments"), {"name": "预算管理科", "order": 0})
    assert duplicate.status_code == 400 and "已有名为" in duplicate.text


def test_departments_pages_refuse_outsiders(city, login):
    dept = services.department_create(actor=city.a_admin, unit=city.a, name="预算科")
    assert login(city.a_staff).get(reverse("org:departments")).status_code == 403
    assert (
        login(city.b_admin).get(reverse("org:department_edit", args=[dept.pk])).status_code == 404
    )
    assert (
        login(city.b_admin).post(reverse("org:department_toggle", args=[dept.pk])).status_code
        == 404
    )


def test_groups_pages(city, login, client):
    office = login(city.shuziban)
    response = office.post(reverse("org:groups"), {"name": "市直各部门", "order": 0})
    assert response.status_code == 302
    group = UnitGroup.objects.get()
    url = reverse("org:group", args=[group.pk])
    assert (
        office.post(url, {"action": "members", "units": [city.a.pk, city.b.pk]}).status_code == 302
    )
    assert set(group.units.all()) == {city.a, city.b}
    reader = login(city.a_staff, client.__class__())
    assert "白银市教育局" in reader.get(url).text
    assert reader.post(url, {"action": "delete"}).status_code == 403
    assert reader.post(reverse("org:groups"), {"name": "x"}).status_code == 403
    assert office.post(url, {"action": "delete"}).status_code == 302
    assert not UnitGroup.objects.exists()
    assert reader.get(url).status_code == 404


def test_pending_page_and_counter(city, login):
    services.unit_apply(actor=city.a_admin, **application_args())
    page = login(city.shuziban).get(reverse("org:pending"))
    assert page.status_code == 200 and "白银市审计局" in page.text
    workbench = login(city.shuziban).get(reverse("web:workbench"))
    assert "待审核单位申请" in workbench.text
    assert "待审核单位申请" not in login(city.a_admin).get(reverse("web:workbench")).text
    assert login(city.a_staff).get(reverse("org:pending")).status_code == 403


def test_nav_shows_each_role_its_pages(city, login):
    office = login(city.shuziban).get(reverse("org:directory")).text
    assert "单位注册管理" in office and "部门管理" not in office
    admin = login(city.a_admin).get(reverse("org:directory")).text
    assert "部门管理" in admin and "单位注册管理" not in admin


def test_the_directory_and_my_unit(city, login):
    page = login(city.a_staff).get(reverse("org:directory"), {"kind": "government"})
    assert (
        page.status_code == 200
        and "白银市人民政府办公室" in page.text
        and "白银市财政局" not in page.text
    )
    response = login(city.a_admin).get(reverse("org:my_unit"))
    assert response["Location"] == reverse("org:unit", args=[city.a.pk])


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(reverse("org:registry")).status_code == 302
