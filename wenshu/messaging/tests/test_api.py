"""/api/v1/mail/: the same services as the pages, one's own copies only."""

from __future__ import annotations

import pytest

from wenshu.files.models import StoredFile, Upload
from wenshu.messaging.models import Folder, MailboxEntry, Message
from wenshu.messaging.tests.helpers import bearer, copy_of, eicar, send, to

API = "/api/v1/mail"
JSON = "application/json"


def mail_json(**extra) -> dict:
    data = {"subject": "关于报送材料的通知", "body": "请于周五前报送。"}
    data.update(extra)
    return data


def test_it_sends_to_a_unit_and_the_clerk_reads_it_with_a_receipt(city, client):
    response = client.post(
        f"{API}/send",
        mail_json(to={"units": [city.b.pk]}),
        content_type=JSON,
        **bearer(city.a_staff),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["recipients"] == 1 and body["entry"]["folder"] == "sent"
    inbox = client.get(f"{API}/folders/inbox", **bearer(city.b_clerk)).json()
    assert inbox["count"] == 1 and inbox["unread"] == 1
    item = inbox["items"][0]
    assert item["sender_name"] == "艾科员" and item["to"] == ["市教育局（文书）"]
    read = client.get(f"{API}/messages/{item['id']}", **bearer(city.b_clerk)).json()
    assert read["body"] == "请于周五前报送。" and read["receipts"] == [] and read["my_kind"] == "to"
    sender_view = client.get(f"{API}/messages/{body['entry']['id']}", **bearer(city.a_staff))
    receipts = sender_view.json()["receipts"]
    assert [(r["person_name"], r["via"], bool(r["read_at"])) for r in receipts] == [
        ("贝文书", "unit", True)
    ]


def test_refusals_are_json_4xx_with_chinese_messages(city, client, settings):
    marked = client.post(
        f"{API}/send",
        mail_json(subject="绝密★ 安排", to={"people": [city.b_staff.pk]}),
        content_type=JSON,
        **bearer(city.a_clerk),
    )
    assert marked.status_code == 400 and marked.json()["error"] == "classified_marking"
    nobody = client.post(f"{API}/send", mail_json(), content_type=JSON, **bearer(city.a_clerk))
    assert nobody.status_code == 400 and "请至少选择一个收件人" in nobody.json()["message"]
    settings.MAIL_QUOTA_MB = 0
    full = client.post(
        f"{API}/send",
        mail_json(to={"people": [city.b_staff.pk]}),
        content_type=JSON,
        **bearer(city.a_clerk),
    )
    assert full.status_code == 400 and full.json()["error"] == "quota_exceeded"
    assert "已用 0 MB / 配额 0 MB" in full.json()["message"]
    assert Message.objects.count() == 0


@pytest.mark.usefixtures("clamd_socket")
def test_a_draft_gets_attachments_and_is_sent_but_an_infected_one_stores_nothing(
    city, client, media
):
    draft = client.post(
        f"{API}/drafts",
        mail_json(to={"people": [city.b_staff.pk]}),
        content_type=JSON,
        **bearer(city.a_clerk),
    ).json()
    before = (Upload.objects.count(), StoredFile.objects.count())
    infected = client.post(
        f"{API}/drafts/{draft['id']}/attachments",
        {"files": [_file("病毒.txt", eicar())]},
        **bearer(city.a_clerk),
    )
    assert infected.status_code == 400 and infected.json()["error"] == "virus_found"
    assert (Upload.objects.count(), StoredFile.objects.count()) == before
    added = client.post(
        f"{API}/drafts/{draft['id']}/attachments",
        {"files": [_file("表.txt", "数据".encode())]},
        **bearer(city.a_clerk),
    )
    assert added.status_code == 201
    assert [a["name"] for a in added.json()["attachments"]] == ["表.txt"]
    sent = client.post(f"{API}/drafts/{draft['id']}/send", **bearer(city.a_clerk))
    assert sent.status_code == 201 and sent.json()["entry"]["attachment_count"] == 1
    again = client.post(f"{API}/drafts/{draft['id']}/send", **bearer(city.a_clerk))
    assert again.status_code == 404  # no longer a draft of hers
    mine = copy_of(city.b_staff, Message.objects.get())
    attachment_id = sent.json()["entry"]["attachments"][0]["id"]
    download = client.get(
        f"{API}/messages/{mine.pk}/attachments/{attachment_id}", **bearer(city.b_staff)
    )
    assert download.status_code == 200 and download.content == "数据".encode()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_drafts_are_updated_and_keep_the_addressing(city, client):
    draft = client.post(
        f"{API}/drafts", mail_json(), content_type=JSON, **bearer(city.a_clerk)
    ).json()
    assert draft["folder"] == "drafts" and draft["addressing"]["to"]["people"] == []
    changed = client.put(
        f"{API}/drafts/{draft['id']}",
        mail_json(subject="改过的主题", cc={"people": [city.b_staff.pk]}),
        content_type=JSON,
        **bearer(city.a_clerk),
    )
    assert changed.status_code == 200 and changed.json()["subject"] == "改过的主题"
    assert changed.json()["addressing"]["cc"]["people"] == [city.b_staff.pk]


def test_actions_reply_forward_and_search(city, client):
    result = send(city.a_clerk, to(city.b_staff), subject="预算编制通知")
    mine = copy_of(city.b_staff, result).pk
    auth = bearer(city.b_staff)
    reply = client.post(f"{API}/messages/{mine}/reply", **auth)
    assert reply.status_code == 201 and reply.json()["subject"] == "回复：预算编制通知"
    assert client.post(f"{API}/messages/{mine}/reply-all", **auth).status_code == 201
    assert (
        client.post(f"{API}/messages/{mine}/forward", **auth).json()["subject"]
        == "转发：预算编制通知"
    )
    found = client.get(f"{API}/search", {"subject": "预算", "folder": "inbox"}, **auth).json()
    assert [i["id"] for i in found["items"]] == [mine]
    moved = client.post(f"{API}/actions/trash", {"entry_ids": [mine]}, content_type=JSON, **auth)
    assert moved.json() == {"count": 1}
    refused = client.post(
        f"{API}/actions/archive", {"entry_ids": [mine]}, content_type=JSON, **auth
    )
    assert refused.status_code == 409
    assert client.post(f"{API}/trash/empty", **auth).json() == {"count": 1}
    assert not MailboxEntry.objects.filter(pk=mine).exists()
    quota = client.get(f"{API}/quota", **auth).json()
    assert quota["quota"] == 500 * 1024 * 1024 and quota["text"].startswith("已用")


def test_another_units_person_gets_404_on_every_route(city, client):
    result = send(city.a_clerk, to(city.a_staff))
    entry = copy_of(city.a_staff, result).pk
    draft = client.post(
        f"{API}/drafts", mail_json(), content_type=JSON, **bearer(city.a_clerk)
    ).json()["id"]
    auth = bearer(city.b_clerk)
    for url in (f"{API}/messages/{entry}", f"{API}/messages/{entry}/attachments/1"):
        assert client.get(url, **auth).status_code == 404, url
    for url in (
        f"{API}/messages/{entry}/reply",
        f"{API}/messages/{entry}/reply-all",
        f"{API}/messages/{entry}/forward",
        f"{API}/drafts/{draft}/send",
    ):
        response = client.post(url, **auth)
        assert response.status_code == 404 and response.json()["error"] == "not_found", url
    assert (
        client.put(f"{API}/drafts/{draft}", mail_json(), content_type=JSON, **auth).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/drafts/{draft}/attachments", {"files": [_file("a.txt", b"a")]}, **auth
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/actions/trash", {"entry_ids": [entry]}, content_type=JSON, **auth
        ).status_code
        == 404
    )
    assert client.get(f"{API}/folders/inbox", **auth).json()["count"] == 0
    assert MailboxEntry.objects.get(pk=entry).folder == Folder.INBOX


def test_anonymous_calls_are_refused(db, client):
    for url in ("/folders/inbox", "/messages/1", "/search", "/quota", "/messages/1/attachments/1"):
        assert client.get(API + url).status_code == 401, url
    for url in (
        "/send",
        "/drafts",
        "/drafts/1/send",
        "/drafts/1/attachments",
        "/messages/1/reply",
        "/messages/1/reply-all",
        "/messages/1/forward",
        "/actions/trash",
        "/trash/empty",
    ):
        assert client.post(API + url).status_code == 401, url
    assert client.put(API + "/drafts/1").status_code == 401
