from django.urls import path

from wenshu.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
