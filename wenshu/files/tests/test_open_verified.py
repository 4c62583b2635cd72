"""Reading a file back checks its SM3 hash every time: a file changed on disk is refused."""

from __future__ import annotations

import pytest

from wenshu.audit.models import SecurityAlert
from wenshu.files.responses import download_response
from wenshu.files.services import file_ingest, file_open_verified
from wenshu.lib.errors import DomainError

pytestmark = pytest.mark.usefixtures("clamd_socket")

TAMPERED = "文件内容与登记的校验值不符（可能已被改动），已拒绝提供。"


@pytest.fixture
def upload(city):
    return file_ingest(
        actor=city.a_clerk,
        name="关于 2026 年预算的报告.txt",
        data_or_fileobj="预算报告正文".encode(),
    )


def test_it_returns_the_stored_bytes(upload):
    assert file_open_verified(stored_file=upload.stored_file) == "预算报告正文".encode()


def test_it_refuses_a_file_changed_on_disk(upload, media):
    path = media / upload.stored_file.storage_name
    path.write_bytes("预算报告正文（被改过）".encode())
    with pytest.raises(DomainError) as refused:
        file_open_verified(stored_file=upload.stored_file)
    assert refused.value.message == TAMPERED
    assert refused.value.code == "file_tampered"
    alert = SecurityAlert.objects.get(kind="file_integrity")
    assert alert.severity == SecurityAlert.Severity.CRITICAL
    assert upload.stored_file.storage_name in alert.message


def test_it_refuses_a_same_length_change_too(upload, media):
    path = media / upload.stored_file.storage_name
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DomainError, match="校验值不符"):
        file_open_verified(stored_file=upload.stored_file)


def test_it_refuses_a_file_missing_from_storage(upload, media):
    (media / upload.stored_file.storage_name).unlink()
    with pytest.raises(DomainError, match="在存储中找不到") as refused:
        file_open_verified(stored_file=upload.stored_file)
    assert refused.value.code == "file_missing"


def test_the_download_response_names_the_file_and_its_sniffed_type(upload):
    response = download_response(upload=upload)
    assert response.content == "预算报告正文".encode()
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E9%A2%84%E7%AE%97" in response["Content-Disposition"]  # 预算
    assert response["Cache-Control"] == "private, no-store"


def test_only_pdf_and_pictures_open_in_the_browser(upload):
    assert download_response(upload=upload, inline=True)["Content-Disposition"].startswith(
        "attachment"
    )


def test_the_download_response_refuses_a_changed_file(upload, media):
    (media / upload.stored_file.storage_name).write_bytes(b"x")
    with pytest.raises(DomainError, match="校验值不符"):
        download_response(upload=upload)


def test_files_verify_lists_changed_and_missing_files(city, upload, media):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    other = file_ingest(actor=city.a_clerk, name="b.txt", data_or_fileobj=b"second file")
    out = StringIO()
    call_command("files_verify", stdout=out)
    assert "共核对 2 个文件，0 个有问题" in out.getvalue()

    (media / upload.stored_file.storage_name).write_bytes(b"changed")
    (media / other.stored_file.storage_name).unlink()
    err = StringIO()
    with pytest.raises(CommandError, match="共核对 2 个文件，2 个有问题"):
        call_command("files_verify", stdout=StringIO(), stderr=err)
    assert "校验值不符" in err.getvalue() and "找不到" in err.getvalue()
    assert SecurityAlert.objects.filter(kind="file_integrity").count() == 2
