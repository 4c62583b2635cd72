"""The library pages: folder tree and list with filters and paging, upload (with the
pipeline's refusals kept on the form), share dialog, scope, folder upkeep."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wenshu.files.models import Upload
from wenshu.files.tests.samples import make_docx
from wenshu.lib.scan import eicar_test_file
from wenshu.library import services
from wenshu.library.models import Folder, Item, Scope, Share
from wenshu.library.tests.conftest import personal_root, unit_item, unit_root

pytestmark = pytest.mark.usefixtures("clamd_socket")


def _file(name: str, data: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def test_home_and_mine_lead_to_the_two_roots(lib, login):
    client = login(lib.a_clerk)
    home = client.get(reverse("library:home"))
    assert home["Location"] == reverse("library:folder", args=[unit_root(lib.a_clerk).pk])
    mine = client.get(reverse("library:mine"))
    assert mine["Location"] == reverse("library:folder", args=[personal_root(lib.a_clerk).pk])


def test_the_folder_page_shows_the_tree_and_the_documents_one_may_read(lib, login):
    root = unit_root(lib.a_clerk)
    services.library_folder_create(actor=lib.a_docadmin, parent=root, name="制度文件")
    unit_item(lib.a_clerk, "公开的通知")
    unit_item(lib.a_clerk, "办公室内部", scope=Scope.DEPARTMENT, by=lib.a_docadmin)
    page = login(lib.a_staff).get(reverse("library:folder", args=[root.pk]))
    assert page.status_code == 200
    assert "制度文件" in page.text and "公开的通知" in page.text
    assert "办公室内部" not in page.text  # 本部门 of 办公室; a_staff is in 预算科
    assert "新建子文件夹" not in page.text  # only the doc admin keeps unit folders
    assert (
        "新建子文件夹"
        in login(lib.a_docadmin, Client()).get(reverse("library:folder", args=[root.pk])).text
    )


def test_the_folder_list_filters(lib, login):
    unit_item(lib.a_clerk, "预算通知")
    checked = unit_item(lib.a_docadmin, "决算报告")
    services.library_item_checkout(actor=lib.a_docadmin, item=checked)
    url = reverse("library:folder", args=[unit_root(lib.a_clerk).pk])
    client = login(lib.a_clerk)
    by_word = client.get(url, {"q": "预算"}).text
    assert "预算通知" in by_word and "决算报告" not in by_word
    only_out = client.get(url, {"checked_out": "on"}).text
    assert "决算报告" in only_out and "预算通知" not in only_out
    mine = client.get(url, {"mine": "on"}).text
    assert "预算通知" in mine and "决算报告" not in mine


def test_the_folder_list_pages_and_does_not_grow_queries(lib, login, django_assert_max_num_queries):
    for i in range(35):
        unit_item(lib.a_clerk, f"文档{i:02d}", f"正文{i}")
    url = reverse("library:folder", args=[unit_root(lib.a_clerk).pk])
    client = login(lib.a_staff)
    client.get(url)  # the session and roots settle first
    with django_assert_max_num_queries(15):
        first = client.get(url)
    assert first.text.count("library/items/") >= 30 and "第 1 / 2 页" in first.text
    assert "共 35 项" in first.text
    assert client.get(url, {"page": 2}).text.count("第 2 / 2 页") == 1


def test_uploading_through_the_page(lib, login):
    root = unit_root(lib.a_clerk)
    response = login(lib.a_clerk).post(
        reverse("library:upload", args=[root.pk]),
        {
            "file": _file("请示.docx", make_docx("关于增加预算的请示")),
            "title": "",
            "description": "请审阅",
            "note": "初稿",
        },
    )
    assert response.status_code == 302
    item = Item.objects.get(folder=root)
    assert item.title == "请示.docx" and item.description == "请审阅"
    assert item.current_version.note == "初稿"
    assert "关于增加预算的请示" in item.search_text


def test_a_refused_upload_keeps_what_was_typed_and_stores_nothing(lib, login):
    root = unit_root(lib.a_clerk)
    client = login(lib.a_clerk)
    infected = client.post(
        reverse("library:upload", args=[root.pk]),
        {"file": _file("资料.txt", eicar_test_file()), "title": "我的标题", "description": "说明"},
    )
    assert infected.status_code == 400 and "病毒" in infected.text
    assert 'value="我的标题"' in infected.text
    marked = client.post(
        reverse("library:upload", args=[root.pk]),
        {"file": _file("请示.docx", make_docx("机密★1年", "关于某项工作的请示")), "title": "请示"},
    )
    assert marked.status_code == 400 and "第四十五条" in marked.text
    assert not Item.objects.exists() and not Upload.objects.exists()


def test_the_upload_page_refuses_a_folder_of_another_unit_before_scanning(lib, login):
    root = unit_root(lib.b_clerk)
    response = login(lib.a_clerk).post(
        reverse("library:upload", args=[root.pk]), {"file": _file("a.txt", "内容")}
    )
    assert response.status_code == 404 and not Upload.objects.exists()


def test_a_new_version_refused_for_a_holder_elsewhere_stores_nothing(lib, login):
    item = unit_item(lib.a_docadmin, "方案")
    services.library_item_checkout(actor=lib.a_docadmin, item=item)
    before = Upload.objects.count()
    clerk = login(lib.a_clerk)  # a reader only: refused before the file is scanned
    response = clerk.post(
        reverse("library:version_new", args=[item.pk]), {"file": _file("方案.txt", "改")}
    )
    assert response.status_code in (403, 409) and Upload.objects.count() == before


def test_the_share_dialog(lib, login):
    item = unit_item(lib.a_clerk)
    client = login(lib.a_clerk)
    url = reverse("library:share", args=[item.pk])
    assert client.get(url).status_code == 200
    both = client.post(url, {"username": "a_staff", "unit": lib.a.pk, "access": "read"})
    assert both.status_code == 400 and "只选其一" in both.text
    unknown = client.post(url, {"username": "nobody", "access": "read"})
    assert unknown.status_code == 400 and "nobody" in unknown.text
    outside = client.post(url, {"unit": lib.b.pk, "access": "read"})
    assert outside.status_code == 400 and "文档管理员" in outside.text
    assert client.post(url, {"username": "a_staff", "access": "write"}).status_code == 302
    share = Share.objects.get(item=item)
    assert share.person == lib.a_staff and share.access == "write"
    assert "艾科员" in client.get(url).text
    remove = reverse("library:share_remove", args=[item.pk, share.pk])
    assert client.post(remove).status_code == 302 and not Share.objects.exists()
    assert login(lib.a_staff, Client()).get(url).status_code == 403


def test_the_scope_page_is_the_doc_admins(lib, login):
    item = unit_item(lib.a_clerk)
    url = reverse("library:scope", args=[item.pk])
    assert login(lib.a_clerk).get(url).status_code == 403
    client = login(lib.a_docadmin, Client())
    assert client.get(url).status_code == 200
    refused = client.post(url, {"scope": "units"})
    assert refused.status_code == 400 and "至少选择一个单位" in refused.text
    assert client.post(url, {"scope": "units", "units": [lib.b.pk]}).status_code == 302
    item.refresh_from_db()
    assert item.scope == Scope.UNITS and list(item.scope_units.all()) == [lib.b]
    page = login(lib.b_staff, Client()).get(reverse("library:item", args=[item.pk]))
    assert page.status_code == 200 and "指定单位" in page.text


def test_folder_upkeep_pages(lib, login):
    root = unit_root(lib.a_clerk)
    client = login(lib.a_docadmin)
    response = client.post(
        reverse("library:folder_new", args=[root.pk]),
        {"name": "会议材料", "default_scope": "department"},
    )
    folder = Folder.objects.get(name="会议材料")
    assert response.status_code == 302 and folder.default_scope == Scope.DEPARTMENT
    duplicate = client.post(
        reverse("library:folder_new", args=[root.pk]), {"name": "会议材料", "default_scope": "unit"}
    )
    assert duplicate.status_code == 400 and "已有名为" in duplicate.text
    edit = reverse("library:folder_edit", args=[folder.pk])
    assert client.post(edit, {"name": "会议资料", "default_scope": "unit"}).status_code == 302
    assert client.post(edit, {"action": "delete"}).status_code == 302
    assert not Folder.objects.filter(pk=folder.pk).exists()
    assert (
        login(lib.a_clerk, Client()).get(reverse("library:folder_edit", args=[root.pk])).status_code
        == 403
    )
    assert (
        login(lib.a_clerk, Client())
        .post(reverse("library:folder_new", args=[root.pk]), {"name": "x"})
        .status_code
        == 400
    )


def test_the_item_page_offers_what_the_viewer_may_do(lib, login):
    item = unit_item(lib.a_clerk)
    reader = login(lib.a_staff).get(reverse("library:item", args=[item.pk])).text
    assert "下载当前版本" in reader and "签出（锁定编辑）" not in reader
    assert reverse("library:share", args=[item.pk]) not in reader
    owner = login(lib.a_clerk, Client()).get(reverse("library:item", args=[item.pk])).text
    assert "签出（锁定编辑）" in owner and "上传新版本" in owner and "发布范围</a>" not in owner
    admin = login(lib.a_docadmin, Client()).get(reverse("library:item", args=[item.pk])).text
    assert "发布范围</a>" in admin
