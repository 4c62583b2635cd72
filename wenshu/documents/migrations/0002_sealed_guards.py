"""Database guards of sealed documents (see wenshu/documents/guards.py), per engine.

Refused by the database itself, whatever issues the SQL:
- UPDATE of a sealed document's content columns, or of its status back before 已用印;
- DELETE of a sealed document;
- UPDATE or DELETE of a SealedPackage;
- INSERT, UPDATE or DELETE of an attachment of a sealed document.
Both engines raise an integrity error (SQLSTATE 23000 / SQLITE_CONSTRAINT) with the reason.
"""

from django.db import migrations

# Columns that may still change after sealing: status (sent, cancelled), sent_at,
# cancelled_at, cancel_reason and updated_at. Every other column is frozen.
FROZEN = (
    "unit_id", "drafter_id", "doc_type", "series", "secrecy", "secrecy_period", "urgency",
    "issuer_mark", "doc_number", "number_year", "number_n", "signer_name", "title",
    "main_recipients", "body", "body_source", "body_original_id", "issuer_signature",
    "issue_date", "seal_id", "note", "cc", "printer", "print_date", "process_id",
    "signed_by_id", "created_at", "submitted_at", "approved_at", "sealed_at",
    "sender_name_at_sealing",
)
AFTER_SEALING = "('sealed', 'sent', 'cancelled')"
MSG_CONTENT = "公文已用印，内容不可更改"
MSG_DELETE = "公文已用印，不能删除"
MSG_PACKAGE = "已用印的交换包不可更改或删除"
MSG_ATTACHMENT = "公文已用印，附件不可增删或更改"

# SQLite: the guard is armed unless a flush (manage.py flush, tests) disarms it for its own
# transaction (guards.release_during_flush).
ARMED = "EXISTS (SELECT 1 FROM documents_dbguard WHERE armed = 1)"
SEALED_DOC = "EXISTS (SELECT 1 FROM documents_document d WHERE d.id = {} AND d.sealed_at IS NOT NULL)"

SQLITE_CREATE = [
    "CREATE TABLE documents_dbguard (id INTEGER PRIMARY KEY, armed INTEGER NOT NULL)",
    "INSERT INTO documents_dbguard (id, armed) VALUES (1, 1)",
    f"""CREATE TRIGGER documents_guard_document_update BEFORE UPDATE ON documents_document
    FOR EACH ROW WHEN OLD.sealed_at IS NOT NULL AND {ARMED} AND (
        {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)}
        OR NEW.status NOT IN {AFTER_SEALING})
    BEGIN SELECT RAISE(ABORT, '{MSG_CONTENT}'); END""",
    f"""CREATE TRIGGER documents_guard_document_delete BEFORE DELETE ON documents_document
    FOR EACH ROW WHEN OLD.sealed_at IS NOT NULL AND {ARMED}
    BEGIN SELECT RAISE(ABORT, '{MSG_DELETE}'); END""",
    f"""CREATE TRIGGER documents_guard_package_update BEFORE UPDATE ON documents_sealedpackage
    FOR EACH ROW WHEN {ARMED} BEGIN SELECT RAISE(ABORT, '{MSG_PACKAGE}'); END""",
    f"""CREATE TRIGGER documents_guard_package_delete BEFORE DELETE ON documents_sealedpackage
    FOR EACH ROW WHEN {ARMED} BEGIN SELECT RAISE(ABORT, '{MSG_PACKAGE}'); END""",
    f"""CREATE TRIGGER documents_guard_attachment_insert
    BEFORE INSERT ON documents_documentattachment
    FOR EACH ROW WHEN {ARMED} AND {SEALED_DOC.format("NEW.document_id")}
    BEGIN SELECT RAISE(ABORT, '{MSG_ATTACHMENT}'); END""",
    f"""CREATE TRIGGER documents_guard_attachment_update
    BEFORE UPDATE ON documents_documentattachment
    FOR EACH ROW WHEN {ARMED} AND ({SEALED_DOC.format("OLD.document_id")}
        OR {SEALED_DOC.format("NEW.document_id")})
    BEGIN SELECT RAISE(ABORT, '{MSG_ATTACHMENT}'); END""",
    f"""CREATE TRIGGER documents_guard_attachment_delete
    BEFORE DELETE ON documents_documentattachment
    FOR EACH ROW WHEN {ARMED} AND {SEALED_DOC.format("OLD.document_id")}
    BEGIN SELECT RAISE(ABORT, '{MSG_ATTACHMENT}'); END""",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS documents_guard_{name}" for name in (
        "document_update", "document_delete", "package_update", "package_delete",
        "attachment_insert", "attachment_update", "attachment_delete")),
    "DROP TABLE IF EXISTS documents_dbguard",
]

_RAISE = "RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = '{}'"
_NEW = ", ".join(f"NEW.{c}" for c in FROZEN)
_OLD = ", ".join(f"OLD.{c}" for c in FROZEN)
PG_SEALED = "EXISTS (SELECT 1 FROM documents_document d WHERE d.id = {} AND d.sealed_at IS NOT NULL)"

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION documents_guard_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.sealed_at IS NULL THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'DELETE' THEN {_RAISE.format(MSG_DELETE)}; END IF;
        IF ROW({_NEW}) IS DISTINCT FROM ROW({_OLD})
                OR NEW.status NOT IN {AFTER_SEALING} THEN
            {_RAISE.format(MSG_CONTENT)};
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER documents_guard_document BEFORE UPDATE OR DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_guard_document()""",
    f"""CREATE OR REPLACE FUNCTION documents_guard_package() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN {_RAISE.format(MSG_PACKAGE)}; END $$""",
    """CREATE TRIGGER documents_guard_package BEFORE UPDATE OR DELETE
    ON documents_sealedpackage FOR EACH ROW EXECUTE FUNCTION documents_guard_package()""",
    f"""CREATE OR REPLACE FUNCTION documents_guard_attachment() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP IN ('UPDATE', 'DELETE') AND {PG_SEALED.format("OLD.document_id")})
                OR (TG_OP IN ('INSERT', 'UPDATE') AND {PG_SEALED.format("NEW.document_id")}) THEN
            {_RAISE.format(MSG_ATTACHMENT)};
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$""",
    """CREATE TRIGGER documents_guard_attachment BEFORE INSERT OR UPDATE OR DELETE
    ON documents_documentattachment FOR EACH ROW EXECUTE FUNCTION documents_guard_attachment()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS documents_guard_document ON documents_document",
    "DROP TRIGGER IF EXISTS documents_guard_package ON documents_sealedpackage",
    "DROP TRIGGER IF EXISTS documents_guard_attachment ON documents_documentattachment",
    "DROP FUNCTION IF EXISTS documents_guard_document()",
    "DROP FUNCTION IF EXISTS documents_guard_package()",
    "DROP FUNCTION IF EXISTS documents_guard_attachment()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, index: int) -> None:
    found = STATEMENTS.get(schema_editor.connection.vendor)
    if found is None:
        raise RuntimeError(f"no sealed-document guards for {schema_editor.connection.vendor}")
    for statement in found[index]:
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def drop(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
