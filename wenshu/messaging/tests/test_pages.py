"""The mail pages: compose keeps what was typed, lists stay cheap, other people's mail is 404."""

from __future__ import annotations

import pytest

from wenshu.files.models import StoredFile, Upload
from wenshu.messaging.models import Folder, MailboxEntry, MailRecipient, Message
from wenshu.messaging.services import MailContent, mail_draft_save
from wenshu.messaging.tests.helpers import copy_of, eicar, send, to


def compose_data(**extra) -> dict:
    data = {
        "subject": "关于报送材料的通知",
        "body": "请于周五前报送。",
        "do": "send",
        "client_token": "tok-1",
    }
    data.update(extra)
    return data


def test_the_compose_page_offers_people_by_unit_units_groups_and_says_mail_stays_inside(
    city, login
):
    page = login(city.a_clerk).get("/mail/compose/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<optgroup label="市财政局">' in html and '<optgroup label="市教育局">' in html
    assert html.index('<optgroup label="市财政局">') < html.index('<optgroup label="市教育局">')
    assert "不会发往任何外部邮箱" in html and 'name="to-units"' in html
    assert "messaging/compose.js" in html


def test_sending_from_the_page_reaches_the_units_clerks(city, login):
    response = login(city.a_staff).post("/mail/compose/", compose_data(**{"to-units": [city.b.pk]}))
    message = Message.objects.get()
    sent = MailboxEntry.objects.get(message=message, role="sender")
    assert response.status_code == 302 and response["Location"] == f"/mail/{sent.pk}/"
    assert list(MailRecipient.objects.values_list("person__username", flat=True)) == ["b_clerk"]


def test_a_refused_send_keeps_what_was_typed(city, login):
    data = compose_data(
        body="密级：机密\n内容", **{"to-people": [city.b_staff.pk], "cc-units": [city.b.pk]}
    )
    response = login(city.a_clerk).post("/mail/compose/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "检测到密级标志“密级：机密”（位于邮件正文）" in html
    assert 'value="关于报送材料的通知"' in html and "内容</textarea>" in html
    assert f'value="{city.b_staff.pk}" selected' in html
    assert f'value="{city.b.pk}" selected' in html
    assert Message.objects.count() == 0


def test_the_quota_refusal_is_shown_on_the_compose_page(city, login, settings):
    settings.MAIL_QUOTA_MB = 0
    response = login(city.a_clerk).post(
        "/mail/compose/", compose_data(**{"to-people": [city.b_staff.pk]})
    )
    assert response.status_code == 400
    assert "邮箱空间不足，无法发送：已用 0 MB / 配额 0 MB" in response.content.decode()


@pytest.mark.usefixtures("clamd_socket")
def test_an_infected_attachment_on_the_page_stores_nothing(city, login, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = compose_data(**{"to-people": [city.b_staff.pk]})
    data["attachments"] = [SimpleUploadedFile("报表.txt", eicar(), content_type="text/plain")]
    response = login(city.a_clerk).post("/mail/compose/", data)
    assert response.status_code == 400 and "检测到病毒" in response.content.decode()
    assert Message.objects.count() == Upload.objects.count() == StoredFile.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*"))


def test_saving_a_draft_from_the_page_opens_it_for_editing(city, login):
    client = login(city.a_clerk)
    response = client.post("/mail/compose/", compose_data(do="save", subject="未完成"))
    entry = MailboxEntry.objects.get(folder=Folder.DRAFTS)
    assert response["Location"] == f"/mail/{entry.pk}/edit/"
    page = client.get(f"/mail/{entry.pk}/edit/")
    assert 'value="未完成"' in page.content.decode()
    assert client.get(f"/mail/{entry.pk}/")["Location"] == f"/mail/{entry.pk}/edit/"


def test_opening_a_mail_marks_it_read_and_the_sender_sees_the_receipt(city, login, client):
    result = send(city.a_clerk, to(city.b_staff, bcc=(city.b_leader,)))
    entry = copy_of(city.b_staff, result)
    page = login(city.b_staff).get(f"/mail/{entry.pk}/")
    assert page.status_code == 200 and "请于周五前报送。" in page.content.decode()
    assert "贝局长" not in page.content.decode()  # bcc hidden
    entry.refresh_from_db()
    assert entry.read_at is not None
    sender_page = login(city.a_clerk).get(f"/mail/{result.entry.pk}/").content.decode()
    assert "阅读回执" in sender_page and "已读 1 / 共 2 人" in sender_page
    assert "贝局长（市教育局）" in sender_page


def test_the_notification_link_opens_ones_own_copy(city, login):
    result = send(city.a_clerk, to(city.b_staff))
    response = login(city.b_staff).get(f"/mail/open/{result.message.pk}/")
    assert response["Location"] == f"/mail/{copy_of(city.b_staff, result).pk}/"


def test_actions_on_the_page_move_the_copy(city, login):
    client = login(city.b_staff)
    entry = copy_of(city.b_staff, send(city.a_clerk, to(city.b_staff)))
    assert (
        client.post(f"/mail/{entry.pk}/act/", {"action": "trash"})["Location"]
        == "/mail/folder/inbox/"
    )
    assert (
        client.post(
            "/mail/folder/trash/act/", {"action": "restore", "entry": [entry.pk]}
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.folder == Folder.INBOX
    nothing = client.post("/mail/folder/inbox/act/", {"action": "archive"}, follow=True)
    assert "请先勾选要操作的邮件" in nothing.content.decode()
    refused = client.post(f"/mail/{entry.pk}/act/", {"action": "delete"})
    assert refused.status_code == 409 and "不能彻底删除" in refused.content.decode()
    client.post(f"/mail/{entry.pk}/act/", {"action": "trash"})
    client.post("/mail/trash/empty/")
    assert not MailboxEntry.objects.filter(pk=entry.pk).exists()


def test_reply_and_forward_buttons_open_a_draft(city, login):
    client = login(city.b_staff)
    entry = copy_of(city.b_staff, send(city.a_clerk, to(city.b_staff)))
    for route in ("reply", "reply-all", "forward"):
        response = client.post(f"/mail/{entry.pk}/{route}/")
        draft = MailboxEntry.objects.filter(owner=city.b_staff, folder=Folder.DRAFTS).latest("id")
        assert response["Location"] == f"/mail/{draft.pk}/edit/"


def test_the_search_page_finds_my_mail(city, login):
    send(city.a_clerk, to(city.b_staff), subject="预算编制通知")
    send(city.a_clerk, to(city.b_staff), subject="会议安排")
    page = login(city.b_staff).get("/mail/search/", {"subject": "预算"}).content.decode()
    assert "预算编制通知" in page and "会议安排" not in page
    bad = login(city.b_staff).get(
        "/mail/search/", {"date_from": "2026-03-05", "date_to": "2026-03-01"}
    )
    assert bad.status_code == 400 and "开始日期不能晚于结束日期" in bad.content.decode()


def test_the_workbench_counts_unread_mail(city, login):
    send(city.a_clerk, to(city.b_staff))
    html = login(city.b_staff).get("/workbench/").content.decode()
    assert "未读邮件" in html and 'href="/mail/"' in html and "站内邮件" in html


def test_the_inbox_does_not_grow_queries_with_mail(city, login, django_assert_max_num_queries):
    client = login(city.b_staff)
    send(city.a_clerk, to(city.b_staff), files=())
    with django_assert_max_num_queries(30) as few:
        client.get("/mail/")
    for n in range(25):
        send(city.a_clerk if n % 2 else city.a_staff, to(city.b_staff), subject=f"第{n}封")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/mail/")
    assert page.content.decode().count('name="entry"') == 26


def test_folder_pages_page_through(city, login):
    for n in range(32):
        send(city.a_clerk, to(city.b_staff), subject=f"第{n}封")
    client = login(city.b_staff)
    assert client.get("/mail/folder/inbox/").content.decode().count('name="entry"') == 30
    assert client.get("/mail/folder/inbox/?page=2").content.decode().count('name="entry"') == 2
    assert client.get("/mail/folder/nowhere/").status_code == 404


def test_a_person_of_another_unit_gets_404_on_every_route_of_a_mail(city, login):
    result = send(city.a_clerk, to(city.a_staff))
    entry = copy_of(city.a_staff, result)
    draft = mail_draft_save(actor=city.a_clerk, content=MailContent(subject="草稿"))
    client = login(city.b_clerk)
    gets = [
        f"/mail/{entry.pk}/",
        f"/mail/{draft.pk}/edit/",
        f"/mail/{entry.pk}/attachments/1/",
        f"/mail/open/{result.message.pk}/",
    ]
    posts = [
        (f"/mail/{entry.pk}/act/", {"action": "trash"}),
        (f"/mail/{entry.pk}/reply/", {}),
        (f"/mail/{entry.pk}/reply-all/", {}),
        (f"/mail/{entry.pk}/forward/", {}),
        (f"/mail/{draft.pk}/edit/", compose_data()),
        ("/mail/folder/inbox/act/", {"action": "trash", "entry": [entry.pk]}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    entry.refresh_from_db()
    assert entry.folder == Folder.INBOX and entry.read_at is None
    assert MailboxEntry.objects.filter(owner=city.b_clerk).count() == 0


def test_anonymous_visitors_are_sent_to_login(db, client):
    for url in (
        "/mail/",
        "/mail/folder/sent/",
        "/mail/compose/",
        "/mail/search/",
        "/mail/1/",
        "/mail/1/edit/",
        "/mail/open/1/",
        "/mail/1/attachments/1/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in (
        "/mail/1/act/",
        "/mail/1/reply/",
        "/mail/1/reply-all/",
        "/mail/1/forward/",
        "/mail/trash/empty/",
        "/mail/folder/inbox/act/",
    ):
        assert client.post(url).status_code == 302, url
