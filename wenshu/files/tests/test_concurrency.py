"""The same content uploaded by several people at the same moment is stored once."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from conftest import make_person, make_unit
from wenshu.files.models import StoredFile, Upload
from wenshu.files.services import file_ingest
from wenshu.files.tests.samples import stored_paths

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clamd_socket"),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to run writers in parallel")


def test_parallel_uploads_of_the_same_content_share_one_stored_file(media):
    unit = make_unit("白银市财政局", "市财政局", "白财")
    people = [make_person(f"clerk{i}", unit, "clerk") for i in range(6)]
    data = "同一份会议材料".encode()
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def upload(person):
        try:
            barrier.wait()
            file_ingest(actor=person, name="材料.txt", data_or_fileobj=data)
        except BaseException as exc:  # reported below: a thread must not swallow it
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=upload, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert StoredFile.objects.count() == 1
    assert Upload.objects.count() == len(people)
    assert len(stored_paths(media)) == 1
