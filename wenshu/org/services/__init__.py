"""Use cases of units: registration, rename, merge, deregistration, departments, groups.

Every function is keyword-only, checks permission first, runs in one transaction and writes
its audit event inside it. Views, API routes, commands and other apps call these.
"""

from wenshu.org.services.departments import (
    UNSET,
    department_activate,
    department_create,
    department_deactivate,
    department_update,
)
from wenshu.org.services.deregistration import (
    unit_deregister,
    unit_deregister_reject,
    unit_deregister_request,
    unit_deregister_withdraw,
)
from wenshu.org.services.groups import (
    group_add_members,
    group_create,
    group_delete,
    group_remove_members,
    group_set_members,
    group_update,
)
from wenshu.org.services.merge import NewUnit, unit_merge
from wenshu.org.services.registration import unit_apply, unit_review
from wenshu.org.services.rename import (
    unit_rename_approve,
    unit_rename_reject,
    unit_rename_request,
    unit_rename_withdraw,
)

__all__ = [
    "UNSET",
    "NewUnit",
    "department_activate",
    "department_create",
    "department_deactivate",
    "department_update",
    "group_add_members",
    "group_create",
    "group_delete",
    "group_remove_members",
    "group_set_members",
    "group_update",
    "unit_apply",
    "unit_deregister",
    "unit_deregister_reject",
    "unit_deregister_request",
    "unit_deregister_withdraw",
    "unit_merge",
    "unit_rename_approve",
    "unit_rename_reject",
    "unit_rename_request",
    "unit_rename_withdraw",
    "unit_review",
]
