"""Schedule pages: week and month views (one's own, or a leader's), the event form, the
leader's keeper/viewer page, the subscription-link page, and the public .ics feed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.meetings.selectors import invitable_people, invitable_units
from wenshu.schedules import grid, ical, selectors, services
from wenshu.schedules.forms import EventForm, KeeperForm, ViewerForm
from wenshu.schedules.models import Event

if TYPE_CHECKING:

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest


def _scope(request: AuthedRequest, leader_id: int | None) -> tuple[User | None, Any]:
    """(leader or None, a function (start, end) → items) for the page's calendar."""
    viewer = request.user
    if leader_id is None:
        return None, lambda s, e: selectors.items_for_person(viewer=viewer, start=s, end=e)
    leader = selectors.leader_for_viewer(viewer=viewer, leader_id=leader_id)
    return leader, lambda s, e: selectors.items_for_leader(
        viewer=viewer, leader=leader, start=s, end=e
    )


def _context(request: AuthedRequest, leader: User | None, **extra: Any) -> dict[str, Any]:
    may_keep = leader is None or selectors.may_keep(request.user, leader)
    return {
        "leader": leader,
        "may_keep": may_keep,
        "leaders": selectors.leaders_for_viewer(viewer=request.user),
        "weekdays": grid.WEEKDAYS,
        **extra,
    }


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    return redirect("schedules:week")


@login_required
@require_GET
def week(request: AuthedRequest, leader_id: int | None = None) -> HttpResponse:
    leader, items_in = _scope(request, leader_id)
    today = timezone.localdate()
    days = grid.week_days(grid.parse_day(request.GET.get("d"), today), today)
    start, end = grid.bounds(days[0].day, days[-1].day)
    grid.fill(days, items_in(start, end))
    return render(
        request,
        "schedules/pages/week.html",
        _context(
            request,
            leader,
            days=days,
            prev=days[0].day - timedelta(days=7),
            next=days[0].day + timedelta(days=7),
            today=today,
        ),
    )


@login_required
@require_GET
def month(request: AuthedRequest, leader_id: int | None = None) -> HttpResponse:
    leader, items_in = _scope(request, leader_id)
    today = timezone.localdate()
    first = grid.parse_month(request.GET.get("m"), today)
    weeks = grid.month_weeks(first, today)
    start, end = grid.bounds(weeks[0][0].day, weeks[-1][-1].day)
    grid.fill([d for w in weeks for d in w], items_in(start, end))
    return render(
        request,
        "schedules/pages/month.html",
        _context(
            request,
            leader,
            weeks=weeks,
            first=first,
            prev=grid.shift_month(first, -1),
            next=grid.shift_month(first, 1),
            today=today,
        ),
    )


def _event_page(
    request: AuthedRequest,
    form: EventForm,
    *,
    leader: User | None,
    event: Event | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "schedules/pages/event_form.html",
        {"form": form, "leader": leader, "event": event},
        status=status,
    )


def _back(event: Event) -> HttpResponse:
    day = timezone.localtime(event.start_at).date().isoformat()
    if event.calendar == Event.Calendar.LEADER:
        return redirect(reverse("schedules:leader_week", args=[event.owner_id]) + f"?d={day}")
    return redirect(reverse("schedules:week") + f"?d={day}")


@login_required
def event_new(request: AuthedRequest) -> HttpResponse:
    raw = request.GET.get("leader", "")
    leader = (
        selectors.leader_for_viewer(viewer=request.user, leader_id=int(raw))
        if raw.isdigit()
        else None
    )
    if request.method != "POST":
        return _event_page(request, EventForm(), leader=leader)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.to_input(), leader=leader)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "日程已保存。")
            return _back(event)
    return _event_page(request, form, leader=leader, status=400)


@login_required
@require_GET
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_viewer(viewer=request.user, event_id=pk)
    return render(
        request,
        "schedules/pages/event.html",
        {"event": event, "may_edit": selectors.may_edit(request.user, event)},
    )


