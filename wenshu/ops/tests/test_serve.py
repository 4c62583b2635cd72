"""`manage.py serve` for real: gunicorn and the Huey consumer as child processes.

Each test runs the command in its own var/ folder on SQLite (whatever database the suite
itself uses), so it never touches another run's data or task queue.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local URL)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One migrated var/ folder for the module: each test starts its own server on it."""
    var = tmp_path_factory.mktemp("serve-var")
    drop = {"WENSHU_REDIS_URL", "WENSHU_ENV", "WENSHU_TASKS_IMMEDIATE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(WENSHU_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}")
    subprocess.run([sys.executable, MANAGE, "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, MANAGE, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # generous: CI machines can be very busy
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _get(base + "/healthz")[0] == 200 and len(_children(proc.pid)) == 2:
                break
        except OSError:
            pass
        time.sleep(0.2)
    yield proc, base
    if proc.poll() is None:
        children = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            for pid in [*children, proc.pid]:
                os.kill(pid, signal.SIGKILL)
            proc.wait()


def test_it_serves_health_login_page_and_static_files(server):
    _, base = server
    status, body = _get(base + "/healthz")
    assert status == 200 and b'"status": "ok"' in body
    status, body = _get(base + "/accounts/login/")
    assert status == 200 and "登录".encode() in body
    assert _get(base + "/static/web/wenshu.css")[0] == 200


def test_it_stops_both_children_on_sigterm(server):
    proc, _ = server
    children = _children(proc.pid)
    assert len(children) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    assert not any(_alive(pid) for pid in children)


def test_it_stops_both_children_on_sigint(server):
    proc, _ = server
    children = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=40) == 0
    assert not any(_alive(pid) for pid in children)


@pytest.mark.parametrize(
    ("child", "sig"), [("run_huey", signal.SIGKILL), ("gunicorn", signal.SIGTERM)]
)
def test_it_exits_non_zero_when_a_child_ends(server, child, sig):
    proc, _ = server
    children = _children(proc.pid)
    victim = next(pid for pid in children if child in Path(f"/proc/{pid}/cmdline").read_text())
    os.kill(victim, sig)
    assert proc.wait(timeout=40) != 0
    assert not any(_alive(pid) for pid in children)


def test_it_refuses_a_bad_port(env):
    result = subprocess.run(
        [sys.executable, MANAGE, "serve", "--port", "0"], env=env, capture_output=True, timeout=60
    )
    assert result.returncode != 0
    assert "端口" in result.stderr.decode()
