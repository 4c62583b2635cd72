"""Pages: the meeting lists, sending a notice, reading it (which records receipt), replying,
and the organiser's deadline / materials / cancel actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.files.forms import ingest_form_files
from wenshu.files.responses import download_response
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.meetings import selectors, services
from wenshu.meetings.forms import CancelForm, DeadlineForm, MaterialsForm, MeetingForm, ReplyForm
from wenshu.meetings.models import Invitation, Meeting
from wenshu.meetings.views._common import AuthedRequest

PAGE_SIZE = 30


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    may_organise = selectors.may_organise(request.user)
    box = "organised" if request.GET.get("box") == "organised" and may_organise else "received"
    rows = (
        selectors.meetings_organised(viewer=request.user)
        if box == "organised"
        else selectors.meetings_received(viewer=request.user)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/pages/list.html",
        {
            "page": page,
            "box": box,
            "may_organise": may_organise,
            "now": timezone.now(),
            "query": f"box={box}",
        },
    )


def _meeting_form(request: AuthedRequest, data: Any = None, files: Any = None) -> MeetingForm:
    return MeetingForm(
        data,
        files,
        units=selectors.invitable_units(viewer=request.user),
        people=selectors.invitable_people(viewer=request.user),
    )


@login_required
def meeting_new(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_organise(request.user):
        raise Forbidden("只有文书或单位负责人可以以本单位名义发出会议通知。")
    if request.method != "POST":
        return render(request, "meetings/pages/form.html", {"form": _meeting_form(request)})
    form = _meeting_form(request, request.POST, request.FILES)
    if form.is_valid():
        uploads = ingest_form_files(
            form, "materials", actor=request.user, purpose="meetings.material"
        )
        if uploads is not None:
            try:
                meeting = services.meeting_create(
                    actor=request.user, data=form.to_input(), materials=uploads
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "会议通知已发出，受邀人员和单位已收到通知。")
                return redirect("meetings:table", pk=meeting.pk)
    return render(request, "meetings/pages/form.html", {"form": form}, status=400)


def _initial(invitation: Invitation) -> dict[str, Any]:
    if invitation.reply == Invitation.Reply.PENDING:
        return {}
    attendees = list(invitation.attendees.all())
    regular = [a for a in attendees if not a.substitute]
    substitute = next((a for a in attendees if a.substitute), None)
    return {
        "answer": invitation.reply,
        "reason": invitation.reason,
        "attendees": [a.person_id for a in regular if a.person_id],
        "extra_attendees": "\n".join(
            f"{a.name} {a.post}".strip() for a in regular if not a.person_id
        ),
        "substitute": substitute.person_id if substitute else None,
        "substitute_name": substitute.name if substitute and not substitute.person_id else "",
        "substitute_post": substitute.post if substitute and not substitute.person_id else "",
    }


def _reply_form(invitation: Invitation, data: Any = None) -> ReplyForm:
    return ReplyForm(
        data,
        invitation=invitation,
        initial=_initial(invitation),
        people=selectors.unit_people(unit_id=invitation.unit_id),
    )


def _detail(
    request: AuthedRequest, meeting: Meeting, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    invitations = selectors.invitations_answerable(viewer=user, meeting=meeting)
    replies = [(inv, forms.get(f"reply_{inv.pk}") or _reply_form(inv)) for inv in invitations]
    return render(
        request,
        "meetings/pages/detail.html",
        {
            "meeting": meeting,
            "replies": replies,
            "now": timezone.now(),
            "replies_open": meeting.replies_open(timezone.now()),
            "materials": selectors.materials_of(viewer=user, meeting=meeting),
            "attendance": selectors.attendance_of(viewer=user, meeting=meeting),
            "manage": selectors.may_manage(user, meeting),
            "deadline_form": forms.get("deadline_form")
            or DeadlineForm(initial={"reply_deadline": timezone.localtime(meeting.reply_deadline)}),
            "cancel_form": forms.get("cancel_form") or CancelForm(),
            "materials_form": forms.get("materials_form") or MaterialsForm(),
        },
        status=status,
    )


@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    services.invitations_mark_received(viewer=request.user, meeting=meeting)
    return _detail(request, meeting)


@login_required
@require_POST
def invitation_reply(request: AuthedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    invitation = selectors.invitation_get(viewer=request.user, meeting=meeting, pk=invitation_pk)
    form = _reply_form(invitation, request.POST)
    if form.is_valid():
        try:
            services.invitation_reply(
                actor=request.user, invitation=invitation, data=form.to_input()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _detail(request, meeting, status=exc.status, **{f"reply_{invitation.pk}": form})
        messages.success(request, f"回执已提交（{invitation.invitee_name}）。截止前可以修改。")
        return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, **{f"reply_{invitation.pk}": form})


@login_required
@require_POST
def meeting_deadline(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_extend_deadline(
                actor=request.user,
                meeting=meeting,
                reply_deadline=form.cleaned_data["reply_deadline"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _detail(request, meeting, status=exc.status, deadline_form=form)
        messages.success(request, "回复截止时间已延长，未回复的单位和人员已收到通知。")
        return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, deadline_form=form)


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _detail(request, meeting, status=exc.status, cancel_form=form)
        messages.success(request, "会议已取消，受邀单位和人员已收到通知。")
        return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, cancel_form=form)


@login_required
@require_POST
def meeting_materials(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    form = MaterialsForm(request.POST, request.FILES)
    if form.is_valid():
        uploads = ingest_form_files(
            form, "materials", actor=request.user, purpose="meetings.material"
        )
        if uploads is not None:
            try:
                services.meeting_add_materials(actor=request.user, meeting=meeting, uploads=uploads)
            except DomainError as exc:
                form.add_error(None, exc.message)
                return _detail(request, meeting, status=exc.status, materials_form=form)
            messages.success(request, "会议材料已添加。")
            return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, materials_form=form)


@login_required
def material_download(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    upload = selectors.material_get(viewer=request.user, meeting=meeting, upload_id=upload_pk)
    return download_response(upload=upload, inline=request.GET.get("inline") == "1")
