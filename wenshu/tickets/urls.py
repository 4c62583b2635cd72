from django.urls import path

from wenshu.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("queue/", views.ticket_list, {"scope": "queue"}, name="queue"),
    path("breached/", views.ticket_list, {"scope": "breached"}, name="breached"),
    path("new/", views.ticket_new, name="new"),
    path("stats/", views.stats_page, name="stats"),
    path("stats.xlsx", views.stats_export, name="stats_export"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/notices/<int:notice_pk>.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/<slug:action>/", views.ticket_action, name="action"),
]
