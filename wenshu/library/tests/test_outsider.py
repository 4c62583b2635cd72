"""Another unit's person, not shared and not published to, finds nothing: every page and API
route of an item or folder is a 404 (never a 403), and nothing changes. Anonymous callers
are sent to log in (pages) or get a 401 (API)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from wenshu.library import services
from wenshu.library.models import Access, Item, Share
from wenshu.library.tests.conftest import unit_item, unit_root

pytestmark = pytest.mark.usefixtures("clamd_socket")


@pytest.fixture
def doc(lib):
    item = unit_item(lib.a_clerk, "财政内部文件", "财政内部")
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.READ, person=lib.a_staff
    )
    return item


def _item_pages(item):
    share = Share.objects.filter(item=item).first()
    gets = ["item", "item_edit", "checkin", "share", "scope"]
    posts = ["version_new", "checkout", "trash_item", "item_edit", "share", "scope", "checkin"]
    urls = [("get", reverse(f"library:{n}", args=[item.pk])) for n in gets]
    urls += [("post", reverse(f"library:{n}", args=[item.pk])) for n in posts]
    urls += [
        ("get", reverse("library:download", args=[item.pk, 1])),
        ("post", reverse("library:share_remove", args=[item.pk, share.pk])),
    ]
    return urls


def test_every_item_page_is_a_404_for_an_outsider(lib, doc, login):
    client = login(lib.b_staff)
    for method, url in _item_pages(doc):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "财政内部文件" not in response.text
    assert Item.objects.get(pk=doc.pk).checked_out_by is None
    assert Share.objects.filter(item=doc).count() == 1


def test_another_units_folders_are_a_404(lib, doc, login):
    folder = unit_root(lib.a_clerk)
    client = login(lib.b_staff)
    for name in ("folder", "folder_edit", "upload"):
        assert client.get(reverse(f"library:{name}", args=[folder.pk])).status_code == 404
    assert (
        client.post(reverse("library:folder_new", args=[folder.pk]), {"name": "x"}).status_code
        == 404
    )
    assert "财政内部文件" not in client.get(reverse("library:shared")).text


def test_every_item_api_route_is_a_404_for_an_outsider(lib, doc, login):
    client = login(lib.b_staff)
    base = f"/api/v1/library/items/{doc.pk}"
    share_id = Share.objects.get(item=doc).pk
    calls = [
        ("get", base, None),
        ("patch", base, {"title": "x"}),
        ("get", base + "/versions", None),
        ("get", base + "/versions/1/download", None),
        ("post", base + "/checkout", None),
        ("post", base + "/checkin", None),
        ("post", base + "/break-lock", {"reason": "x"}),
        ("get", base + "/shares", None),
        ("post", base + "/shares", {"unit_id": lib.b.pk}),
        ("delete", f"{base}/shares/{share_id}", None),
        ("put", base + "/scope", {"scope": "city"}),
        ("post", base + "/trash", None),
        ("post", f"/api/v1/library/trash/{doc.pk}/restore", None),
        ("delete", f"/api/v1/library/trash/{doc.pk}", None),
    ]
    for method, url, body in calls:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["error"] == "not_found"
    listed = client.get("/api/v1/library/items").json()
    assert doc.pk not in [i["id"] for i in listed["items"]]


def test_every_folder_and_admin_api_route_is_a_404_for_an_outsider(lib, doc, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wenshu.files.models import Upload
    from wenshu.library.models import Folder, LibraryAdmin

    folder = unit_root(lib.a_clerk)
    client = login(lib.b_admin)
    base = f"/api/v1/library/folders/{folder.pk}"
    assert client.get(base).status_code == 404
    assert client.get(base + "/items").status_code == 404
    for method, url, body in (
        ("post", base + "/folders", {"name": "x"}),
        ("patch", base, {"name": "x"}),
        ("delete", base, None),
    ):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        assert getattr(client, method)(url, **kwargs).status_code == 404, (method, url)
    uploads = Upload.objects.count()
    refused = client.post(base + "/items", {"file": SimpleUploadedFile("a.txt", b"x")})
    assert refused.status_code == 404 and Upload.objects.count() == uploads
    assignment = LibraryAdmin.objects.get(person=lib.a_docadmin)
    assert client.delete(f"/api/v1/library/admins/{assignment.pk}").status_code == 404
    assert lib.a_docadmin.pk not in [
        a["person_id"] for a in client.get("/api/v1/library/admins").json()
    ]
    assert client.get("/api/v1/library/locks").status_code == 200  # b's own (empty) list
    assert login(lib.b_staff).get("/api/v1/library/locks").status_code == 403
    assert Folder.objects.filter(pk=folder.pk, name=folder.name).exists()
    assert LibraryAdmin.objects.filter(pk=assignment.pk).exists()


def test_anonymous_callers_are_refused(lib, doc, client):
    page = client.get(reverse("library:item", args=[doc.pk]))
    assert page.status_code == 302 and "/accounts/" in page["Location"]
    assert client.get(f"/api/v1/library/items/{doc.pk}").status_code == 401
    assert client.get("/api/v1/library/items").status_code == 401
