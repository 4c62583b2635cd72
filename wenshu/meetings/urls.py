from django.urls import path

from wenshu.meetings.views import notices, signin, table

app_name = "meetings"
urlpatterns = [
    path("", notices.meeting_list, name="list"),
    path("new/", notices.meeting_new, name="new"),
    path("signin/", signin.signin_code, name="signin"),
    path("signin/t/<str:token>/", signin.signin_token, name="signin_token"),
    path("<int:pk>/", notices.meeting_detail, name="detail"),
    path("<int:pk>/reply/<int:invitation_pk>/", notices.invitation_reply, name="reply"),
    path("<int:pk>/deadline/", notices.meeting_deadline, name="deadline"),
    path("<int:pk>/cancel/", notices.meeting_cancel, name="cancel"),
    path("<int:pk>/materials/", notices.meeting_materials, name="materials"),
    path("<int:pk>/materials/<int:upload_pk>/", notices.material_download, name="material"),
    path("<int:pk>/table/", table.meeting_table, name="table"),
    path("<int:pk>/table/rows/", table.meeting_table_rows, name="table_rows"),
    path("<int:pk>/export.xlsx", table.meeting_export, name="export"),
    path("<int:pk>/signin-screen/", signin.signin_screen, name="signin_screen"),
    path("<int:pk>/signin-screen/renew/", signin.signin_renew, name="signin_renew"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/present/",
        signin.attendee_present,
        name="attendee_present",
    ),
]
