"""/api/v1/library/: the same rules as the pages, as JSON; refusals are 4xx with a message."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wenshu.files.models import Upload
from wenshu.lib.scan import eicar_test_file
from wenshu.library.models import Item, LibraryAdmin, Share
from wenshu.library.tests.conftest import unit_item

pytestmark = pytest.mark.usefixtures("clamd_socket")
API = "/api/v1/library"


def _json(client, method, url, body=None):
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    return getattr(client, method)(API + url, **kwargs)


def _file(name, text):
    data = text if isinstance(text, bytes) else text.encode()
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_upload_version_and_download_through_the_api(lib, login):
    client = login(lib.a_clerk)
    roots = client.get(API + "/roots").json()
    created = client.post(
        f"{API}/folders/{roots['unit']['id']}/items",
        {"file": _file("通知.txt", "第一稿"), "title": "通知", "note": "初稿"},
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["current_version"]["number"] == 1 and item["access"] == "manage"
    assert item["scope"] == "unit" and len(item["current_version"]["sm3"]) == 64
    v2 = client.post(
        f"{API}/items/{item['id']}/versions",
        {"file": _file("通知.txt", "第二稿"), "base_version": 1},
    )
    assert v2.status_code == 201 and v2.json()["number"] == 2
    stale = client.post(
        f"{API}/items/{item['id']}/versions", {"file": _file("通知.txt", "过期"), "base_version": 1}
    )
    assert stale.status_code == 409 and "第 2 版" in stale.json()["message"]
    versions = client.get(f"{API}/items/{item['id']}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    old = client.get(versions[1]["download_url"])
    assert old.status_code == 200 and old.content == "第一稿".encode()
    listed = client.get(f"{API}/folders/{roots['unit']['id']}/items", {"q": "通知"}).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "通知"


def test_a_refused_upload_is_a_json_error_and_nothing_is_stored(lib, login):
    client = login(lib.a_clerk)
    root = client.get(API + "/roots").json()["unit"]["id"]
    refused = client.post(
        f"{API}/folders/{root}/items", {"file": _file("a.txt", eicar_test_file())}
    )
    assert refused.status_code == 400 and refused.json()["error"] == "virus_found"
    assert not Item.objects.exists() and not Upload.objects.exists()


def test_checkout_conflict_in_the_api_names_the_holder(lib, login):
    item = unit_item(lib.a_clerk, "方案")
    _json(
        login(lib.a_clerk),
        "post",
        f"/items/{item.pk}/shares",
        {"username": "a_staff", "access": "write"},
    )
    staff = login(lib.a_staff, Client())
    out = staff.post(f"{API}/items/{item.pk}/checkout")
    assert out.status_code == 200 and out.json()["checked_out_by_name"] == "艾科员"
    clerk = login(lib.a_clerk, Client())
    refused = clerk.post(f"{API}/items/{item.pk}/checkout")
    assert refused.status_code == 409 and refused.json()["error"] == "conflict"
    assert "艾科员" in refused.json()["message"]
    upload_refused = clerk.post(f"{API}/items/{item.pk}/versions", {"file": _file("x.txt", "改")})
    assert upload_refused.status_code == 409 and "艾科员" in upload_refused.json()["message"]
    back = staff.post(
        f"{API}/items/{item.pk}/checkin", {"file": _file("方案.txt", "改好"), "note": "改好"}
    )
    assert back.status_code == 200, back.json()
    assert back.json()["checked_out_by_id"] is None
    assert back.json()["current_version"]["number"] == 2


def test_break_lock_scope_shares_and_trash_through_the_api(lib, login):
    item = unit_item(lib.a_clerk, "方案")
    login(lib.a_clerk).post(f"{API}/items/{item.pk}/checkout")
    admin = login(lib.a_docadmin, Client())
    assert (
        _json(admin, "post", f"/items/{item.pk}/break-lock", {"reason": "出差"}).status_code == 204
    )
    scoped = _json(
        admin, "put", f"/items/{item.pk}/scope", {"scope": "units", "unit_ids": [lib.b.pk]}
    )
    assert scoped.status_code == 200 and scoped.json()["scope_unit_ids"] == [lib.b.pk]
    assert login(lib.b_staff, Client()).get(f"{API}/items/{item.pk}").status_code == 200
    refused = _json(
        login(lib.a_clerk, Client()), "put", f"/items/{item.pk}/scope", {"scope": "city"}
    )
    assert refused.status_code == 403 and "文档管理员" in refused.json()["message"]
    share = _json(
        admin, "post", f"/items/{item.pk}/shares", {"person_id": lib.b_clerk.pk, "access": "write"}
    )
    assert share.status_code == 201 and share.json()["access"] == "write"
    shares = admin.get(f"{API}/items/{item.pk}/shares").json()
    assert [s["person_id"] for s in shares] == [lib.b_clerk.pk]
    gone = admin.delete(f"{API}/items/{item.pk}/shares/{share.json()['id']}")
    assert gone.status_code == 204 and not Share.objects.exists()
    assert admin.post(f"{API}/items/{item.pk}/trash").status_code == 204
    trash = admin.get(API + "/trash").json()
    assert [i["id"] for i in trash["items"]] == [item.pk]
    assert admin.post(f"{API}/trash/{item.pk}/restore").json()["status"] == "live"
    admin.post(f"{API}/items/{item.pk}/trash")
    assert admin.delete(f"{API}/trash/{item.pk}").status_code == 204
    assert not Item.objects.filter(pk=item.pk).exists()


def test_folders_and_admins_through_the_api(lib, login):
    admin = login(lib.a_docadmin)
    root = admin.get(API + "/roots").json()["unit"]["id"]
    made = _json(
        admin, "post", f"/folders/{root}/folders", {"name": "制度", "default_scope": "unit"}
    )
    assert made.status_code == 201
    detail = admin.get(f"{API}/folders/{root}").json()
    assert [c["name"] for c in detail["children"]] == ["制度"] and detail["may_manage"]
    renamed = _json(admin, "patch", f"/folders/{made.json()['id']}", {"name": "规章制度"})
    assert renamed.json()["name"] == "规章制度"
    assert admin.delete(f"{API}/folders/{made.json()['id']}").status_code == 204
    refused = _json(login(lib.a_clerk, Client()), "post", f"/folders/{root}/folders", {"name": "x"})
    assert refused.status_code == 403
    unit_admin = login(lib.a_admin, Client())
    assigned = _json(unit_admin, "post", "/admins", {"person_id": lib.a_clerk.pk})
    assert assigned.status_code == 201
    assert _json(unit_admin, "post", "/admins", {"person_id": lib.b_clerk.pk}).status_code == 404
    assert {a["person_id"] for a in unit_admin.get(API + "/admins").json()} == {
        lib.a_docadmin.pk,
        lib.a_clerk.pk,
    }
    assert unit_admin.delete(f"{API}/admins/{assigned.json()['id']}").status_code == 204
    assert not LibraryAdmin.objects.filter(person=lib.a_clerk).exists()
    assert (
        _json(
            login(lib.a_staff, Client()), "post", "/admins", {"person_id": lib.a_staff.pk}
        ).status_code
        == 403
    )


def test_bad_bodies_are_4xx_json(lib, login):
    item = unit_item(lib.a_clerk)
    client = login(lib.a_clerk)
    for body in (
        {"access": "read"},
        {"unit_id": lib.a.pk, "username": "a_staff"},
        {"username": "nobody"},
        {"unit_id": 999999},
    ):
        response = _json(client, "post", f"/items/{item.pk}/shares", body)
        assert 400 <= response.status_code < 500 and "message" in response.json()
    assert _json(client, "post", f"/items/{item.pk}/shares", {"unit_id": "x"}).status_code == 422
    assert client.post(f"{API}/items/{item.pk}/versions", {}).status_code == 422
