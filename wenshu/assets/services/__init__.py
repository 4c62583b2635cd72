"""Use cases of the equipment app (S3 设备管理办法; S2 第八条、第九条). Import from here."""

from wenshu.assets.services._common import is_office, office_people
from wenshu.assets.services.excel import (
    ImportRefused,
    ImportResult,
    RowError,
    register_export,
    register_import,
)
from wenshu.assets.services.internet import (
    internet_antivirus_update,
    internet_decide,
    internet_request,
    internet_revoke,
    internet_withdraw,
)
from wenshu.assets.services.loans import (
    loan_decide,
    loan_request,
    loan_return,
    loan_start,
    loan_withdraw,
    loans_remind_overdue,
)
from wenshu.assets.services.register import (
    AssetFields,
    asset_assign,
    asset_create,
    asset_manager_appoint,
    asset_manager_remove,
    asset_retire,
    asset_return_to_stock,
    asset_update,
)
from wenshu.assets.services.repairs import (
    repair_complete,
    repair_decide,
    repair_record_direct,
    repair_request,
    repair_withdraw,
)
from wenshu.assets.services.stocktake import (
    stocktake_close,
    stocktake_mark_missing,
    stocktake_open,
    stocktake_record,
)

__all__ = [
    "AssetFields",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "asset_assign",
    "asset_create",
    "asset_manager_appoint",
    "asset_manager_remove",
    "asset_retire",
    "asset_return_to_stock",
    "asset_update",
    "internet_antivirus_update",
    "internet_decide",
    "internet_request",
    "internet_revoke",
    "internet_withdraw",
    "is_office",
    "loan_decide",
    "loan_request",
    "loan_return",
    "loan_start",
    "loan_withdraw",
    "loans_remind_overdue",
    "office_people",
    "register_export",
    "register_import",
    "repair_complete",
    "repair_decide",
    "repair_record_direct",
    "repair_request",
    "repair_withdraw",
    "stocktake_close",
    "stocktake_mark_missing",
    "stocktake_open",
    "stocktake_record",
]
