from django.urls import path

from wenshu.bulletins.views import notices as n
from wenshu.bulletins.views import reports as r

app_name = "bulletins"
urlpatterns = [
    path("", n.notices, name="notices"),
    path("unread/", n.notices, {"unread": True}, name="notices_unread"),
    path("manage/", n.notices_manage, name="notices_manage"),
    path("pending/", n.notices_pending, name="notices_pending"),
    path("city/", n.notices_city, name="notices_city"),
    path("new/", n.notice_new, name="notice_new"),
    path("<int:pk>/", n.notice_detail, name="notice"),
    path("<int:pk>/edit/", n.notice_edit, name="notice_edit"),
    path("<int:pk>/submit/", n.notice_submit, name="notice_submit"),
    path("<int:pk>/recall/", n.notice_recall, name="notice_recall"),
    path("<int:pk>/review/", n.notice_review, name="notice_review"),
    path("<int:pk>/withdraw/", n.notice_withdraw, name="notice_withdraw"),
    path("<int:pk>/reads/", n.notice_reads, name="notice_reads"),
    path("<int:pk>/files/<int:attachment_pk>/", n.notice_attachment, name="notice_attachment"),
    path("reports/", r.reports, name="reports"),
    path("reports/inbox/", r.reports_inbox, name="reports_inbox"),
    path("reports/new/", r.report_new, name="report_new"),
    path("reports/stats/", r.report_stats, name="report_stats"),
    path("reports/stats.xlsx", r.report_stats_xlsx, name="report_stats_xlsx"),
    path("reports/<int:pk>/", r.report_detail, name="report"),
    path("reports/<int:pk>/adopt/", r.report_adopt, name="report_adopt"),
    path("reports/<int:pk>/return/", r.report_return, name="report_return"),
    path("reports/<int:pk>/decline/", r.report_decline, name="report_decline"),
    path("reports/<int:pk>/withdraw/", r.report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/resubmit/", r.report_resubmit, name="report_resubmit"),
    path(
        "reports/<int:pk>/files/<int:attachment_pk>/", r.report_attachment, name="report_attachment"
    ),
    path("receivers/", r.receivers, name="receivers"),
]
