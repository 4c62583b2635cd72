from django.urls import path

from wenshu.documents.views import drafts, files, flow

app_name = "documents"
urlpatterns = [
    path("", drafts.document_list, name="list"),
    path("new/", drafts.document_new, name="new"),
    path("<int:pk>/", drafts.document_detail, name="detail"),
    path("<int:pk>/edit/", drafts.document_edit, name="edit"),
    path("<int:pk>/attachments/", drafts.attachments, name="attachments"),
    path("<int:pk>/attachments/add/", drafts.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/paper/", drafts.attachment_add_paper, name="attachment_paper"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/remove/",
        drafts.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/download/",
        files.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/submit/", flow.submit, name="submit"),
    path("<int:pk>/steps/<int:item_id>/", flow.step, name="step"),
    path("<int:pk>/steps/<int:item_id>/withdraw/", flow.withdraw, name="withdraw"),
    path("<int:pk>/cancel/", flow.cancel, name="cancel"),
    path("<int:pk>/seal/", flow.seal, name="seal"),
    path("<int:pk>/seal/decide/", flow.seal_decide, name="seal_decide"),
    path("<int:pk>/seal/complete/", flow.seal_complete, name="seal_complete"),
    path("<int:pk>/seal/rerequest/", flow.seal_rerequest, name="seal_rerequest"),
    path("<int:pk>/pdf/", files.pdf, name="pdf"),
    path("<int:pk>/package/", files.package, name="package"),
    path("<int:pk>/original/", files.original, name="original"),
]
