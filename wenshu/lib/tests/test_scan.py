"""The clamd client against a real clamd (the session's private one, EICAR test database)."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest

from wenshu.lib import scan

REPO = Path(__file__).resolve().parents[3]


def eicar() -> bytes:
    # Two halves, so that no file of the repository holds the test string itself.
    head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-"
    tail = "ANTIVIRUS-TEST-FILE!$H+H*"
    return (head + tail).encode("ascii")


def test_it_passes_a_clean_file(clamd_socket):
    result = scan.scan_bytes("关于印发办公自动化管理办法的通知".encode(), socket_path=clamd_socket)
    assert result == scan.ScanResult(clean=True, signature=None)


def test_it_detects_the_eicar_test_file(clamd_socket):
    result = scan.scan_bytes(eicar(), socket_path=clamd_socket)
    assert not result.clean
    assert result.signature is not None
    assert result.signature.startswith("Eicar-Test-Signature")
    assert not result.limits_exceeded


def test_the_module_builds_the_same_eicar_file_as_the_test():
    assert scan.eicar_test_file() == eicar()
    assert len(eicar()) == 68


def test_it_finds_eicar_inside_a_zip_archive(clamd_socket):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("附件/说明.txt", "正常文字")
        archive.writestr("附件/test.com", eicar())
    result = scan.scan_bytes(buffer.getvalue(), socket_path=clamd_socket)
    assert not result.clean


def test_it_scans_a_file_object_in_chunks(clamd_socket):
    body = b"a" * (3 * scan.CHUNK + 17) + eicar()
    assert not scan.scan_stream(io.BytesIO(body), socket_path=clamd_socket).clean
    assert scan.scan_stream(io.BytesIO(b"a" * (3 * scan.CHUNK)), socket_path=clamd_socket).clean


def test_it_reads_the_socket_from_settings(clamd_socket, settings):
    assert clamd_socket == settings.CLAMD_SOCKET
    assert not scan.scan_bytes(eicar()).clean


def test_it_raises_unavailable_when_no_socket_exists(tmp_path):
    with pytest.raises(scan.ScanUnavailable):
        scan.scan_bytes(b"hello", socket_path=str(tmp_path / "nothing.sock"))


def test_it_raises_unavailable_when_nothing_listens_on_the_socket(tmp_path):
    path = str(tmp_path / "dead.sock")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)  # bound but never listening: connections are refused
    try:
        with pytest.raises(scan.ScanUnavailable):
            scan.scan_bytes(b"hello", socket_path=path)
    finally:
        dead.close()


def test_it_raises_unavailable_when_no_address_is_configured():
    with pytest.raises(scan.ScanUnavailable):
        scan.scan_bytes(b"hello", socket_path="")
    assert scan.ping("") is False


def test_it_raises_too_large_past_the_stream_limit(clamd_socket, settings):
    with pytest.raises(scan.ScanTooLarge):
        scan.scan_bytes(b"\0" * (settings.UPLOAD_MAX_BYTES + 1), socket_path=clamd_socket)


def test_a_file_of_exactly_the_upload_limit_is_scanned(clamd_socket, settings):
    assert scan.scan_bytes(b"\0" * settings.UPLOAD_MAX_BYTES, socket_path=clamd_socket).clean


def test_it_answers_ping_and_version(clamd_socket):
    assert scan.ping(clamd_socket)
    assert scan.engine_version(clamd_socket).startswith("ClamAV ")


def test_a_private_clamd_stops_when_its_block_ends(tmp_path):
    with scan.private_clamd(tmp_path, max_bytes=1024 * 1024) as path:
        assert scan.ping(path)
        with pytest.raises(scan.ScanTooLarge):
            scan.scan_bytes(b"x" * (1024 * 1024 + 1), socket_path=path)
    assert not scan.ping(path)


def test_the_config_has_a_local_socket_only_and_our_limits(tmp_path):
    text = scan.clamd_config(
        socket_path=tmp_path / "c.sock",
        database_dir=tmp_path / "db",
        max_bytes=5_000_000,
        log_file=tmp_path / "c.log",
        pid_file=tmp_path / "c.pid",
    )
    assert f"LocalSocket {tmp_path / 'c.sock'}" in text
    assert "StreamMaxLength 5000000" in text
    assert "TCPSocket" not in text and "TCPAddr" not in text
    assert "Foreground no" in text and f"PidFile {tmp_path / 'c.pid'}" in text
    assert "AlertExceedsMax yes" in text


def test_system_databases_are_used_only_when_present(tmp_path):
    assert scan.system_database_dir(tmp_path) is None
    assert scan.system_database_dir(tmp_path / "missing") is None
    (tmp_path / "daily.cvd").write_bytes(b"")
    assert scan.system_database_dir(tmp_path) == tmp_path


def test_the_test_database_holds_only_the_eicar_signature(tmp_path):
    path = scan.write_test_database(tmp_path)
    assert path.name == "wenshu-test.ndb"
    assert path.read_text() == f"Eicar-Test-Signature:0:*:{eicar().hex()}\n"


def test_no_file_of_the_repository_contains_the_eicar_string():
    needle = eicar()
    offenders = []
    for folder in ("wenshu", "config", "docs", "bench"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and needle in path.read_bytes():
                offenders.append(str(path))
    for name in ("conftest.py", "Makefile", "README.md"):
        path = REPO / name
        if path.exists() and needle in path.read_bytes():
            offenders.append(name)
    assert offenders == []
