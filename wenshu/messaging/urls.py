from django.urls import path

from wenshu.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("folder/<str:folder>/", views.folder, name="folder"),
    path("folder/<str:folder>/act/", views.bulk_act, name="bulk_act"),
    path("trash/empty/", views.empty_trash, name="empty_trash"),
    path("compose/", views.compose, name="compose"),
    path("search/", views.search, name="search"),
    path("open/<int:message_id>/", views.open_message, name="open"),
    path("<int:pk>/", views.view, name="view"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/reply-all/", views.reply_all, name="reply_all"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
