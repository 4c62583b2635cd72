"""The address book: search by name, unit, department and phone; unshared mobile numbers never
appear in pages or API responses (nor can a search find a person by one)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_person, make_unit
from wenshu.directory import selectors
from wenshu.org.models import Department

SHARED, HIDDEN = "13900001111", "13800002222"


@pytest.fixture
def book(city):
    office = Department.objects.create(unit=city.a, name="综合科", phone="0943-8220001")
    city.a_clerk.department, city.a_clerk.post = office, "科长"
    city.a_clerk.office_phone, city.a_clerk.mobile = "0943-8221234", SHARED
    city.a_clerk.share_mobile = True
    city.a_clerk.save()
    city.a_staff.department, city.a_staff.mobile, city.a_staff.share_mobile = office, HIDDEN, False
    city.a_staff.save()
    return city


def _names(rows):
    return [r["real_name"] for r in rows]


def test_it_finds_people_by_name_unit_department_and_phone(book):
    viewer = book.b_staff
    assert _names(selectors.directory_people(viewer=viewer, q="艾文书")) == ["艾文书"]
    by_unit = _names(selectors.directory_people(viewer=viewer, q="财政局"))
    assert "艾文书" in by_unit and "贝科员" not in by_unit
    by_department = set(_names(selectors.directory_people(viewer=viewer, q="综合科")))
    assert by_department == {"艾文书", "艾科员"}
    assert _names(selectors.directory_people(viewer=viewer, q="8221234")) == ["艾文书"]
    assert _names(selectors.directory_people(viewer=viewer, q=SHARED)) == ["艾文书"]
    assert "艾科员" in _names(selectors.directory_people(viewer=viewer, q="8220001"))
    by_unit_id = _names(selectors.directory_people(viewer=viewer, unit_id=book.b.pk))
    assert set(by_unit_id) == {"贝管理", "贝局长", "贝文书", "贝科员"}


def test_an_unshared_mobile_is_never_shown_nor_searchable(book, login):
    assert selectors.directory_people(viewer=book.b_staff, q=HIDDEN).count() == 0
    rows = {r["real_name"]: r for r in selectors.directory_people(viewer=book.b_staff)}
    assert rows["艾文书"]["shared_mobile"] == SHARED and rows["艾科员"]["shared_mobile"] == ""
    assert all("mobile" not in row for row in rows.values())
    client = login(book.b_staff)
    for url in (
        reverse("directory:index"),
        reverse("directory:unit", args=[book.a.pk]),
        reverse("directory:index") + "?q=艾科员",
    ):
        page = client.get(url)
        assert page.status_code == 200 and HIDDEN not in page.text
    assert SHARED in client.get(reverse("directory:index") + "?q=艾文书").text
    hidden_search = client.get(reverse("directory:index"), {"q": HIDDEN})
    assert "艾科员" not in hidden_search.text.split("<main")[1]
    for url in (
        "/api/v1/directory/people",
        f"/api/v1/directory/units/{book.a.pk}",
        f"/api/v1/directory/people?q={HIDDEN}",
    ):
        response = client.get(url)
        assert response.status_code == 200 and HIDDEN not in response.text
    people = client.get("/api/v1/directory/people", {"unit_id": book.a.pk}).json()["items"]
    mobiles = {p["real_name"]: p["mobile"] for p in people}
    assert mobiles["艾文书"] == SHARED and mobiles["艾科员"] is None


def test_only_active_people_of_units_in_the_directory_are_listed(book):
    make_person("a_gone", book.a, "staff", real_name="艾离职", status="closed")
    hidden = make_unit("白银市测试局", "测试局", "白测")
    hidden.in_directory = False
    hidden.save(update_fields=["in_directory"])
    make_person("t_staff", hidden, "staff", real_name="测科员")
    names = _names(selectors.directory_people(viewer=book.a_staff))
    assert "艾离职" not in names and "测科员" not in names and "艾文书" in names


def test_the_unit_card_groups_people_by_department(book, login):
    page = login(book.b_staff).get(reverse("directory:unit", args=[book.a.pk]))
    assert page.status_code == 200
    text = page.text
    assert "综合科" in text and "0943-8220001" in text and "（未分部门）" in text
    assert text.index("艾文书") > text.index("<h2>综合科</h2>")


def test_search_filters_by_unit_and_department_on_the_page(book, login):
    office = Department.objects.get(name="综合科")
    page = login(book.b_staff).get(
        reverse("directory:index"), {"unit": book.a.pk, "department": office.pk}
    )
    body = page.text.split("<main")[1]
    assert "艾文书" in body and "艾科员" in body and "艾局长" not in body
    assert page.status_code == 200


def test_the_api_lists_units_and_a_unit_card(book, login):
    client = login(book.b_staff)
    units = client.get("/api/v1/directory/units", {"q": "财政"}).json()
    assert [u["short_name"] for u in units] == ["市财政局"]
    card = client.get(f"/api/v1/directory/units/{book.a.pk}").json()
    assert [d["name"] for d in card["departments"]] == ["综合科"]
    clerk = next(p for p in card["people"] if p["username"] == "a_clerk")
    assert clerk["office_phone"] == "0943-8221234" and clerk["post"] == "科长"


def test_a_unit_outside_the_directory_is_a_404(book, login):
    hidden = make_unit("白银市测试局", "测试局", "白测")
    hidden.in_directory = False
    hidden.save(update_fields=["in_directory"])
    client = login(book.a_staff)
    assert client.get(reverse("directory:unit", args=[hidden.pk])).status_code == 404
    assert client.get(f"/api/v1/directory/units/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/directory/units/999999").status_code == 404


def test_anonymous_callers_are_refused(book):
    anonymous = Client()
    page = anonymous.get(reverse("directory:index"))
    assert page.status_code == 302 and "/accounts/" in page["Location"]
    assert anonymous.get(reverse("directory:unit", args=[book.a.pk])).status_code == 302
    assert anonymous.get("/api/v1/directory/people").status_code == 401
    assert anonymous.get(f"/api/v1/directory/units/{book.a.pk}").status_code == 401


def test_the_search_page_does_not_grow_queries(book, login, django_assert_max_num_queries):
    for i in range(40):
        make_person(f"extra{i}", book.b, "staff", real_name=f"贝{i}")
    client = login(book.a_staff)
    client.get(reverse("directory:index"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("directory:index")).status_code == 200
