"""Pages of notices and public information. Each view fetches through a selector (404 for what
the viewer may not see) and changes things only through a service; a refused rule shows its
message on the same page with what was typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.bulletins import selectors, services
from wenshu.bulletins.forms import (
    CityFilterForm,
    ManageFilterForm,
    NoticeForm,
    OpinionForm,
    ReadingFilterForm,
    WithdrawForm,
)
from wenshu.bulletins.models import Notice
from wenshu.bulletins.permissions import is_city_admin, is_editor, is_leader, is_manager
from wenshu.bulletins.views._common import AuthedRequest, attachment_response, paged
from wenshu.files.forms import ingest_form_files
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.org import selectors as org_selectors

Status = Notice.Status


def _clean(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_valid() else {}


# --- lists -------------------------------------------------------------------------------


@login_required
def notices(request: AuthedRequest, unread: bool = False) -> HttpResponse:
    units = org_selectors.units_in_directory(viewer=request.user)
    form = ReadingFilterForm(request.GET or None, units=units, initial={"unread": unread})
    f = _clean(form)
    rows = selectors.notices_for_reading(
        viewer=request.user,
        q=f.get("q", ""),
        kind=f.get("kind", ""),
        unit_id=getattr(f.get("unit"), "pk", None),
        unread=unread or bool(f.get("unread")),
    )
    return render(
        request,
        "bulletins/pages/notices.html",
        {
            "form": form,
            "unread": unread,
            "may_draft": is_editor(request.user),
            **paged(request, rows),
        },
    )


@login_required
def notices_manage(request: AuthedRequest) -> HttpResponse:
    form = ManageFilterForm(request.GET or None)
    f = _clean(form)
    rows = selectors.notices_of_unit(
        viewer=request.user, status=f.get("status", ""), q=f.get("q", "")
    )
    return render(
        request,
        "bulletins/pages/notices_manage.html",
        {"form": form, "may_draft": is_editor(request.user), **paged(request, rows)},
    )


@login_required
def notices_pending(request: AuthedRequest) -> HttpResponse:
    rows = selectors.notices_pending_review(viewer=request.user)
    return render(request, "bulletins/pages/notices_pending.html", paged(request, rows))


@login_required
def notices_city(request: AuthedRequest) -> HttpResponse:
    units = org_selectors.units_in_directory(viewer=request.user)
    form = CityFilterForm(request.GET or None, units=units)
    f = _clean(form)
    rows = selectors.notices_city(
        viewer=request.user,
        status=f.get("status", ""),
        unit_id=getattr(f.get("unit"), "pk", None),
        q=f.get("q", ""),
    )
    return render(
        request, "bulletins/pages/notices_city.html", {"form": form, **paged(request, rows)}
    )


# --- drafting ----------------------------------------------------------------------------


def _notice_form(request: AuthedRequest, notice: Notice | None = None) -> NoticeForm:
    existing = list(selectors.notice_attachments(notice=notice)) if notice else []
    initial: dict[str, Any] = {}
    if notice is not None:
        initial = {
            "kind": notice.kind,
            "title": notice.title,
            "body": notice.body,
            "audience": notice.audience,
            "units": list(notice.audience_units.all()),
            "groups": list(notice.audience_groups.all()),
            "expires_on": notice.expires_on,
            "pinned": notice.pinned,
            "pinned_until": notice.pinned_until,
        }
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return NoticeForm(
        *data,
        initial=initial,
        existing=existing,
        units=org_selectors.units_in_directory(viewer=request.user),
        groups=org_selectors.groups(viewer=request.user),
    )


def _notice_input(form: NoticeForm, uploads: list[Any]) -> services.NoticeInput:
    d = form.cleaned_data
    return services.NoticeInput(
        title=d["title"],
        body=d["body"],
        expires_on=d["expires_on"],
        kind=d["kind"],
        audience=d["audience"],
        units=list(d["units"]),
        groups=list(d["groups"]),
        pinned=d["pinned"],
        pinned_until=d["pinned_until"],
        attachments=uploads,
        drop_attachment_ids=[int(i) for i in d.get("drop_attachments", [])],
    )


def _save_notice(request: AuthedRequest, form: NoticeForm, notice: Notice | None) -> Any:
    """The saved notice, or the HTTP status to re-render the form with (errors on it)."""
    if not form.is_valid():
        return 400
    uploads = ingest_form_files(form, "attachments", actor=request.user, purpose="bulletins.notice")
    if uploads is None:
        return 400
    try:
        if notice is None:
            return services.notice_create(actor=request.user, data=_notice_input(form, uploads))
        return services.notice_update(
            actor=request.user, notice=notice, data=_notice_input(form, uploads)
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return exc.status


@login_required
def notice_new(request: AuthedRequest) -> HttpResponse:
    if not is_editor(request.user):
        raise Forbidden(services.notices.EDITOR_ONLY)
    form = _notice_form(request)
    status = 200
    if request.method == "POST":
        saved = _save_notice(request, form, None)
        if isinstance(saved, Notice):
            messages.success(request, "草稿已保存。核对无误后请点击“送审”，由本单位负责人审核。")
            return redirect("bulletins:notice", pk=saved.pk)
        status = saved
    return render(request, "bulletins/pages/notice_form.html", {"form": form}, status=status)


@login_required
def notice_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    services.notice_check_editable(actor=request.user, notice=notice)
    form = _notice_form(request, notice)
    status = 200
    if request.method == "POST":
        saved = _save_notice(request, form, notice)
        if isinstance(saved, Notice):
            messages.success(request, "修改已保存。")
            return redirect("bulletins:notice", pk=saved.pk)
        status = saved
    return render(
        request, "bulletins/pages/notice_form.html", {"form": form, "notice": notice}, status=status
    )


# --- detail and actions --------------------------------------------------------------------


def _detail_context(request: AuthedRequest, notice: Notice, **extra: Any) -> dict[str, Any]:
    user = request.user
    own = notice.unit_id == user.unit_id
    drafter = own and notice.drafted_by_id == user.pk and is_editor(user)
    published = notice.status in (Status.PUBLISHED, Status.ARCHIVED, Status.WITHDRAWN)
    return {
        "notice": notice,
        "attachments": selectors.notice_attachments(notice=notice),
        "audience_units": list(notice.audience_units.all()),
        "audience_groups": list(notice.audience_groups.all()),
        "may_edit": drafter and notice.editable,
        "may_recall": drafter and notice.status == Status.SUBMITTED,
        "may_review": own
        and is_leader(user)
        and notice.status == Status.SUBMITTED
        and notice.drafted_by_id != user.pk,
        "may_withdraw": is_city_admin(user) and notice.status == Status.PUBLISHED,
        "may_see_reads": published and (is_manager(user) or is_city_admin(user)),
        "review_form": extra.pop("review_form", None) or OpinionForm(),
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        **extra,
    }


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    services.notice_mark_read(viewer=request.user, notice=notice)
    return render(request, "bulletins/pages/notice_detail.html", _detail_context(request, notice))


def _refused(request: AuthedRequest, pk: int, exc: DomainError, **forms: Any) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)  # the state after the rollback
    context = _detail_context(request, notice, error=exc.message, **forms)
    return render(request, "bulletins/pages/notice_detail.html", context, status=exc.status)


def _act(request: AuthedRequest, pk: int, service: Any, done: str, **kwargs: Any) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    try:
        service(actor=request.user, notice=notice, **kwargs)
    except DomainError as exc:
        return _refused(request, pk, exc)
    messages.success(request, done)
    return redirect("bulletins:notice", pk=pk)


@login_required
@require_POST
def notice_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.notice_submit, "已送审，等待本单位负责人审核。")


@login_required
@require_POST
def notice_recall(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.notice_recall, "已撤回为草稿，可以继续修改。")


@login_required
@require_POST
def notice_review(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    form = OpinionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    try:
        if not form.is_valid():
            raise DomainError("意见不能超过 1000 字。")
        opinion = form.cleaned_data["opinion"]
        if approve:
            services.notice_approve(actor=request.user, notice=notice, opinion=opinion)
        else:
            services.notice_return(actor=request.user, notice=notice, opinion=opinion)
    except DomainError as exc:
        return _refused(request, pk, exc, review_form=form)
    messages.success(request, "已同意，通知公告已发布。" if approve else "已退回拟稿人修改。")
    return redirect("bulletins:notice", pk=pk)


@login_required
@require_POST
def notice_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请填写撤下原因（不超过 1000 字）。")
        services.notice_withdraw(
            actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, pk, exc, withdraw_form=form)
    messages.success(request, "已撤下该通知，并通知了发布单位。")
    return redirect("bulletins:notice", pk=pk)


@login_required
def notice_reads(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, pk=pk)
    stats = selectors.notice_read_stats(viewer=request.user, notice=notice)
    return render(request, "bulletins/pages/notice_reads.html", {"notice": notice, "stats": stats})


@login_required
def notice_attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = selectors.notice_attachment_get(
        viewer=request.user, notice_pk=pk, attachment_pk=attachment_pk
    )
    return attachment_response(found)
