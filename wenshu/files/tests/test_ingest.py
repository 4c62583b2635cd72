"""file_ingest: every refusal stores nothing; a clean file is stored once under its SM3 name."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from wenshu.audit.models import AuditEvent, SecurityAlert
from wenshu.files.models import StoredFile, Upload
from wenshu.files.pipeline import SCANNER_DOWN, size_text
from wenshu.files.services import file_ingest, file_ingest_many
from wenshu.files.tests.samples import infected_docx, make_docx, stored_paths
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import DomainError, Forbidden, TooLarge
from wenshu.lib.gm import sm3_hex
from wenshu.lib.scan import eicar_test_file

pytestmark = pytest.mark.usefixtures("clamd_socket")

MB = 1024 * 1024
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def assert_nothing_stored(media):
    assert StoredFile.objects.count() == 0
    assert Upload.objects.count() == 0
    assert stored_paths(media) == []


def refusals():
    return AuditEvent.objects.filter(action="files.upload_refused")


def test_it_stores_a_clean_docx_under_its_sm3_name(city, media):
    data = make_docx("关于做好年度预算编制工作的通知")
    upload = file_ingest(
        actor=city.a_clerk,
        name="预算通知.docx",
        data_or_fileobj=data,
        purpose="documents.attachment",
    )
    stored = upload.stored_file
    digest = sm3_hex(data)
    assert (upload.name, upload.uploaded_by, upload.unit) == ("预算通知.docx", city.a_clerk, city.a)
    assert upload.purpose == "documents.attachment"
    assert (stored.sm3, stored.size, stored.content_type) == (digest, len(data), DOCX_MIME)
    assert stored.storage_name == f"sm3/{digest[:2]}/{digest[2:4]}/{digest}"
    assert stored_paths(media) == [stored.storage_name]
    assert default_storage.open(stored.storage_name).read() == data
    assert "年度预算编制" in stored.text
    assert stored.scanned_at is not None and stored.scanner_version.startswith("ClamAV")
    event = AuditEvent.objects.get(action="files.uploaded")
    assert event.details["sm3"] == digest and event.details["stored"] == "new"


def test_the_same_content_is_stored_once(city, media):
    data = "会议纪要".encode()
    first = file_ingest(actor=city.a_clerk, name="纪要.txt", data_or_fileobj=data)
    second = file_ingest(actor=city.b_clerk, name="另一个名字.txt", data_or_fileobj=data)
    assert first.stored_file_id == second.stored_file_id
    assert StoredFile.objects.count() == 1 and Upload.objects.count() == 2
    assert len(stored_paths(media)) == 1
    assert second.unit == city.b
    last = AuditEvent.objects.filter(action="files.uploaded").order_by("-seq").first()
    assert last.details["stored"] == "deduplicated"


def test_it_refuses_an_infected_attachment_and_stores_nothing(city, media):
    with pytest.raises(DomainError) as refused:
        file_ingest(actor=city.a_clerk, name="x.docx", data_or_fileobj=infected_docx())
    assert refused.value.code == "virus_found"
    assert refused.value.message == (
        "附件“x.docx”检测到病毒（Eicar-Test-Signature.UNOFFICIAL），已拒绝上传，未保存任何内容。"
    )
    assert_nothing_stored(media)
    assert refusals().get().details["reason"] == "virus_found"
    alert = SecurityAlert.objects.get(kind="upload_infected")
    assert "x.docx" in alert.message and alert.unit_id == city.a.pk


def test_the_same_infected_file_twice_raises_one_open_alert(city):
    for _ in range(2):
        with pytest.raises(DomainError):
            file_ingest(actor=city.a_clerk, name="病毒.txt", data_or_fileobj=eicar_test_file())
    assert SecurityAlert.objects.filter(kind="upload_infected").count() == 1
    assert refusals().count() == 2


def test_it_refuses_every_upload_while_the_scanner_is_down(city, media, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    with pytest.raises(DomainError) as refused:
        file_ingest(actor=city.a_clerk, name="正常.txt", data_or_fileobj="正常内容".encode())
    assert refused.value.message == SCANNER_DOWN
    assert refused.value.message == (
        "病毒扫描服务暂不可用，为安全起见未接收该文件，请稍后再试或联系系统管理员。"
    )
    assert_nothing_stored(media)
    assert SecurityAlert.objects.filter(kind="virus_scanner_unavailable").count() == 1


def test_it_refuses_a_file_over_the_limit_naming_the_limit(city, media):
    with pytest.raises(TooLarge) as refused:
        file_ingest(
            actor=city.a_clerk, name="大文件.txt", data_or_fileobj=b"a" * (MB + 1), max_bytes=MB
        )
    assert "1 MB 的上限" in refused.value.message and "大文件.txt" in refused.value.message
    assert refused.value.status == 413
    assert_nothing_stored(media)


def test_the_site_limit_applies_by_default_and_cannot_be_raised(city, settings):
    settings.UPLOAD_MAX_BYTES = 2 * MB
    with pytest.raises(TooLarge, match="2 MB 的上限"):
        file_ingest(actor=city.a_clerk, name="a.txt", data_or_fileobj=b"a" * (2 * MB + 1))
    with pytest.raises(TooLarge, match="2 MB 的上限"):
        file_ingest(
            actor=city.a_clerk, name="a.txt", data_or_fileobj=b"a" * (2 * MB + 1), max_bytes=10 * MB
        )


class Unreadable:
    """A file object that claims a size over the limit: it must be refused unread."""

    name = "巨大.pdf"
    size = 10 * MB

    def read(self, *_args):
        raise AssertionError("an oversize file must not be read")


def test_a_file_object_over_the_limit_is_refused_without_reading_it(city):
    with pytest.raises(TooLarge, match="10 MB"):
        file_ingest(actor=city.a_clerk, name="", data_or_fileobj=Unreadable(), max_bytes=MB)


def test_it_refuses_an_empty_file(city, media):
    with pytest.raises(DomainError, match="空文件") as refused:
        file_ingest(actor=city.a_clerk, name="空.txt", data_or_fileobj=b"")
    assert refused.value.code == "empty_file"
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", "纯文本也不行".encode()),
        ("报告.pdf.exe", b"%PDF-1.7"),
        ("报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a renamed program
        ("说明.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("页面.html", b"<html><script>alert(1)</script></html>"),
        ("宏.docm", b"PK\x03\x04"),
    ],
)
def test_it_refuses_programs_scripts_and_pages(city, media, name, data):
    with pytest.raises(DomainError, match="可执行程序、脚本或网页文件") as refused:
        file_ingest(actor=city.a_clerk, name=name, data_or_fileobj=data)
    assert refused.value.code == "file_type"
    assert_nothing_stored(media)


def test_it_refuses_a_type_this_module_does_not_take(city, media):
    with pytest.raises(DomainError) as refused:
        file_ingest(
            actor=city.a_clerk,
            name="名单.txt",
            data_or_fileobj="名单".encode(),
            allowed_types={"docx", ".PDF"},
        )
    assert refused.value.message == (
        "此处不能上传“.txt”类型的文件（附件“名单.txt”）。允许的类型：.docx、.pdf。"
    )
    assert_nothing_stored(media)


def test_it_refuses_content_that_does_not_match_the_extension(city, media):
    with pytest.raises(DomainError, match="的内容不是 PDF 文件"):
        file_ingest(actor=city.a_clerk, name="通知.pdf", data_or_fileobj="其实是文字".encode())
    with pytest.raises(DomainError, match="的内容不是 Word 文件"):
        file_ingest(actor=city.a_clerk, name="通知.docx", data_or_fileobj=b"%PDF-1.7\n...")
    assert_nothing_stored(media)


def test_it_refuses_a_classification_marking_in_the_text(city, media):
    data = make_docx("机密★1年", "关于某项工作的请示")
    with pytest.raises(DomainError) as refused:
        file_ingest(actor=city.a_clerk, name="请示.docx", data_or_fileobj=data)
    marking = find_marking("机密★1年")
    assert refused.value.message == refusal_message(marking, "附件“请示.docx”")
    assert refused.value.code == "classified_marking"
    assert "第四十五条" in refused.value.message
    assert_nothing_stored(media)
    assert refusals().get().details["marking"] == "机密★1年"


def test_it_refuses_a_classification_marking_in_the_file_name(city, media):
    with pytest.raises(DomainError, match=re.escape("位于文件名“秘密★关于人事的报告.txt”")):
        file_ingest(
            actor=city.a_clerk, name="秘密★关于人事的报告.txt", data_or_fileobj="正文".encode()
        )
    assert_nothing_stored(media)


def test_the_marking_guard_can_be_left_to_the_caller(city):
    upload = file_ingest(
        actor=city.a_clerk,
        name="培训材料.txt",
        check_classification=False,
        data_or_fileobj="示例：密级标志写作“秘密★1年”".encode(),
    )
    assert "秘密★1年" in upload.stored_file.text


def test_it_takes_a_django_uploaded_file_and_cleans_its_name(city):
    uploaded = SimpleUploadedFile(
        "../../etc/预算\x00表.csv", "单位,金额\n".encode(), content_type="application/x-msdownload"
    )
    upload = file_ingest(actor=city.a_clerk, name=uploaded.name, data_or_fileobj=uploaded)
    assert upload.name == "预算_表.csv"
    assert upload.stored_file.content_type == "text/csv"  # from the bytes, not from the client


@pytest.mark.parametrize("who", ["nobody", "disabled"])
def test_only_active_people_may_upload(city, who):
    actor = None
    if who == "disabled":
        actor = city.a_staff
        actor.status = actor.Status.DISABLED
        actor.save(update_fields=["status"])
    with pytest.raises(Forbidden):
        file_ingest(actor=actor, name="a.txt", data_or_fileobj=b"text")


def test_several_files_are_stored_together_or_not_at_all(city, media):
    files = [("一.txt", "第一个".encode()), ("二.txt", eicar_test_file()), ("三.txt", b"third")]
    with pytest.raises(DomainError, match=re.escape("二.txt")):
        file_ingest_many(actor=city.a_clerk, files=files, purpose="messaging.mail")
    assert_nothing_stored(media)
    uploads = file_ingest_many(actor=city.a_clerk, files=[files[0], files[2]])
    assert [u.name for u in uploads] == ["一.txt", "三.txt"]


def test_a_damaged_copy_in_storage_is_repaired_by_the_next_upload(city, media):
    data = "原始内容".encode()
    upload = file_ingest(actor=city.a_clerk, name="a.txt", data_or_fileobj=data)
    path = media / upload.stored_file.storage_name
    path.write_bytes(b"changed on disk")
    file_ingest(actor=city.a_staff, name="b.txt", data_or_fileobj=data)
    assert path.read_bytes() == data
    last = AuditEvent.objects.filter(action="files.uploaded").order_by("-seq").first()
    assert last.details["storage"] == "repaired"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (50 * MB, "50 MB"),
        (50 * MB + 1, "50.1 MB"),
        (MB + MB // 5, "1.2 MB"),
        (1, "1 KB"),
        (300 * 1024, "300 KB"),
    ],
)
def test_sizes_are_named_rounded_up(size, text):
    assert size_text(size) == text
