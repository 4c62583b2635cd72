"""Versions: each upload is a version with who and when; the item points at the current one;
old versions stay downloadable; a stale page cannot overwrite a newer version."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.library import selectors, services
from wenshu.library.models import Scope, Version
from wenshu.library.tests.conftest import personal_item, unit_item, unit_root, upload

pytestmark = pytest.mark.usefixtures("clamd_socket")


def test_it_files_an_upload_as_version_one(lib):
    item = unit_item(lib.a_clerk, "工作方案", "工作方案第一稿")
    assert item.current_version.number == 1
    assert item.current_version.created_by == lib.a_clerk
    assert item.current_version.upload.stored_file.text == "工作方案第一稿"
    assert item.unit == lib.a and item.department == lib.office
    assert item.scope == Scope.UNIT  # the unit folder's default
    assert AuditEvent.objects.filter(action="library.item_created", target_id=str(item.pk)).exists()


def test_a_new_version_becomes_current_and_the_old_one_stays(lib, login):
    item = unit_item(lib.a_clerk, "工作方案", "第一稿")
    v2 = services.library_version_add(
        actor=lib.a_clerk,
        item=item,
        upload=upload(lib.a_clerk, "工作方案.txt", "第二稿"),
        note="按意见修改",
    )
    item.refresh_from_db()
    assert item.current_version == v2 and v2.number == 2 and v2.note == "按意见修改"
    assert [v.number for v in selectors.item_versions(viewer=lib.a_clerk, item=item)] == [2, 1]
    client = login(lib.a_clerk)
    old = client.get(reverse("library:download", args=[item.pk, 1]))
    assert old.status_code == 200 and old.content == "第一稿".encode()
    assert client.get(reverse("library:download", args=[item.pk, 2])).content == "第二稿".encode()
    assert client.get(reverse("library:download", args=[item.pk, 3])).status_code == 404


def test_the_item_page_shows_who_uploaded_each_version_and_when(lib, login):
    item = unit_item(lib.a_clerk, "工作方案", "第一稿")
    services.library_version_add(
        actor=lib.a_docadmin, item=item, upload=upload(lib.a_docadmin, "工作方案.txt", "第二稿")
    )
    page = login(lib.a_clerk).get(reverse("library:item", args=[item.pk]))
    assert page.status_code == 200
    text = page.text
    assert "第 2 版" in text and "艾文档" in text and "艾文书" in text
    created = Version.objects.get(item=item, number=2).created_at
    # Pages show Asia/Shanghai time: compare with the local date, not the UTC one.
    assert timezone.localtime(created).strftime("%Y-%m-%d") in text


def test_a_stale_page_cannot_overwrite_a_newer_version(lib):
    item = unit_item(lib.a_clerk, "工作方案", "第一稿")
    services.library_version_add(
        actor=lib.a_clerk, item=item, upload=upload(lib.a_clerk, "a.txt", "第二稿"), base_version=1
    )
    with pytest.raises(Conflict, match="已有新的第 2 版") as refused:
        services.library_version_add(
            actor=lib.a_docadmin,
            item=item,
            upload=upload(lib.a_docadmin, "b.txt", "另一个第二稿"),
            base_version=1,
        )
    assert "艾文书" in refused.value.message
    assert item.versions.count() == 2


def test_only_ones_own_upload_can_be_filed(lib):
    someone_elses = upload(lib.a_staff, "别人的.txt", "别人上传的")
    with pytest.raises(Forbidden, match="本人上传"):
        services.library_item_create(
            actor=lib.a_clerk, folder=unit_root(lib.a_clerk), upload=someone_elses
        )


def test_a_reader_of_the_unit_cannot_upload_versions_without_write_access(lib):
    item = unit_item(lib.a_clerk)
    with pytest.raises(Forbidden, match="只有查看权限"):
        services.library_version_add(
            actor=lib.a_staff, item=item, upload=upload(lib.a_staff, "x.txt", "改写")
        )


def test_a_personal_document_is_its_owners_alone(lib):
    item = personal_item(lib.a_clerk)
    assert item.is_personal and item.scope == Scope.PRIVATE
    assert selectors.items_visible_to(viewer=lib.a_clerk).filter(pk=item.pk).exists()
    for other in (lib.a_staff, lib.a_docadmin, lib.a_admin, lib.b_staff):
        with pytest.raises(NotFound):
            selectors.item_for_viewer(viewer=other, item_id=item.pk)


def test_the_search_text_is_the_current_versions(lib):
    item = unit_item(lib.a_clerk, "印章管理办法", "第一稿：公文用印")
    services.library_version_add(
        actor=lib.a_clerk, item=item, upload=upload(lib.a_clerk, "印章.txt", "第二稿：印章保管")
    )
    item = selectors.item_for_viewer(viewer=lib.a_clerk, item_id=item.pk)
    assert "印章保管" in item.search_text and "公文用印" not in item.search_text
    assert "印章管理办法" in item.search_text
    assert list(selectors.items_for_indexing()) == [item]


def test_title_and_description_can_be_edited_by_writers_only(lib):
    item = unit_item(lib.a_clerk)
    services.library_item_update(actor=lib.a_clerk, item=item, title="新标题", description="说明")
    item.refresh_from_db()
    assert item.title == "新标题"
    with pytest.raises(Forbidden):
        services.library_item_update(actor=lib.a_staff, item=item, title="乱改", description="")
