"""Sign-in: the organiser's screen (code + QR), the attendee's code form and QR landing page,
and the organiser recording someone present by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.lib.errors import DomainError, NotFound
from wenshu.meetings import selectors, services
from wenshu.meetings.forms import SigninCodeForm
from wenshu.meetings.qr import qr_data_uri
from wenshu.meetings.views._common import AuthedRequest


def _screen(request: AuthedRequest, screen: services.SigninScreen) -> HttpResponse:
    url = request.build_absolute_uri(reverse("meetings:signin_token", args=[screen.token]))
    return render(
        request,
        "meetings/pages/signin_screen.html",
        {"meeting": screen.meeting, "code": screen.code, "url": url, "qr": qr_data_uri(url)},
    )


@login_required
def signin_screen(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    return _screen(request, services.signin_screen(actor=request.user, meeting=meeting))


@login_required
@require_POST
def signin_renew(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    screen = services.signin_code_renew(actor=request.user, meeting=meeting)
    messages.success(request, "已更换签到码，之前显示的二维码和签到码不再有效。")
    return _screen(request, screen)


def _signed(request: AuthedRequest, result: services.SigninResult) -> HttpResponse:
    if result.already:
        at = timezone.localtime(result.attendee.signed_in_at)
        messages.info(request, f"您已于{at:%H:%M}签到，无需重复签到。")
    else:
        messages.success(request, f"签到成功：{result.meeting.title}。")
    return redirect("meetings:detail", pk=result.meeting.pk)


@login_required
def signin_code(request: AuthedRequest) -> HttpResponse:
    form = SigninCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.attendee_sign_in_by_code(
                actor=request.user, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
            return render(request, "meetings/pages/signin.html", {"form": form}, status=exc.status)
        return _signed(request, result)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/pages/signin.html", {"form": form}, status=status)


@login_required
def signin_token(request: AuthedRequest, token: str) -> HttpResponse:
    meeting = services.meeting_for_token(viewer=request.user, token=token)
    if request.method == "POST":
        return _signed(request, services.attendee_sign_in_by_token(actor=request.user, token=token))
    attendance = selectors.attendance_of(viewer=request.user, meeting=meeting)
    return render(
        request,
        "meetings/pages/signin_confirm.html",
        {"meeting": meeting, "token": token, "attendance": attendance},
    )


@login_required
@require_POST
def attendee_present(request: AuthedRequest, pk: int, attendee_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    attendee = meeting.attendees.filter(pk=attendee_pk).first()
    if attendee is None:
        raise NotFound("找不到该参会人员。")
    attendee = services.attendee_mark_present(actor=request.user, attendee=attendee)
    messages.success(request, f"已为{attendee.name}登记签到。")
    return redirect("meetings:table", pk=meeting.pk)
