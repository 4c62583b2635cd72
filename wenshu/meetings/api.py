"""/api/v1/meetings/: the same meeting operations as the pages, through the same services.

Materials are uploaded as multipart form data to `/{id}/materials` (scanned like any upload).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from wenshu.accounts.models import User
from wenshu.files.responses import download_response
from wenshu.files.services import file_ingest_many
from wenshu.lib.errors import DomainError, NotFound
from wenshu.meetings import selectors, services
from wenshu.meetings.export import table_xlsx
from wenshu.meetings.forms import MATERIAL_TYPES
from wenshu.meetings.models import Attendee, Invitation, Meeting

router = Router(tags=["会议通知"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


def _aware(moment: datetime) -> datetime:
    """A time sent without an offset is read as Beijing time, as the pages do."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- schemas -------------------------------------------------------------------------------


class AttendeeOut(Schema):
    id: int
    person_id: int | None
    name: str
    post: str
    substitute: bool
    signed_in_at: datetime | None
    signin_method: str


class InvitationOut(Schema):
    id: int
    kind: str
    invitee: str
    person_id: int | None
    unit_id: int
    unit_name: str
    reply: str
    reply_label: str
    reason: str
    received_at: datetime | None
    replied_at: datetime | None
    replied_by: str
    attendees: list[AttendeeOut]


class MaterialOut(Schema):
    upload_id: int
    name: str
    size: int


class MeetingOut(Schema):
    id: int
    title: str
    status: str
    organiser_unit_id: int
    organiser_unit_name: str
    organiser_name: str
    contact_phone: str
    start_at: datetime
    end_at: datetime
    place: str
    requirement: str
    reply_deadline: datetime
    cancel_reason: str


class MeetingDetailOut(MeetingOut):
    agenda: str
    materials: list[MaterialOut]
    my_invitations: list[InvitationOut]
    my_attendance: AttendeeOut | None
    manage: bool


class MeetingIn(Schema):
    title: str = Field(..., max_length=200)
    start_at: datetime
    end_at: datetime
    place: str = Field(..., max_length=200)
    agenda: str = Field(..., max_length=20000)
    reply_deadline: datetime
    requirement: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    unit_ids: list[int] = Field(default_factory=list, max_length=500)
    person_ids: list[int] = Field(default_factory=list, max_length=500)


class PersonIn(Schema):
    name: str = Field(..., max_length=60)
    post: str = Field("", max_length=60)


class ReplyIn(Schema):
    answer: Literal["attend", "absent", "substitute"]
    reason: str = Field("", max_length=300)
    attendee_ids: list[int] = Field(default_factory=list, max_length=50)
    extra_attendees: list[PersonIn] = Field(default_factory=list, max_length=50)
    substitute_id: int | None = None
    substitute_name: str = Field("", max_length=60)
    substitute_post: str = Field("", max_length=60)


class DeadlineIn(Schema):
    reply_deadline: datetime


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class SigninIn(Schema):
    code: str = Field("", max_length=20)
    token: str = Field("", max_length=500)


class SigninOut(Schema):
    meeting_id: int
    attendee: AttendeeOut
    already: bool


class ScreenOut(Schema):
    meeting_id: int
    code: str
    url: str
    opens_at: datetime
    closes_at: datetime


class TableOut(Schema):
    summary: dict[str, int]
    rows: list[InvitationOut]


class ListQuery(Schema):
    box: Literal["received", "organised"] = "received"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class CalendarQuery(Schema):
    start: datetime
    end: datetime


# --- converters ----------------------------------------------------------------------------


