from django.urls import path

from wenshu.library.views import folders, items, lists

app_name = "library"
urlpatterns = [
    path("", folders.home, name="home"),
    path("mine/", folders.mine, name="mine"),
    path("folders/<int:pk>/", folders.folder_detail, name="folder"),
    path("folders/<int:pk>/new/", folders.folder_new, name="folder_new"),
    path("folders/<int:pk>/edit/", folders.folder_edit, name="folder_edit"),
    path("folders/<int:pk>/upload/", folders.upload, name="upload"),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/versions/", items.version_new, name="version_new"),
    path("items/<int:pk>/versions/<int:number>/download/", items.download, name="download"),
    path("items/<int:pk>/checkout/", items.checkout, name="checkout"),
    path("items/<int:pk>/checkin/", items.checkin, name="checkin"),
    path("items/<int:pk>/break-lock/", items.break_lock, name="break_lock"),
    path("items/<int:pk>/share/", items.share, name="share"),
    path("items/<int:pk>/shares/<int:share_id>/remove/", items.share_remove, name="share_remove"),
    path("items/<int:pk>/scope/", items.scope, name="scope"),
    path("items/<int:pk>/trash/", items.trash_item, name="trash_item"),
    path("shared/", lists.shared, name="shared"),
    path("trash/", lists.trash, name="trash"),
    path("trash/<int:pk>/restore/", lists.restore, name="restore"),
    path("trash/<int:pk>/purge/", lists.purge, name="purge"),
    path("locks/", lists.locks, name="locks"),
    path("admins/", lists.admins, name="admins"),
    path("admins/<int:pk>/remove/", lists.admin_remove, name="admin_remove"),
]
