from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from wenshu.accounts.models import User
from wenshu.notify import selectors, services
from wenshu.notify.forms import OutboxFilterForm

PER_PAGE = 30


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _back(name: str, request: HttpRequest) -> str:
    # Return to the list page the form was on, with its filters; only the query string is taken
    # from the client, re-encoded, so it cannot point anywhere else.
    query = QueryDict(request.POST.get("back_query", "")).urlencode()
    return reverse(name) + (f"?{query}" if query else "")


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for(viewer=request.user)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(viewer=request.user)
    return render(request, "notify/pages/list.html", {"page": page, "unread": unread})


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(viewer=request.user, notification_id=pk)
    services.notification_mark_read(viewer=_me(request), notification=notification)
    if getattr(request, "htmx", False):
        return render(request, "notify/partials/row.html", {"n": notification})
    return redirect(_back("notify:list", request))


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link inside Wenshu."""
    notification = selectors.notification_get(viewer=request.user, notification_id=pk)
    services.notification_mark_read(viewer=_me(request), notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None) and link.startswith("/"):
        return redirect(link)
    return redirect(_back("notify:list", request))


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(viewer=_me(request))
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notify:list")


@require_GET
@login_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        selectors.outbox_messages(viewer=request.user)  # the role check comes before the filters
        return render(request, "notify/pages/outbox.html", {"form": form, "page": None}, status=400)
    filters = form.cleaned_data if request.GET else {}
    items = selectors.outbox_messages(
        viewer=request.user,
        status=filters.get("status") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/pages/outbox.html", {"form": form, "page": page})


@require_POST
@login_required
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.outbox_message_get(viewer=request.user, message_id=pk)
    services.outbox_retry(actor=_me(request), message=message)
    messages.success(request, f"短信#{message.pk} 已重新排队发送。")
    return redirect(_back("notify:outbox", request))
