from django.urls import path

from wenshu.web import console_views, views

app_name = "web"
urlpatterns = [
    path("", views.index, name="index"),
    path("workbench/", views.workbench, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
    path("system/", console_views.system_console, name="system_console"),
]
