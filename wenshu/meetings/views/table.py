"""The organiser's live table (polled by htmx every 10 s) and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from wenshu.meetings import selectors
from wenshu.meetings.export import table_xlsx
from wenshu.meetings.models import Meeting
from wenshu.meetings.views._common import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request: AuthedRequest, meeting: Meeting) -> dict[str, object]:
    rows = selectors.meeting_table(viewer=request.user, meeting=meeting)
    now = timezone.now()
    return {
        "meeting": meeting,
        "rows": rows,
        "summary": selectors.table_summary(rows),
        "now": now,
        "signin_open": not meeting.is_cancelled and meeting.signin_open(now),
    }


@login_required
def meeting_table(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    return render(request, "meetings/pages/table.html", _context(request, meeting))


@login_required
def meeting_table_rows(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    response = render(request, "meetings/partials/table.html", _context(request, meeting))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def meeting_export(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(viewer=request.user, pk=pk)
    rows = selectors.meeting_table(viewer=request.user, meeting=meeting)
    response = HttpResponse(table_xlsx(meeting, rows), content_type=XLSX)
    name = f"会议回执-{meeting.title[:40]}-{timezone.localtime():%Y%m%d%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
