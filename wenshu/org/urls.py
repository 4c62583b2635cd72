from django.urls import path

from wenshu.org.views import requests, structure, units

app_name = "org"
urlpatterns = [
    path("units/", units.registry, name="registry"),
    path("units/apply/", units.apply, name="apply"),
    path("units/mine/", units.my_unit, name="my_unit"),
    path("units/<int:pk>/", units.unit_detail, name="unit"),
    path("units/<int:pk>/rename/", requests.rename_new, name="rename_new"),
    path("units/<int:pk>/deregister/", requests.deregister_new, name="deregister_new"),
    path("directory/", units.directory, name="directory"),
    path("pending/", units.pending, name="pending"),
    path("applications/<int:pk>/", units.application_detail, name="application"),
    path("renames/<int:pk>/", requests.rename_detail, name="rename"),
    path("deregistrations/<int:pk>/", requests.deregistration_detail, name="deregistration"),
    path("merge/", requests.merge_new, name="merge_new"),
    path("merges/<int:pk>/", requests.merge_detail, name="merge"),
    path("departments/", structure.departments, name="departments"),
    path("departments/<int:pk>/", structure.department_edit, name="department_edit"),
    path("departments/<int:pk>/toggle/", structure.department_toggle, name="department_toggle"),
    path("groups/", structure.groups, name="groups"),
    path("groups/<int:pk>/", structure.group_detail, name="group"),
]
