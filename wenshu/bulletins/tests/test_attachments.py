"""Attachments of notices and reports: scanned by a real clamd before the service runs, refused
when infected or classified-marked (nothing stored, the form keeps the text), and served only
to those who may see the notice or report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wenshu.bulletins import services
from wenshu.bulletins.models import InfoReport, Notice
from wenshu.bulletins.tests.conftest import as_user, notice_input, report
from wenshu.bulletins.tests.test_api import bearer
from wenshu.files.models import StoredFile, Upload
from wenshu.files.services import file_ingest
from wenshu.files.tests.samples import infected_docx, make_docx
from wenshu.lib.errors import NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd_socket")]


def _form(**files):
    return {
        "kind": "notice",
        "title": "关于印发值班表的通知",
        "body": "见附件。",
        "audience": "city",
        "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        **files,
    }


def test_a_clean_attachment_is_attached_and_served_to_the_audience_only(city):
    data = make_docx("节日值班表")
    page = as_user(city.a_clerk).post(
        reverse("bulletins:notice_new"), _form(attachments=SimpleUploadedFile("值班表.docx", data))
    )
    assert page.status_code == 302
    notice = Notice.objects.get()
    [att] = notice.attachments.all()
    assert att.upload.name == "值班表.docx" and att.upload.purpose == "bulletins.notice"
    url = reverse("bulletins:notice_attachment", args=[notice.pk, att.pk])
    assert as_user(city.b_staff).get(url).status_code == 404  # not published yet
    services.notice_submit(actor=city.a_clerk, notice=notice)
    services.notice_approve(actor=city.a_leader, notice=notice)
    got = as_user(city.b_staff).get(url)
    assert got.status_code == 200 and got.content == data


def test_an_infected_attachment_is_refused_and_the_form_keeps_the_text(city):
    page = as_user(city.a_clerk).post(
        reverse("bulletins:notice_new"),
        _form(attachments=SimpleUploadedFile("x.docx", infected_docx())),
    )
    html = page.content.decode()
    assert page.status_code == 400 and "检测到病毒" in html and "关于印发值班表的通知" in html
    assert not Notice.objects.exists() and not StoredFile.objects.exists()


def test_a_classified_attachment_is_refused(city, receivers):
    page = as_user(city.a_clerk).post(
        reverse("bulletins:report_new"),
        {
            "receiver": city.gov_office.pk,
            "category": "gov_info",
            "title": "标题",
            "body": "正文",
            "attachments": SimpleUploadedFile("a.txt", "秘密★1年\n内容".encode()),
        },
    )
    assert page.status_code == 400 and "密级标志" in page.content.decode()
    assert not InfoReport.objects.exists() and not Upload.objects.exists()


def test_someone_elses_upload_cannot_be_attached(city):
    theirs = file_ingest(actor=city.b_clerk, name="b.txt", data_or_fileobj="教育局".encode())
    with pytest.raises(NotFound):
        services.notice_create(actor=city.a_clerk, data=notice_input(attachments=[theirs]))


def test_a_resubmission_carries_the_attachments_it_keeps(city, receivers):
    one = file_ingest(actor=city.a_clerk, name="一.txt", data_or_fileobj="一".encode())
    two = file_ingest(actor=city.a_clerk, name="二.txt", data_or_fileobj="二".encode())
    first = report(city, attachments=[one, two])
    services.report_return(actor=city.gov_clerk, report=first, opinion="请修改")
    drop = first.attachments.get(upload=one).pk
    three = file_ingest(actor=city.a_clerk, name="三.txt", data_or_fileobj="三".encode())
    second = services.report_resubmit(
        actor=city.a_clerk,
        report=first,
        data=services.ReportInput(
            title="修改稿",
            body="正文",
            category="other",
            attachments=[three],
            drop_attachment_ids=[drop],
        ),
    )
    names = sorted(a.upload.name for a in second.attachments.all())
    assert names == ["三.txt", "二.txt"]
    assert first.attachments.count() == 2  # the returned version keeps what it had
    att = second.attachments.get(upload=three)
    url = reverse("bulletins:report_attachment", args=[second.pk, att.pk])
    assert as_user(city.gov_clerk).get(url).status_code == 200
    assert as_user(city.b_clerk).get(url).status_code == 404
    assert as_user(city.gov_staff).get(url).status_code == 404


def test_the_api_uploads_then_attaches(client, city):
    headers = bearer(city.a_clerk)
    up = client.post(
        "/api/v1/bulletins/uploads",
        {"file": SimpleUploadedFile("表.txt", "表格".encode())},
        **headers,
    )
    assert up.status_code == 201, up.json()
    bad = client.post(
        "/api/v1/bulletins/uploads",
        {"file": SimpleUploadedFile("x.docx", infected_docx())},
        **headers,
    )
    assert bad.status_code == 400 and "病毒" in bad.json()["message"]
    made = client.post(
        "/api/v1/bulletins/notices",
        {
            "title": "带附件",
            "body": "正文",
            "audience": "own",
            "attachment_ids": [up.json()["id"]],
            "expires_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201 and made.json()["attachments"][0]["name"] == "表.txt"
    other = bearer(city.b_clerk)
    assert (
        client.post(
            "/api/v1/bulletins/notices",
            {
                "title": "盗用附件",
                "body": "正文",
                "audience": "own",
                "attachment_ids": [up.json()["id"]],
                "expires_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            },
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
