"""The search page and GET /api/v1/search: results for the owner, nothing for the outsider,
log-in required, bad filters refused with a Chinese message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wenshu.search.tests.conftest import MAIL_A, bearer

pytestmark = pytest.mark.django_db
API = "/api/v1/search"


def test_the_page_shows_highlighted_results_with_kind_badges(corpus, login):
    c = login(corpus.city.a_staff)
    html = c.get(reverse("search:index"), {"q": "印章"}).content.decode()
    assert "<mark>印章</mark>" in html
    assert "邮件" in html and 'class="badge"' in html
    assert reverse("messaging:open", args=[corpus.mail_a.pk]) in html


def test_the_page_without_a_query_shows_only_the_form(corpus, login):
    r = login(corpus.city.a_staff).get(reverse("search:index"))
    assert r.status_code == 200 and "全文检索" in r.content.decode()


def test_the_page_shows_an_outsider_nothing_of_another_unit(corpus, login):
    html = login(corpus.city.b_staff).get(reverse("search:index"), {"q": "印章"}).content.decode()
    assert MAIL_A[0] not in html and "<mark>" not in html
    assert "没有找到" in html


def test_the_page_refuses_a_reversed_date_range_in_chinese(corpus, login):
    r = login(corpus.city.a_staff).get(
        reverse("search:index"), {"q": "公文", "date_from": "2026-12-01", "date_to": "2026-11-01"}
    )
    assert r.status_code == 200 and "起始日期不能晚于截止日期" in r.content.decode()


def test_the_page_requires_login(client, corpus):
    r = client.get(reverse("search:index"), {"q": "公文"})
    assert r.status_code == 302 and "login" in r["Location"]


def test_the_api_returns_scoped_results(corpus, client):
    r = client.get(API, {"q": "公文"}, **bearer(corpus.city.a_staff))
    assert r.status_code == 200
    data = r.json()
    assert data["total"] >= 1 and data["words"] == ["公文"]
    hit = next(h for h in data["results"] if h["object_id"] == corpus.mail_a.pk)
    assert hit["kind"] == "mail" and "<mark>公文</mark>" in hit["title_html"]


def test_the_api_gives_an_outsider_nothing_of_another_unit(corpus, client):
    for word in ("印章", "预算", "采购"):
        r = client.get(API, {"q": word}, **bearer(corpus.city.b_staff))
        assert r.status_code == 200 and r.json()["total"] == 0


def test_the_api_filters_and_pages(corpus, client):
    auth = bearer(corpus.city.a_staff)
    r = client.get(
        API, {"q": "会议", "kind": "notice", "unit": corpus.city.a.pk, "page": 1}, **auth
    )
    assert [h["kind"] for h in r.json()["results"]] == ["notice"]
    assert (
        client.get(API, {"q": "会议", "kind": "notice", "page": 2}, **auth).json()["results"] == []
    )


def test_the_api_refuses_bad_filters_with_a_4xx(corpus, client):
    auth = bearer(corpus.city.a_staff)
    r = client.get(API, {"q": "公文", "kind": "nonsense"}, **auth)
    assert r.status_code == 400 and "类别" in r.json()["message"]
    r = client.get(API, {"q": "公文", "date_from": "2026-12-01", "date_to": "2026-11-01"}, **auth)
    assert r.status_code == 400 and "起始日期" in r.json()["message"]
    assert client.get(API, {"q": "公文", "date_from": "昨天"}, **auth).status_code in (400, 422)


def test_the_api_requires_authentication(client, corpus):
    assert client.get(API, {"q": "公文"}).status_code == 401
