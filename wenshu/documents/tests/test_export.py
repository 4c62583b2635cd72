"""export_packages writes one package per sent document; `python -m wenshu.verify` accepts
each, and rejects it once any single byte of any member is changed."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wenshu.documents import services
from wenshu.documents.tests.conftest import to_sealed
from wenshu.seals.models import SealMaker
from wenshu.verify import main as verify_main

pytestmark = pytest.mark.django_db


def send(city, cast, **overrides):
    doc = to_sealed(cast, departments=False, **overrides)
    services.document_mark_sent(actor=city.a_clerk, document=doc, sent_at=timezone.now())
    doc.refresh_from_db()
    return doc


def verify_cli(path: Path, trust: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wenshu.verify", str(path), "--trust", str(trust)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def with_member_changed(data: bytes, name: str, offset: int) -> bytes:
    """The package with one byte of one member flipped, re-zipped (valid ZIP, wrong bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = bytearray(src.read(info))
            if info.filename == name:
                content[offset % len(content)] ^= 0x01
            dst.writestr(info, bytes(content))
    return out.getvalue()


def test_every_exported_package_verifies_and_any_changed_byte_is_caught(city, cast, tmp_path):
    first = send(city, cast)
    second = send(city, cast, title="关于开展2026年度财政资金绩效评价的通知")
    to_sealed(cast, departments=False, title="已用印未发出的公文")  # not SENT: not exported
    out = tmp_path / "archive"
    call_command("export_packages", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([f"{first.doc_number}.zip", f"{second.doc_number}.zip"])
    trust = tmp_path / "maker.der"
    trust.write_bytes(bytes(SealMaker.objects.get(is_current=True).cert_der))
    for name in files:
        result = verify_cli(out / name, trust)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "结论：有效" in result.stdout

    data = (out / files[0]).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info.filename for info in archive.infolist()]
    assert {
        "manifest.json",
        "document.json",
        "document.pdf",
        "seal.der",
        "signature.der",
        "body/正文.txt",
    } <= set(members)
    for index, name in enumerate(members):
        bad = tmp_path / f"bad-{index}.zip"
        bad.write_bytes(with_member_changed(data, name, offset=index * 7 + 3))
        assert verify_main([str(bad), "--trust", str(trust)]) == 1, name
    bad = tmp_path / "bad-cli.zip"
    bad.write_bytes(with_member_changed(data, "document.pdf", offset=100))
    result = verify_cli(bad, trust)
    assert result.returncode == 1 and "结论：无效" in result.stdout


def test_since_filters_by_send_date_and_a_second_run_writes_nothing_new(city, cast, tmp_path):
    send(city, cast)
    call_command("export_packages", str(tmp_path), "--since", "2999-01-01")
    assert list(tmp_path.iterdir()) == []
    call_command("export_packages", str(tmp_path))
    call_command("export_packages", str(tmp_path))
    assert len(list(tmp_path.iterdir())) == 1
    with pytest.raises(CommandError, match="日期"):
        call_command("export_packages", str(tmp_path), "--since", "昨天")