def _attendee_out(a: Attendee) -> AttendeeOut:
    return AttendeeOut(
        id=a.pk,
        person_id=a.person_id,
        name=a.name,
        post=a.post,
        substitute=a.substitute,
        signed_in_at=a.signed_in_at,
        signin_method=a.signin_method,
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(
        id=i.pk,
        kind=i.kind,
        invitee=i.invitee_name,
        person_id=i.person_id,
        unit_id=i.unit_id,
        unit_name=i.unit.full_name,
        reply=i.reply,
        reply_label=i.get_reply_display(),
        reason=i.reason,
        received_at=i.received_at,
        replied_at=i.replied_at,
        replied_by=i.replied_by.display_name if i.replied_by else "",
        attendees=[_attendee_out(a) for a in i.attendees.all()],
    )


def _meeting_fields(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "status": m.status,
        "organiser_unit_id": m.organiser_unit_id,
        "organiser_unit_name": m.organiser_unit.full_name,
        "organiser_name": m.organiser.display_name,
        "contact_phone": m.contact_phone,
        "start_at": m.start_at,
        "end_at": m.end_at,
        "place": m.place,
        "requirement": m.requirement,
        "reply_deadline": m.reply_deadline,
        "cancel_reason": m.cancel_reason,
    }


def _detail_out(request: HttpRequest, meeting: Meeting) -> MeetingDetailOut:
    me = _me(request)
    attendance = selectors.attendance_of(viewer=me, meeting=meeting)
    return MeetingDetailOut(
        **_meeting_fields(meeting),
        agenda=meeting.agenda,
        materials=[
            MaterialOut(upload_id=m.upload_id, name=m.upload.name, size=m.upload.size)
            for m in selectors.materials_of(viewer=me, meeting=meeting)
        ],
        my_invitations=[
            _invitation_out(i) for i in selectors.invitations_answerable(viewer=me, meeting=meeting)
        ],
        my_attendance=_attendee_out(attendance) if attendance else None,
        manage=selectors.may_manage(me, meeting),
    )


# --- meetings ------------------------------------------------------------------------------


@router.get(
    "/", response=MeetingPage, summary="会议通知列表（received 收到的 / organised 本单位组织的）"
)
def meeting_list(request: HttpRequest, q: Query[ListQuery]) -> MeetingPage:
    me = _me(request)
    rows = (
        selectors.meetings_organised(viewer=me)
        if q.box == "organised"
        else selectors.meetings_received(viewer=me)
    )
    items = [MeetingOut(**_meeting_fields(m)) for m in rows[q.offset : q.offset + q.limit]]
    return MeetingPage(count=rows.count(), items=items)


@router.post("/", response={201: MeetingDetailOut}, summary="发出会议通知")
def meeting_create(request: HttpRequest, data: MeetingIn) -> Status:
    fields = data.dict()
    for name in ("start_at", "end_at", "reply_deadline"):
        fields[name] = _aware(fields[name])
    meeting = services.meeting_create(actor=_me(request), data=services.MeetingInput(**fields))
    return Status(201, _detail_out(request, meeting))


@router.get("/calendar", response=list[MeetingOut], summary="本人受邀或被指定参加的会议（日程）")
def meeting_calendar(request: HttpRequest, q: Query[CalendarQuery]) -> list[MeetingOut]:
    if q.end <= q.start:
        raise DomainError("结束时间必须晚于开始时间。")
    rows = selectors.meetings_for_person(
        viewer=_me(request), start=_aware(q.start), end=_aware(q.end)
    )
    return [MeetingOut(**_meeting_fields(m)) for m in rows.select_related("organiser")]


@router.post("/signin", response=SigninOut, summary="会议签到（签到码或二维码令牌）")
def meeting_signin(request: HttpRequest, data: SigninIn) -> SigninOut:
    me = _me(request)
    if data.token:
        result = services.attendee_sign_in_by_token(actor=me, token=data.token)
    elif data.code:
        result = services.attendee_sign_in_by_code(actor=me, code=data.code)
    else:
        raise DomainError("请提供签到码或二维码令牌。")
    return SigninOut(
        meeting_id=result.meeting.pk,
        attendee=_attendee_out(result.attendee),
        already=result.already,
    )


@router.get(
    "/{meeting_id}", response=MeetingDetailOut, summary="会议通知详情（首次打开记为已收到）"
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingDetailOut:
    meeting = selectors.meeting_get(viewer=_me(request), pk=meeting_id)
    services.invitations_mark_received(viewer=_me(request), meeting=meeting)
    return _detail_out(request, meeting)


@router.post(
    "/{meeting_id}/invitations/{invitation_id}/reply",
    response=InvitationOut,
    summary="回复（参加 / 不参加 / 委派他人参加）",
)
def invitation_reply(
    request: HttpRequest, meeting_id: int, invitation_id: int, data: ReplyIn
) -> InvitationOut:
    me = _me(request)
    meeting = selectors.meeting_get(viewer=me, pk=meeting_id)
    invitation = selectors.invitation_get(viewer=me, meeting=meeting, pk=invitation_id)
    reply = services.ReplyInput(
        answer=data.answer,
        reason=data.reason,
        attendee_ids=data.attendee_ids,
        extra_attendees=[(p.name, p.post) for p in data.extra_attendees],
        substitute_id=data.substitute_id,
        substitute_name=data.substitute_name,
        substitute_post=data.substitute_post,
    )
    services.invitation_reply(actor=me, invitation=invitation, data=reply)
    return _invitation_out(selectors.invitation_get(viewer=me, meeting=meeting, pk=invitation_id))


@router.get("/{meeting_id}/invitations", response=TableOut, summary="回执情况表（组织单位）")
def meeting_table(request: HttpRequest, meeting_id: int) -> TableOut:
    me = _me(request)
    meeting = selectors.meeting_get_managed(viewer=me, pk=meeting_id)
    rows = selectors.meeting_table(viewer=me, meeting=meeting)
    return TableOut(summary=selectors.table_summary(rows), rows=[_invitation_out(r) for r in rows])


@router.get("/{meeting_id}/export.xlsx", summary="回执情况表导出为 Excel")
def meeting_export(request: HttpRequest, meeting_id: int) -> HttpResponse:
    me = _me(request)
    meeting = selectors.meeting_get_managed(viewer=me, pk=meeting_id)
    data = table_xlsx(meeting, selectors.meeting_table(viewer=me, meeting=meeting))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"会议回执-{meeting.pk}-{timezone.localtime():%Y%m%d%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@router.post("/{meeting_id}/deadline", response=MeetingOut, summary="延长回复截止时间")
def meeting_deadline(request: HttpRequest, meeting_id: int, data: DeadlineIn) -> MeetingOut:
    meeting = selectors.meeting_get_managed(viewer=_me(request), pk=meeting_id)
    meeting = services.meeting_extend_deadline(
        actor=_me(request), meeting=meeting, reply_deadline=_aware(data.reply_deadline)
    )
    return MeetingOut(**_meeting_fields(meeting))


@router.post("/{meeting_id}/cancel", response=MeetingOut, summary="取消会议")
def meeting_cancel(request: HttpRequest, meeting_id: int, data: ReasonIn) -> MeetingOut:
    meeting = selectors.meeting_get_managed(viewer=_me(request), pk=meeting_id)
    meeting = services.meeting_cancel(actor=_me(request), meeting=meeting, reason=data.reason)
    return MeetingOut(**_meeting_fields(meeting))


@router.post(
    "/{meeting_id}/materials",
    response={201: list[MaterialOut]},
    summary="补充会议材料（multipart，字段名 files）",
)
def meeting_materials(
    request: HttpRequest, meeting_id: int, files: File[list[UploadedFile]]
) -> Status:
    me = _me(request)
    meeting = selectors.meeting_get_managed(viewer=me, pk=meeting_id)
    uploads = file_ingest_many(
        actor=me,
        files=[(f.name or "", f) for f in files],
        allowed_types=MATERIAL_TYPES,
        purpose="meetings.material",
    )
    services.meeting_add_materials(actor=me, meeting=meeting, uploads=uploads)
    return Status(
        201,
        [
            MaterialOut(upload_id=m.upload_id, name=m.upload.name, size=m.upload.size)
            for m in selectors.materials_of(viewer=me, meeting=meeting)
        ],
    )


@router.get("/{meeting_id}/materials/{upload_id}", summary="下载会议材料")
def material_download(request: HttpRequest, meeting_id: int, upload_id: int) -> HttpResponse:
    me = _me(request)
    meeting = selectors.meeting_get(viewer=me, pk=meeting_id)
    return download_response(
        upload=selectors.material_get(viewer=me, meeting=meeting, upload_id=upload_id)
    )


def _screen_out(request: HttpRequest, screen: services.SigninScreen) -> ScreenOut:
    url = request.build_absolute_uri(reverse("meetings:signin_token", args=[screen.token]))
    return ScreenOut(
        meeting_id=screen.meeting.pk,
        code=screen.code,
        url=url,
        opens_at=screen.meeting.signin_opens_at,
        closes_at=screen.meeting.signin_closes_at,
    )


@router.get(
    "/{meeting_id}/signin-screen", response=ScreenOut, summary="签到码与签到链接（组织单位）"
)
def signin_screen(request: HttpRequest, meeting_id: int) -> ScreenOut:
    meeting = selectors.meeting_get_managed(viewer=_me(request), pk=meeting_id)
    return _screen_out(request, services.signin_screen(actor=_me(request), meeting=meeting))


@router.post("/{meeting_id}/signin-screen/renew", response=ScreenOut, summary="更换签到码")
def signin_renew(request: HttpRequest, meeting_id: int) -> ScreenOut:
    meeting = selectors.meeting_get_managed(viewer=_me(request), pk=meeting_id)
    return _screen_out(request, services.signin_code_renew(actor=_me(request), meeting=meeting))


@router.post(
    "/{meeting_id}/attendees/{attendee_id}/present",
    response=AttendeeOut,
    summary="组织人代为登记签到",
)
def attendee_present(request: HttpRequest, meeting_id: int, attendee_id: int) -> AttendeeOut:
    meeting = selectors.meeting_get_managed(viewer=_me(request), pk=meeting_id)
    attendee = meeting.attendees.filter(pk=attendee_id).first()
    if attendee is None:
        raise NotFound("找不到该参会人员。")
    return _attendee_out(services.attendee_mark_present(actor=_me(request), attendee=attendee))
