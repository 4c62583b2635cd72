"""Searching the corpus: Chinese words are found, scoping holds, snippets are safe. These run on
whichever database the suite runs on (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from wenshu.lib.errors import DomainError
from wenshu.search.models import SearchEntry
from wenshu.search.selectors import search
from wenshu.search.services import search_index_incremental
from wenshu.search.tests.conftest import send_mail

pytestmark = pytest.mark.django_db


def _kinds(page):
    return sorted((h.kind, h.object_id) for h in page.hits)


@pytest.mark.parametrize("word", ["公文", "印章", "会议", "预算"])
def test_it_finds_two_character_words(corpus, word):
    page = search(viewer=corpus.city.a_staff, q=word)
    assert page.total >= 1
    assert all(word in (h.title + h.snippet) for h in page.hits)


def test_it_finds_each_kind_where_the_word_is(corpus):
    staff = corpus.city.a_staff
    assert ("mail", corpus.mail_a.pk) in _kinds(search(viewer=staff, q="公文"))
    assert ("notice", corpus.notice_a.pk) in _kinds(search(viewer=staff, q="会议"))
    assert ("library", corpus.item_unit.pk) in _kinds(search(viewer=staff, q="采购"))


def test_it_finds_text_of_a_mail_attachment(corpus):
    page = search(viewer=corpus.city.a_staff, q="绩效目标")
    assert ("mail", corpus.mail_a.pk) in _kinds(page)


def test_it_requires_every_word(corpus):
    staff = corpus.city.a_staff
    assert _kinds(search(viewer=staff, q="印章 预算")) == sorted(
        [("mail", corpus.mail_a.pk), ("library", corpus.item_private.pk)]
    )
    assert search(viewer=staff, q="会议 印章").total == 0


def test_it_finds_nothing_for_a_word_that_does_not_occur(corpus):
    assert search(viewer=corpus.city.a_staff, q="航天").total == 0
    assert search(viewer=corpus.city.a_staff, q="！？").total == 0


def test_an_outsider_never_sees_another_units_mail_notice_or_library(corpus):
    outsider = corpus.city.b_staff
    for word in ("印章", "预算", "采购", "财政"):
        assert search(viewer=outsider, q=word).total == 0, word
    # The outsider's own unit's mail is found: scoping, not a broken index.
    assert _kinds(search(viewer=outsider, q="公文")) == [("mail", corpus.mail_b.pk)]
    assert _kinds(search(viewer=outsider, q="会议")) == [("mail", corpus.mail_b.pk)]


def test_a_colleague_does_not_see_a_private_library_item_or_others_mail(corpus):
    clerk = corpus.city.a_clerk  # same unit, not the owner, not a recipient of mail B
    assert search(viewer=clerk, q="笔记").total == 0
    assert ("mail", corpus.mail_b.pk) not in _kinds(search(viewer=clerk, q="公文"))
    # a_leader is neither sender nor recipient of mail A.
    assert ("mail", corpus.mail_a.pk) not in _kinds(search(viewer=corpus.city.a_leader, q="公文"))


def test_a_stale_entry_is_hidden_when_the_object_is_no_longer_visible(corpus):
    # A deleted copy or a trashed item may still sit in the index until the next run: the live
    # visibility filter hides it anyway.
    from wenshu.messaging.models import MailboxEntry

    MailboxEntry.objects.filter(owner=corpus.city.a_staff, message=corpus.mail_a).delete()
    assert ("mail", corpus.mail_a.pk) not in _kinds(search(viewer=corpus.city.a_staff, q="公文"))


def test_it_escapes_html_in_content_and_marks_the_words(corpus):
    city = corpus.city
    send_mail(
        city.a_clerk,
        city.a_staff,
        subject="<script>alert(1)</script>公文",
        body="正文含有<b>加粗</b>的公文字样 & 符号",
    )
    search_index_incremental()
    hit = next(h for h in search(viewer=city.a_staff, q="公文").hits if "script" in h.title)
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    assert "<mark>公文</mark>" in hit.title
    assert "<b>" not in hit.snippet and "&lt;b&gt;" in hit.snippet and "&amp;" in hit.snippet


def test_it_filters_by_kind_unit_and_date(corpus):
    staff = corpus.city.a_staff
    assert {h.kind for h in search(viewer=staff, q="会议", kind="notice").hits} == {"notice"}
    assert search(viewer=staff, q="公文", unit_id=corpus.city.b.pk).total == 0
    assert search(viewer=staff, q="公文", unit_id=corpus.city.a.pk).total >= 1
    today = timezone.localdate()
    assert search(viewer=staff, q="公文", date_from=today, date_to=today).total >= 1
    assert search(viewer=staff, q="公文", date_to=today - timedelta(days=1)).total == 0
    with pytest.raises(DomainError):
        search(viewer=staff, q="公文", date_from=today, date_to=today - timedelta(days=1))
    with pytest.raises(DomainError):
        search(viewer=staff, q="公文", kind="nonsense")


def test_it_pages_results(corpus):
    city = corpus.city
    for n in range(5):
        send_mail(city.a_clerk, city.a_staff, subject=f"预算执行情况第{n}期", body="预算")
    search_index_incremental()
    first = search(viewer=city.a_staff, q="预算", page_size=3)
    second = search(viewer=city.a_staff, q="预算", page=2, page_size=3)
    assert first.total == second.total >= 7 and first.pages == 3
    assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}
    assert first.hits[0].date >= first.hits[-1].date


def test_it_uses_the_backend_of_the_database(corpus):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM search_fts")
        else:
            cur.execute("SELECT count(*) FROM search_searchentry WHERE search_vector IS NOT NULL")
        assert cur.fetchone()[0] == SearchEntry.objects.count() == 5
