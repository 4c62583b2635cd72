"""Document use cases (keyword-only, atomic, audited). Other apps import from here.

Drafting: document_create, document_update, document_body_from_docx, attachment_add,
attachment_add_paper, attachment_remove. Flow: document_submit, document_act,
document_withdraw, document_cancel. Sealing: document_seal_decide, document_seal_complete,
document_seal_rerequest. Numbering: number_next. Sending (for exchange):
document_mark_sent, dispatch_work_item.
"""

from wenshu.documents.services.drafting import (
    DraftInput,
    attachment_add,
    attachment_add_paper,
    attachment_remove,
    document_body_from_docx,
    document_create,
    document_update,
)
from wenshu.documents.services.flow import (
    FlowPlan,
    document_act,
    document_cancel,
    document_submit,
    document_withdraw,
)
from wenshu.documents.services.numbering import number_next
from wenshu.documents.services.sealing import (
    document_seal_complete,
    document_seal_decide,
    document_seal_rerequest,
)
from wenshu.documents.services.sending import dispatch_work_item, document_mark_sent

__all__ = [
    "DraftInput",
    "FlowPlan",
    "attachment_add",
    "attachment_add_paper",
    "attachment_remove",
    "dispatch_work_item",
    "document_act",
    "document_body_from_docx",
    "document_cancel",
    "document_create",
    "document_mark_sent",
    "document_seal_complete",
    "document_seal_decide",
    "document_seal_rerequest",
    "document_submit",
    "document_update",
    "document_withdraw",
    "number_next",
]
