"""Keeping the index current: the incremental sweep (watermarks) and the rebuild command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from wenshu.library import services as library
from wenshu.search.models import SearchEntry, Watermark
from wenshu.search.registry import sources
from wenshu.search.selectors import search
from wenshu.search.services import search_index_incremental
from wenshu.search.tests.conftest import send_mail

pytestmark = pytest.mark.django_db


def test_it_registers_the_content_apps_as_sources():
    assert {"mail", "notice", "library", "document"} <= {s.kind for s in sources()}


def test_a_new_mail_is_found_only_after_the_indexer_ran(corpus):
    city = corpus.city
    message = send_mail(
        city.a_clerk,
        city.a_staff,
        subject="关于防汛值班安排的通知",
        body="汛期值班人员名单见附件。",
    )
    assert search(viewer=city.a_staff, q="防汛").total == 0
    assert search_index_incremental()["mail"] >= 1
    assert [h.object_id for h in search(viewer=city.a_staff, q="防汛").hits] == [message.pk]


def test_a_changed_item_is_reindexed(corpus):
    city = corpus.city
    library.library_item_update(
        actor=city.a_clerk, item=corpus.item_unit, title="政府采购内控规程", description=""
    )
    search_index_incremental()
    assert search(viewer=city.a_clerk, q="内控").total == 1
    assert SearchEntry.objects.filter(kind="library", object_id=corpus.item_unit.pk).count() == 1


def test_the_incremental_run_reads_only_what_changed(corpus):
    assert Watermark.objects.count() == len(sources())
    # Watermarks beyond every item's change time: nothing left to read.
    Watermark.objects.update(since=Watermark.objects.first().since.replace(year=2100))
    assert sum(search_index_incremental().values()) == 0


def test_the_rebuild_command_indexes_everything_again(corpus):
    SearchEntry.objects.all().delete()
    assert search(viewer=corpus.city.a_staff, q="公文").total == 0
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert "全文检索索引已重建" in out.getvalue()
    assert SearchEntry.objects.count() == 5
    assert search(viewer=corpus.city.a_staff, q="公文").total >= 1
    assert search(viewer=corpus.city.b_staff, q="印章").total == 0


def test_rebuilding_twice_keeps_one_entry_per_object(corpus):
    call_command("search_rebuild", stdout=StringIO())
    call_command("search_rebuild", stdout=StringIO())
    assert SearchEntry.objects.count() == 5
