"""The database refuses changes to sealed documents, whatever issues the SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from wenshu.documents.models import Document, DocumentAttachment, SealedPackage
from wenshu.documents.tests.conftest import new_draft, to_sealed

pytestmark = pytest.mark.django_db


def raw(sql: str, *params: Any) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def test_a_raw_update_of_a_sealed_documents_title_is_refused(city, cast):
    doc = to_sealed(cast, departments=False)
    with pytest.raises(DatabaseError, match="公文已用印，内容不可更改"):
        raw("UPDATE documents_document SET title = %s WHERE id = %s", "偷改的标题", doc.pk)
    with pytest.raises(DatabaseError, match="公文已用印"):
        raw("UPDATE documents_document SET body = %s WHERE id = %s", "[]", doc.pk)
    with pytest.raises(DatabaseError, match="公文已用印"):
        raw("UPDATE documents_document SET status = 'draft' WHERE id = %s", doc.pk)
    with pytest.raises(DatabaseError, match="公文已用印"):
        raw("DELETE FROM documents_document WHERE id = %s", doc.pk)
    doc.refresh_from_db()
    assert doc.title.startswith("关于做好") and doc.status == Document.Status.SEALED


def test_the_status_and_send_time_may_still_change(city, cast):
    doc = to_sealed(cast, departments=False)
    assert (
        raw(
            "UPDATE documents_document SET status = 'sent', sent_at = %s WHERE id = %s",
            doc.sealed_at,
            doc.pk,
        )
        == 1
    )


def test_the_sealed_package_can_be_neither_changed_nor_deleted(city, cast):
    doc = to_sealed(cast, departments=False)
    package = SealedPackage.objects.get(document=doc)
    with pytest.raises(DatabaseError, match="交换包不可更改"):
        raw(
            "UPDATE documents_sealedpackage SET digest_hex = %s WHERE id = %s", "0" * 64, package.pk
        )
    with pytest.raises(DatabaseError, match="交换包不可更改"):
        raw("DELETE FROM documents_sealedpackage WHERE id = %s", package.pk)
    with pytest.raises(DatabaseError):
        SealedPackage.objects.filter(pk=package.pk).update(package=b"PK")


def test_attachments_of_a_sealed_document_are_frozen(city, cast):
    doc = new_draft(cast)
    from wenshu.documents import services

    services.attachment_add_paper(
        actor=cast.drafter, document=doc, title="规划图纸", description="A1 图纸 3 张，随纸质件送达"
    )
    doc = to_sealed_existing(cast, doc)
    attachment = DocumentAttachment.objects.get(document=doc)
    with pytest.raises(DatabaseError, match="附件不可增删"):
        raw("UPDATE documents_documentattachment SET title = %s WHERE id = %s", "x", attachment.pk)
    with pytest.raises(DatabaseError, match="附件不可增删"):
        raw("DELETE FROM documents_documentattachment WHERE id = %s", attachment.pk)
    with pytest.raises(DatabaseError, match="附件不可增删"), transaction.atomic():
        DocumentAttachment.objects.create(
            document=doc,
            position=2,
            title="补充",
            paper_only=True,
            description="x",
            added_by=cast.drafter,
        )


def test_an_unsealed_document_is_not_guarded(city, cast):
    doc = new_draft(cast)
    assert raw("UPDATE documents_document SET title = %s WHERE id = %s", "新标题", doc.pk) == 1


def to_sealed_existing(cast, doc):
    from wenshu.documents import services
    from wenshu.documents.tests.conftest import act, plan

    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast, departments=False))
    act(doc, cast.reviewer)
    act(doc, cast.signer)
    for person in (cast.custodian1, cast.custodian2):
        services.document_seal_decide(actor=person, document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED
    return doc


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_a_database_holding_sealed_documents(city, cast):
    """Transactional tests flush the database afterwards: the guards must let that through
    (PostgreSQL truncates; SQLite's flush disarms the guard for its own transaction)."""
    to_sealed(cast, departments=False)
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    assert not Document.objects.exists() and not SealedPackage.objects.exists()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT armed FROM documents_dbguard")
            assert cursor.fetchone() == (1,)
