from django.urls import path

from wenshu.workflow import views

app_name = "workflow"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/complete/", views.item_complete, name="item_complete"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/cancel/", views.item_cancel, name="item_cancel"),
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/install/", views.definitions_install, name="definitions_install"),
    path("definitions/<int:pk>/", views.definition_detail, name="definition"),
    path("definitions/<int:pk>/download/", views.definition_download, name="definition_download"),
    path("definitions/<int:pk>/reset/", views.definition_reset, name="definition_reset"),
]
