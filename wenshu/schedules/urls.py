from django.urls import path

from wenshu.schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.index, name="index"),
    path("week/", views.week, name="week"),
    path("month/", views.month, name="month"),
    path("leaders/<int:leader_id>/week/", views.week, name="leader_week"),
    path("leaders/<int:leader_id>/month/", views.month, name="leader_month"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("sharing/", views.sharing, name="sharing"),
    path("feed/", views.feed, name="feed"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]
