"""Two sends at the same moment: the quota and a draft are counted once (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from conftest import make_person, make_unit
from wenshu.lib.errors import DomainError
from wenshu.messaging.models import Folder, MailboxEntry, MailRecipient, Message
from wenshu.messaging.services import MailContent, mail_draft_save, mail_send
from wenshu.messaging.tests.helpers import to

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
BIG = "甲" * 90_000  # 270,000 bytes


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to run writers in parallel")


def run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # collected: a thread must not swallow it
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.fixture
def people():
    unit = make_unit("白银市财政局", "市财政局", "白财")
    return make_person("sender", unit, "clerk"), make_person("reader", unit, "staff")


def test_two_sends_at_once_cannot_both_squeeze_under_the_quota(people, settings):
    settings.MAIL_QUOTA_MB = 1
    sender, reader = people
    for _ in range(2):
        mail_draft_save(actor=sender, content=MailContent(body=BIG))  # 540,000 of 1,048,576
    content = MailContent(subject="报表", body=BIG, addressing=to(reader))
    errors = run_together([lambda: mail_send(actor=sender, content=content)] * 2)
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "quota_exceeded"
    assert Message.objects.filter(status="sent").count() == 1


def test_a_draft_sent_twice_at_once_is_delivered_once(people):
    sender, reader = people
    content = MailContent(subject="报表", addressing=to(reader))
    draft = mail_draft_save(actor=sender, content=content)
    errors = run_together([lambda: mail_send(actor=sender, content=content, draft_entry=draft)] * 2)
    assert len(errors) == 1 and "已经发出" in str(errors[0])
    assert MailRecipient.objects.count() == 1
    assert MailboxEntry.objects.filter(owner=reader, folder=Folder.INBOX).count() == 1
