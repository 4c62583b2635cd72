"""The trash: delete is restorable; purge by the owner or doc admin, or by time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.library import selectors, services
from wenshu.library.models import Access, Item, ItemStatus, Version
from wenshu.library.tests.conftest import personal_item, unit_item

pytestmark = pytest.mark.usefixtures("clamd_socket")


def test_a_trashed_item_disappears_and_comes_back_on_restore(lib):
    item = unit_item(lib.a_clerk)
    services.library_item_trash(actor=lib.a_clerk, item=item)
    assert not selectors.items_visible_to(viewer=lib.a_staff).filter(pk=item.pk).exists()
    assert list(selectors.trash_for(viewer=lib.a_clerk)) == [Item.objects.get(pk=item.pk)]
    with pytest.raises(NotFound):
        selectors.item_for_viewer(viewer=lib.a_clerk, item_id=item.pk)
    restored = services.library_item_restore(actor=lib.a_clerk, item=item)
    assert restored.status == ItemStatus.LIVE and restored.trashed_at is None
    assert selectors.item_for_viewer(viewer=lib.a_staff, item_id=item.pk) == restored


def test_trash_and_restore_follow_the_state_table(lib):
    item = unit_item(lib.a_clerk)
    services.library_item_trash(actor=lib.a_clerk, item=item)
    with pytest.raises(Conflict, match="不能改为"):
        services.library_item_trash(actor=lib.a_clerk, item=item)
    services.library_item_restore(actor=lib.a_clerk, item=item)
    with pytest.raises(Conflict, match="不能改为"):
        services.library_item_restore(actor=lib.a_clerk, item=item)
    with pytest.raises(Conflict, match="回收站中的文档"):
        services.library_item_purge(actor=lib.a_clerk, item=item)


def test_only_the_owner_or_doc_admin_trashes_restores_and_purges(lib):
    item = unit_item(lib.a_clerk)
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.WRITE, person=lib.a_staff
    )
    with pytest.raises(Forbidden, match="上传人和本单位文档管理员"):
        services.library_item_trash(actor=lib.a_staff, item=item)
    services.library_item_trash(actor=lib.a_docadmin, item=item)
    assert Item.objects.get(pk=item.pk) in selectors.trash_for(viewer=lib.a_docadmin)
    assert not selectors.trash_for(viewer=lib.a_staff).exists()
    with pytest.raises(NotFound):
        selectors.trashed_item_for_viewer(viewer=lib.b_admin, item_id=item.pk)


def test_a_checked_out_item_cannot_be_trashed(lib):
    item = unit_item(lib.a_clerk)
    services.library_item_checkout(actor=lib.a_clerk, item=item)
    with pytest.raises(Conflict, match=r"艾文书.*签出"):
        services.library_item_trash(actor=lib.a_docadmin, item=item)


def test_purge_deletes_the_library_rows_and_is_audited(lib):
    item = personal_item(lib.a_clerk)
    upload_id = item.current_version.upload_id
    services.library_item_trash(actor=lib.a_clerk, item=item)
    services.library_item_purge(actor=lib.a_clerk, item=item)
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not Version.objects.filter(item_id=item.pk).exists()
    assert Upload.objects.filter(pk=upload_id).exists()  # the files app keeps its records
    event = AuditEvent.objects.get(action="library.purged")
    assert event.details["reason"] == "manual" and event.details["versions"][0]["number"] == 1


def test_documents_are_purged_after_the_trash_days(lib, settings):
    settings.LIBRARY_TRASH_DAYS = 30
    old, recent = unit_item(lib.a_clerk, "旧"), unit_item(lib.a_clerk, "新")
    for item in (old, recent):
        services.library_item_trash(actor=lib.a_clerk, item=item)
    Item.objects.filter(pk=old.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    assert services.library_trash_purge_expired() == 1
    assert not Item.objects.filter(pk=old.pk).exists()
    assert Item.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.get(action="library.purged").actor_id is None


def test_the_trash_pages(lib, login):
    item = unit_item(lib.a_clerk, "待删除")
    client = login(lib.a_clerk)
    assert client.post(reverse("library:trash_item", args=[item.pk])).status_code == 302
    page = client.get(reverse("library:trash"))
    assert page.status_code == 200 and "待删除" in page.text and "30 天" in page.text
    assert client.post(reverse("library:restore", args=[item.pk])).status_code == 302
    assert Item.objects.get(pk=item.pk).status == ItemStatus.LIVE
    client.post(reverse("library:trash_item", args=[item.pk]))
    assert client.post(reverse("library:purge", args=[item.pk])).status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()


def test_the_trash_pages_refuse_outsiders(lib, login):
    item = unit_item(lib.a_clerk, "待删除")
    services.library_item_trash(actor=lib.a_clerk, item=item)
    outsider = login(lib.b_admin)
    assert "待删除" not in outsider.get(reverse("library:trash")).text
    assert outsider.post(reverse("library:restore", args=[item.pk])).status_code == 404
    assert outsider.post(reverse("library:purge", args=[item.pk])).status_code == 404
    assert Item.objects.get(pk=item.pk).status == ItemStatus.TRASHED
