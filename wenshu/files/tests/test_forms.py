"""Upload form fields refuse early; ingest_form_files puts a refusal on the field."""

from __future__ import annotations

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from wenshu.files.forms import MultiUploadField, UploadField, ingest_form_files
from wenshu.files.models import Upload
from wenshu.lib.scan import eicar_test_file

pytestmark = pytest.mark.usefixtures("clamd_socket")


class AttachForm(forms.Form):
    subject = forms.CharField()
    attachment = UploadField(max_bytes=1024, allowed_types={"docx", "txt"})


class MailForm(forms.Form):
    subject = forms.CharField()
    attachments = MultiUploadField(required=False)


def attach(name: str, data: bytes) -> MultiValueDict:
    return MultiValueDict({"attachment": [SimpleUploadedFile(name, data)]})


def test_the_field_refuses_a_file_over_its_limit_and_keeps_the_form():
    form = AttachForm({"subject": "关于开会"}, attach("大.txt", b"a" * 1025))
    assert not form.is_valid()
    assert form.errors["attachment"][0] == (
        "附件“大.txt”大小约 2 KB，超过了单个文件 1 KB 的上限，已拒绝上传，未保存任何内容。"
        "请压缩或拆分后再上传。"
    )
    assert form["subject"].value() == "关于开会"


def test_the_field_refuses_a_type_it_does_not_take():
    form = AttachForm({"subject": "s"}, attach("表.xlsx", b"PK\x03\x04"))
    assert not form.is_valid()
    assert "允许的类型：.docx、.txt" in form.errors["attachment"][0]


def test_the_field_tells_the_browser_what_to_offer():
    assert 'accept=".docx,.txt"' in str(AttachForm()["attachment"])


def test_ingest_form_files_stores_a_clean_file(city):
    form = AttachForm({"subject": "s"}, attach("说明.txt", "说明".encode()))
    assert form.is_valid()
    uploads = ingest_form_files(form, "attachment", actor=city.a_clerk, purpose="test")
    assert [u.name for u in uploads] == ["说明.txt"]


def test_ingest_form_files_puts_a_virus_on_the_field(city):
    form = AttachForm({"subject": "s"}, attach("病毒.txt", eicar_test_file()))
    assert form.is_valid()
    assert ingest_form_files(form, "attachment", actor=city.a_clerk) is None
    assert "检测到病毒" in form.errors["attachment"][0]
    assert Upload.objects.count() == 0


def test_a_multi_field_takes_several_files_or_none(city):
    files = MultiValueDict(
        {"attachments": [SimpleUploadedFile("一.txt", b"1"), SimpleUploadedFile("二.txt", b"2")]}
    )
    form = MailForm({"subject": "s"}, files)
    assert form.is_valid()
    uploads = ingest_form_files(form, "attachments", actor=city.a_clerk)
    assert [u.name for u in uploads] == ["一.txt", "二.txt"]
    empty = MailForm({"subject": "s"}, MultiValueDict())
    assert empty.is_valid() and empty.cleaned_data["attachments"] == []
    assert ingest_form_files(empty, "attachments", actor=city.a_clerk) == []


def test_a_required_multi_field_needs_a_file():
    class Required(forms.Form):
        attachments = MultiUploadField()

    assert not Required({}, MultiValueDict()).is_valid()
