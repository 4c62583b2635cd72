from django.urls import path

from wenshu.handling import views

app_name = "handling"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/<int:delivery_id>/", views.import_delivery, name="import"),
    path("<int:pk>/", views.sheet, name="sheet"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/items/<int:item_id>/", views.act, name="act"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/circulate/", views.circulate, name="circulate"),
    path("<int:pk>/read/", views.read, name="read"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("compliance/", views.compliance, name="compliance"),
]