def _initial(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "start_at": timezone.localtime(event.start_at),
        "end_at": timezone.localtime(
            event.end_at - timedelta(days=1) if event.all_day else event.end_at
        ),
        "all_day": event.all_day,
        "place": event.place,
        "note": event.note,
        "remind_minutes": event.remind_minutes,
        "private": event.private,
    }


@login_required
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_viewer(viewer=request.user, event_id=pk)
    leader = event.owner if event.calendar == Event.Calendar.LEADER else None
    if request.method != "POST":
        return _event_page(request, EventForm(initial=_initial(event)), leader=leader, event=event)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            event = services.event_update(actor=request.user, event=event, data=form.to_input())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "日程已修改。")
            return _back(event)
    return _event_page(request, form, leader=leader, event=event, status=400)


@login_required
@require_POST
def event_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_viewer(viewer=request.user, event_id=pk)
    services.event_delete(actor=request.user, event=event)
    messages.success(request, "日程已删除。")
    return _back(event)


# --- the leader's keepers and viewers -------------------------------------------------------


def _sharing_forms(request: AuthedRequest, data: Any = None, which: str = "") -> dict[str, Any]:
    viewer = request.user
    people = selectors.keeper_candidates(viewer=viewer)
    return {
        "keeper_form": KeeperForm(data if which == "keeper" else None, people=people, prefix="k"),
        "viewer_form": ViewerForm(
            data if which == "viewer" else None,
            people=invitable_people(viewer=viewer),
            units=invitable_units(viewer=viewer),
            prefix="v",
        ),
        "keepers": selectors.keepers_of(viewer=viewer, leader=viewer),
        "viewers": selectors.viewers_of(viewer=viewer, leader=viewer),
    }


def _sharing_post(request: AuthedRequest, forms: dict[str, Any], action: str) -> bool:
    actor, post = request.user, request.POST
    if action == "remove_keeper" and post.get("id", "").isdigit():
        services.keeper_remove(actor=actor, keeper_id=int(post["id"]))
    elif action == "remove_viewer" and post.get("id", "").isdigit():
        services.viewer_remove(actor=actor, viewer_id=int(post["id"]))
    elif action == "keeper" and forms["keeper_form"].is_valid():
        services.keeper_add(actor=actor, person=forms["keeper_form"].cleaned_data["person"])
    elif action == "viewer" and forms["viewer_form"].is_valid():
        data = forms["viewer_form"].cleaned_data
        services.viewer_add(actor=actor, person=data["person"], unit=data["unit"])
    else:
        return False
    return True


@login_required
def sharing(request: AuthedRequest) -> HttpResponse:
    """The leader names who keeps and who sees their schedule (refused for non-leaders)."""
    if not selectors.is_leader(request.user):
        raise Forbidden("只有单位负责人可以指定本人日程的维护人和查看人。")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _sharing_forms(request, request.POST if action else None, action)
    if action:
        try:
            if _sharing_post(request, forms, action):
                messages.success(request, "已保存。")
                return redirect("schedules:sharing")
        except DomainError as exc:
            target = forms["keeper_form"] if action == "keeper" else forms["viewer_form"]
            target.add_error(None, exc.message)
    return render(request, "schedules/pages/sharing.html", forms, status=400 if action else 200)


# --- the subscription link --------------------------------------------------------------------


@login_required
def feed(request: AuthedRequest) -> HttpResponse:
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.feed_create(actor=request.user)
        elif action == "regenerate":
            token = services.feed_regenerate(actor=request.user)
        elif action == "revoke":
            services.feed_revoke(actor=request.user)
            messages.success(request, "订阅链接已停用，已订阅的手机日历将不再更新。")
            return redirect("schedules:feed")
    url = request.build_absolute_uri(reverse("schedules:ical", args=[token])) if token else None
    return render(
        request,
        "schedules/pages/feed.html",
        {"link": selectors.live_feed(viewer=request.user), "url": url},
    )


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the token is the credential. A revoked or unknown link is a 404."""
    link = selectors.feed_by_token(token=token)
    person = link.person
    start, end = ical.feed_window(timezone.now())
    items = selectors.items_for_person(viewer=person, start=start, end=end)
    body = ical.calendar_bytes(
        items,
        name=f"{person.real_name}的日程",
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    services.feed_touch(link=link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
