"""`manage.py clamd` (what `make clamd` runs) starts one clamd, leaves a running one alone,
and stops it. Run against a real clamd in a tmp folder."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenshu.files.management.commands.clamd import Command
from wenshu.lib import scan


@pytest.fixture
def project_var(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.CLAMD_SOCKET = str(tmp_path / "clamav" / "clamd.sock")
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    # No official databases here (and none are loaded even where the system has them).
    monkeypatch.setattr(scan, "SYSTEM_DATABASE_DIR", tmp_path / "no-system-db")
    yield tmp_path
    call_command("clamd", "stop", stdout=io.StringIO())


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("clamd", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_starts_clamd_once_and_stops_it(project_var, settings):
    out, err = run("start")
    assert "clamd 已启动" in out
    assert "只加载了 EICAR 测试特征" in err
    conf = (project_var / "clamav" / "clamd.conf").read_text()
    assert f"LocalSocket {settings.CLAMD_SOCKET}" in conf
    assert "StreamMaxLength 2097152" in conf
    assert f"DatabaseDirectory {project_var / 'clamav' / 'db'}" in conf
    assert (project_var / "clamav" / "db" / "wenshu-test.ndb").exists()
    assert not scan.scan_bytes(scan.eicar_test_file()).clean

    out, _ = run("start")
    assert "clamd 已在运行" in out
    assert "clamd 正常" in run("status")[0]
    assert "重新加载病毒库" in run("reload")[0]

    assert "已停止" in run("stop")[0]
    assert not scan.ping()
    with pytest.raises(CommandError, match="clamd 未响应"):
        run("status")
    assert "没有由本项目启动的 clamd" in run("stop")[0]


def test_it_points_clamd_at_the_system_databases_when_present(project_var, monkeypatch):
    system = project_var / "system-db"
    system.mkdir()
    (system / "main.cvd").write_bytes(b"")
    monkeypatch.setattr(scan, "SYSTEM_DATABASE_DIR", system)
    err = io.StringIO()
    command = Command(stdout=io.StringIO(), stderr=err)
    assert command._database_dir(project_var / "clamav") == system
    assert err.getvalue() == ""
    assert not (project_var / "clamav" / "db").exists()


def test_it_refuses_to_start_a_tcp_address(settings):
    settings.CLAMD_SOCKET = "tcp://127.0.0.1:1"
    with pytest.raises(CommandError, match="不是本机 unix socket"):
        run("start")
