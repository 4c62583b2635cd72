from django.urls import path

from wenshu.web import views

app_name = "web"
urlpatterns = [
    path("", views.index, name="index"),
    path("workbench/", views.workbench, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
]
