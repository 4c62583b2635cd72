"""Use cases of the document library. Each: keyword-only, permission first, one transaction,
audit inside, notifications sent on commit (by notify_send).

Uploads come in through wenshu.files.services.file_ingest (virus scan, type, size, 密级标志),
called by the view or API handler BEFORE these services; they receive the Upload.
"""

from wenshu.library.services.admins import library_admin_assign, library_admin_remove
from wenshu.library.services.folders import (
    library_folder_create,
    library_folder_delete,
    library_folder_update,
    library_roots_ensure,
)
from wenshu.library.services.items import (
    library_download_record,
    library_item_checkin,
    library_item_checkout,
    library_item_create,
    library_item_update,
    library_lock_break,
    library_version_add,
    library_version_precheck,
)
from wenshu.library.services.sharing import (
    library_scope_set,
    library_share_remove,
    library_share_set,
)
from wenshu.library.services.trash import (
    library_item_purge,
    library_item_restore,
    library_item_trash,
    library_trash_purge_expired,
)

__all__ = [
    "library_admin_assign",
    "library_admin_remove",
    "library_download_record",
    "library_folder_create",
    "library_folder_delete",
    "library_folder_update",
    "library_item_checkin",
    "library_item_checkout",
    "library_item_create",
    "library_item_purge",
    "library_item_restore",
    "library_item_trash",
    "library_item_update",
    "library_lock_break",
    "library_roots_ensure",
    "library_scope_set",
    "library_share_remove",
    "library_share_set",
    "library_trash_purge_expired",
    "library_version_add",
    "library_version_precheck",
]
