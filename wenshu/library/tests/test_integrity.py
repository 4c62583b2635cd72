"""Downloads check the SM3 hash recorded at upload: a file changed on disk is refused with a
clear message (pages and API), raises a security alert, and other versions still download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wenshu.audit.models import AuditEvent, SecurityAlert
from wenshu.library import services
from wenshu.library.tests.conftest import unit_item, upload

pytestmark = pytest.mark.usefixtures("clamd_socket")


@pytest.fixture
def two_versions(lib):
    item = unit_item(lib.a_clerk, "预算报告", "预算报告第一稿")
    services.library_version_add(
        actor=lib.a_clerk, item=item, upload=upload(lib.a_clerk, "预算报告.txt", "预算报告第二稿")
    )
    item.refresh_from_db()
    return item


def _tamper(media, item, number=2):
    stored = item.versions.get(number=number).upload.stored_file
    (media / stored.storage_name).write_bytes("预算报告第二稿（被人改过）".encode())


def test_a_file_changed_on_disk_is_refused_on_the_page(lib, two_versions, media, login):
    _tamper(media, two_versions)
    client = login(lib.a_staff)
    refused = client.get(reverse("library:download", args=[two_versions.pk, 2]))
    assert refused.status_code == 400
    assert "SM3 校验值不符" in refused.text and "已拒绝下载" in refused.text
    assert "从备份恢复" in refused.text
    assert refused.get("Content-Disposition") is None
    assert SecurityAlert.objects.filter(kind="file_integrity").exists()
    assert not AuditEvent.objects.filter(action="library.downloaded").exists()
    fine = client.get(reverse("library:download", args=[two_versions.pk, 1]))
    assert fine.status_code == 200 and fine.content == "预算报告第一稿".encode()
    assert AuditEvent.objects.filter(action="library.downloaded").count() == 1


def test_a_file_changed_on_disk_is_refused_in_the_api(lib, two_versions, media, login):
    _tamper(media, two_versions)
    url = f"/api/v1/library/items/{two_versions.pk}/versions/2/download"
    refused = login(lib.a_staff).get(url)
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "file_tampered" and "SM3 校验值不符" in body["message"]


def test_a_file_missing_from_storage_is_refused_clearly(lib, two_versions, media, login):
    stored = two_versions.versions.get(number=2).upload.stored_file
    (media / stored.storage_name).unlink()
    refused = login(lib.a_staff).get(reverse("library:download", args=[two_versions.pk, 2]))
    assert refused.status_code == 400 and "存储中找不到" in refused.text
