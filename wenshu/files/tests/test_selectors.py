"""An upload is found only by the person who uploaded it (anyone else: 404)."""

from __future__ import annotations

import pytest

from wenshu.files.selectors import upload_get_own, uploads_of
from wenshu.files.services import file_ingest
from wenshu.lib.errors import NotFound

pytestmark = pytest.mark.usefixtures("clamd_socket")


@pytest.fixture
def upload(city):
    return file_ingest(actor=city.a_clerk, name="a.txt", data_or_fileobj=b"text of a")


def test_the_uploader_gets_their_upload(city, upload):
    assert upload_get_own(viewer=city.a_clerk, upload_id=upload.pk) == upload
    assert list(uploads_of(viewer=city.a_clerk)) == [upload]


@pytest.mark.parametrize("who", ["b_clerk", "a_staff", "a_admin"])
def test_anyone_else_gets_a_404(city, upload, who):
    with pytest.raises(NotFound):
        upload_get_own(viewer=getattr(city, who), upload_id=upload.pk)
    assert list(uploads_of(viewer=getattr(city, who))) == []


def test_an_unknown_id_is_a_404(city):
    with pytest.raises(NotFound):
        upload_get_own(viewer=city.a_clerk, upload_id=999999)
