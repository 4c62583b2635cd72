"""/api/v1/mail/: one's own folders, reading, sending, drafts, actions and search.

Ids in paths are the caller's own copies (``entry_id``), as on the pages: another person's
copy is a 404. Attachments go to a draft as multipart (field ``files``), then the draft is
sent; a mail without attachments can be sent in one JSON call.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from wenshu.files.responses import download_response
from wenshu.messaging import selectors, services
from wenshu.messaging.addressing import Addressing, AddressSet, address_set
from wenshu.messaging.models import Folder, MailboxEntry

router = Router(tags=["站内邮件"])

FolderName = Literal["inbox", "sent", "drafts", "archive", "trash"]
ActionName = Literal["archive", "unarchive", "trash", "restore", "delete"]


class AddressIn(Schema):
    people: list[int] = Field(default_factory=list, description="人员 id")
    units: list[int] = Field(default_factory=list, description="单位 id（送达该单位的文书）")
    groups: list[int] = Field(default_factory=list, description="单位分组 id（送达各成员单位文书）")
    departments: list[int] = Field(default_factory=list, description="本单位部门 id")

    def to_set(self) -> AddressSet:
        return address_set(
            people=self.people, units=self.units, groups=self.groups, departments=self.departments
        )


class MailIn(Schema):
    subject: str = Field("", description="主题（最多 200 字；发送时必填）")
    body: str = Field("", description="正文")
    urgent: bool = Field(False, description="紧急：收件人同时收到短信提醒")
    to: AddressIn = Field(default_factory=AddressIn)
    cc: AddressIn = Field(default_factory=AddressIn)
    bcc: AddressIn = Field(default_factory=AddressIn, description="密送：其他收件人看不到")
    keep_attachment_ids: list[int] | None = Field(
        None, description="编辑草稿时要保留的附件 id；不填则全部保留"
    )
    client_token: str = Field("", max_length=64, description="同一标识重复提交只算一次")

    def content(self) -> services.MailContent:
        keep = None if self.keep_attachment_ids is None else tuple(self.keep_attachment_ids)
        return services.MailContent(
            subject=self.subject,
            body=self.body,
            urgent=self.urgent,
            addressing=Addressing(to=self.to.to_set(), cc=self.cc.to_set(), bcc=self.bcc.to_set()),
            keep_attachment_ids=keep,
            client_token=self.client_token,
        )


class EntryOut(Schema):
    id: int
    folder: str
    role: str
    subject: str
    sender_name: str
    sender_unit_name: str
    to: list[str]
    status: str
    urgent: bool
    unread: bool
    attachment_count: int
    size: int
    created_at: datetime
    sent_at: datetime | None


class EntryPage(Schema):
    count: int
    unread: int
    items: list[EntryOut]


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class ReceiptOut(Schema):
    person_id: int
    person_name: str
    unit_name: str
    kind: str
    via: str
    via_label: str
    read_at: datetime | None


class MessageOut(EntryOut):
    body: str
    cc: list[str]
    bcc: list[str]
    addressing: dict[str, Any]
    attachments: list[AttachmentOut]
    receipts: list[ReceiptOut]
    my_kind: str | None


class SendOut(Schema):
    entry: MessageOut
    recipients: int
    warnings: list[str]


class ActionIn(Schema):
    entry_ids: list[int] = Field(..., min_length=1, max_length=200)


class CountOut(Schema):
    count: int


class QuotaOut(Schema):
    used: int
    quota: int
    percent: int
    over: bool
    text: str


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class SearchQuery(PageQuery):
    sender: str = Field("", max_length=60, description="发件人姓名、用户名或单位")
    subject: str = Field("", max_length=100)
    body: str = Field("", max_length=100, description="正文包含")
    date_from: date | None = None
    date_to: date | None = None
    folder: FolderName | Literal[""] = ""


def _me(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _entry_out(entry: MailboxEntry) -> dict[str, Any]:
    m = entry.message
    return {
        "id": entry.pk,
        "folder": entry.folder,
        "role": entry.role,
        "subject": m.subject,
        "sender_name": m.sender_name,
        "sender_unit_name": m.sender_unit_name,
        "to": list((m.address_labels or {}).get("to", [])),
        "status": m.status,
        "urgent": m.urgent,
        "unread": entry.unread,
        "attachment_count": m.attachment_count,
        "size": entry.size,
        "created_at": entry.created_at,
        "sent_at": m.sent_at,
    }


def _message_out(viewer: Any, entry: MailboxEntry) -> dict[str, Any]:
    labels = selectors.visible_labels(viewer=viewer, entry=entry)
    mine = selectors.my_recipient_row(viewer=viewer, entry=entry)
    own_draft = entry.role == MailboxEntry.Role.SENDER
    return {
        **_entry_out(entry),
        "body": entry.message.body,
        "cc": labels["cc"],
        "bcc": labels.get("bcc", []),
        "addressing": entry.message.addressing if own_draft else {},
        "attachments": [
            {
                "id": a.pk,
                "name": a.upload.name,
                "size": a.upload.stored_file.size,
                "content_type": a.upload.stored_file.content_type,
            }
            for a in selectors.attachments_of(viewer=viewer, entry=entry)
        ],
        "receipts": [
            {
                "person_id": r.person_id,
                "person_name": r.person_name,
                "unit_name": r.unit_name,
                "kind": r.kind,
                "via": r.via,
                "via_label": r.via_label,
                "read_at": r.read_at,
            }
            for r in selectors.receipts(viewer=viewer, entry=entry)
        ],
        "my_kind": mine.kind if mine else None,
    }


def _page(viewer: Any, found: Any, q: PageQuery) -> dict[str, Any]:
    return {
        "count": found.count(),
        "unread": selectors.unread_count(viewer=viewer),
        "items": [_entry_out(e) for e in found[q.offset : q.offset + q.limit]],
    }


@router.get("/folders/{folder}", response=EntryPage, summary="邮件夹列表（新的在前）")
def folder_list(request: HttpRequest, folder: FolderName, q: Query[PageQuery]) -> dict[str, Any]:
    found = selectors.folder_entries(viewer=_me(request), folder=folder)
    return _page(_me(request), found, q)


@router.get("/search", response=EntryPage, summary="在自己的邮件夹中搜索")
def search(request: HttpRequest, q: Query[SearchQuery]) -> dict[str, Any]:
    found = selectors.search(
        viewer=_me(request),
        sender=q.sender,
        subject=q.subject,
        body=q.body,
        date_from=q.date_from,
        date_to=q.date_to,
        folder=q.folder,
    )
    return _page(_me(request), found, q)


@router.get("/quota", response=QuotaOut, summary="我的邮箱空间")
def quota(request: HttpRequest) -> dict[str, Any]:
    usage = selectors.quota_usage(viewer=_me(request))
    return {
        "used": usage.used,
        "quota": usage.quota,
        "percent": usage.percent,
        "over": usage.over,
        "text": usage.text,
    }


@router.get(
    "/messages/{entry_id}", response=MessageOut, summary="读邮件（标为已读，发件人得到回执）"
)
def message_read(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    if entry.folder != Folder.DRAFTS:
        entry = services.mail_mark_read(actor=me, entry=entry)
    return _message_out(me, entry)


@router.get("/messages/{entry_id}/attachments/{attachment_id}", summary="下载附件")
def attachment(request: HttpRequest, entry_id: int, attachment_id: int) -> HttpResponse:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    found = selectors.attachment_get(viewer=me, entry=entry, attachment_id=attachment_id)
    return download_response(upload=found.upload)


def _sent(me: Any, result: services.SendResult) -> Status:
    return Status(
        201,
        {
            "entry": _message_out(me, result.entry),
            "recipients": result.message.recipients.count(),
            "warnings": result.warnings,
        },
    )


@router.post("/send", response={201: SendOut}, summary="发送新邮件（不带附件）")
def send(request: HttpRequest, data: MailIn) -> Status:
    me = _me(request)
    return _sent(me, services.mail_send(actor=me, content=data.content()))


@router.post("/drafts", response={201: MessageOut}, summary="保存新草稿")
def draft_create(request: HttpRequest, data: MailIn) -> Status:
    me = _me(request)
    entry = services.mail_draft_save(actor=me, content=data.content())
    return Status(201, _message_out(me, entry))


@router.put("/drafts/{entry_id}", response=MessageOut, summary="修改草稿")
def draft_update(request: HttpRequest, entry_id: int, data: MailIn) -> dict[str, Any]:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    saved = services.mail_draft_save(actor=me, content=data.content(), draft_entry=entry)
    return _message_out(me, saved)


def _draft_as_is(me: Any, entry: MailboxEntry) -> services.MailContent:
    message = selectors.draft_message(viewer=me, entry=entry)
    return services.MailContent(
        subject=message.subject,
        body=message.body,
        urgent=message.urgent,
        addressing=Addressing.from_json(message.addressing),
    )


@router.post(
    "/drafts/{entry_id}/attachments",
    response={201: MessageOut},
    summary="给草稿添加附件（multipart，字段名 files；经病毒扫描）",
)
def draft_attach(request: HttpRequest, entry_id: int, files: File[list[UploadedFile]]) -> Status:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    saved = services.mail_draft_save(
        actor=me,
        content=_draft_as_is(me, entry),
        draft_entry=entry,
        files=[(f.name or "", f) for f in files],
    )
    return Status(201, _message_out(me, saved))


@router.post("/drafts/{entry_id}/send", response={201: SendOut}, summary="发送草稿")
def draft_send(request: HttpRequest, entry_id: int) -> Status:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    return _sent(
        me, services.mail_send(actor=me, content=_draft_as_is(me, entry), draft_entry=entry)
    )


def _respond(request: HttpRequest, entry_id: int, how: str) -> Status:
    me = _me(request)
    entry = selectors.entry_get(viewer=me, entry_id=entry_id)
    if how == "forward":
        draft = services.mail_forward(actor=me, entry=entry)
    else:
        draft = services.mail_reply(actor=me, entry=entry, reply_all=how == "all")
    return Status(201, _message_out(me, draft))


@router.post("/messages/{entry_id}/reply", response={201: MessageOut}, summary="回复（生成草稿）")
def reply(request: HttpRequest, entry_id: int) -> Status:
    return _respond(request, entry_id, "one")


@router.post(
    "/messages/{entry_id}/reply-all", response={201: MessageOut}, summary="回复全部（生成草稿）"
)
def reply_all(request: HttpRequest, entry_id: int) -> Status:
    return _respond(request, entry_id, "all")


@router.post(
    "/messages/{entry_id}/forward",
    response={201: MessageOut},
    summary="转发（生成草稿，附件随带，不重新上传）",
)
def forward(request: HttpRequest, entry_id: int) -> Status:
    return _respond(request, entry_id, "forward")


@router.post(
    "/actions/{action}",
    response=CountOut,
    summary="归档 / 移回 / 删除到废件箱 / 恢复 / 彻底删除（全部成功或全部不做）",
)
def act(request: HttpRequest, action: ActionName, data: ActionIn) -> dict[str, int]:
    me = _me(request)
    entries = [selectors.entry_get(viewer=me, entry_id=i) for i in dict.fromkeys(data.entry_ids)]
    return {"count": services.mail_act(actor=me, entries=entries, action=action)}


@router.post("/trash/empty", response=CountOut, summary="清空废件箱")
def trash_empty(request: HttpRequest) -> dict[str, int]:
    return {"count": services.mail_empty_trash(actor=_me(request))}
