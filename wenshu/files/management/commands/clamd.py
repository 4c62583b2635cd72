"""`manage.py clamd start|stop|status|reload`: the project's own virus scanner (clamd).

`start` (run by `make clamd` and `make run`) is idempotent: when clamd already answers on
settings.CLAMD_SOCKET it does nothing; otherwise it writes var/clamav/clamd.conf and starts
clamd in the background. Signatures come from /var/lib/clamav when it holds real databases
(main/daily .cvd/.cld, copied there by the administrator on a closed network); otherwise only
a generated EICAR test signature is loaded, with a warning.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wenshu.lib import scan

START_TIMEOUT = 90.0  # seconds: loading the full official databases takes a while


def clamav_home() -> Path:
    return Path(settings.VAR_DIR) / "clamav"


class Command(BaseCommand):
    help = (
        "本项目的病毒扫描服务 clamd：start 启动（已在运行则不动）、stop 停止、status 状态、"
        "reload 重新加载病毒库。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status", "reload"])

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")()

    # --- start ----------------------------------------------------------------------------

    def do_start(self) -> None:
        address = settings.CLAMD_SOCKET
        if scan.ping(address):
            self.stdout.write(f"clamd 已在运行：{address}（{scan.engine_version(address)}）")
            return
        if not address or address.startswith("tcp://"):
            raise CommandError(
                f"WENSHU_CLAMD_SOCKET={address!r} 不是本机 unix socket，本命令无法启动它；"
                "请检查该地址上的 clamd。"
            )
        binary = scan.clamd_binary()
        if binary is None:
            raise CommandError(
                "未安装 clamd。请运行 make install（或 sudo apt-get install -y "
                "clamav clamav-daemon）后重试。"
            )
        home = clamav_home()
        home.mkdir(parents=True, exist_ok=True)
        self._wait_for_running(home, address)
        if scan.ping(address):
            return
        conf = self._write_config(home, Path(address))
        self._launch(binary, conf, home, address)

    def _database_dir(self, home: Path) -> Path:
        system = scan.system_database_dir()
        if system is not None:
            return system
        path = scan.write_test_database(home / "db")
        self.stderr.write(
            self.style.WARNING(
                f"警告：{scan.SYSTEM_DATABASE_DIR} 中没有正式病毒库（main.cvd / daily.cvd），"
                f"只加载了 EICAR 测试特征（{path}）。这只能识别标准测试文件，不能防范真实病毒；"
                "生产环境请按 docs/parts/files.md 导入病毒库。"
            )
        )
        return path.parent

    def _write_config(self, home: Path, sock: Path) -> Path:
        sock.parent.mkdir(parents=True, exist_ok=True)
        conf = home / "clamd.conf"
        conf.write_text(
            scan.clamd_config(
                socket_path=sock.resolve(),
                database_dir=self._database_dir(home),
                max_bytes=settings.UPLOAD_MAX_BYTES,
                log_file=(home / "clamd.log").resolve(),
                pid_file=(home / "clamd.pid").resolve(),
                foreground=False,
            )
        )
        return conf

    def _wait_for_running(self, home: Path, address: str) -> None:
        """A clamd we started earlier may still be loading its databases: give it time."""
        pid = _our_pid(home)
        if pid is not None and not scan.wait_until_answering(address, timeout=START_TIMEOUT):
            raise CommandError(
                f"clamd（进程 {pid}）在运行但不响应；请先运行 python manage.py clamd stop 再启动。"
            )

    def _launch(self, binary: str, conf: Path, home: Path, address: str) -> None:
        with open(home / "clamd.start.log", "wb") as out:
            # Without Foreground, clamd loads the databases, forks into the background and exits.
            done = subprocess.run(  # noqa: S603 (fixed binary, our own config)
                [binary, "-c", str(conf)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=START_TIMEOUT,
                check=False,
            )
        if done.returncode != 0 or not scan.wait_until_answering(address, timeout=START_TIMEOUT):
            log = (home / "clamd.start.log").read_text(errors="replace")[-1500:]
            raise CommandError(f"clamd 启动失败（配置 {conf}，日志 {home / 'clamd.log'}）：\n{log}")
        self.stdout.write(
            self.style.SUCCESS(
                f"clamd 已启动：{address}（{scan.engine_version(address)}），配置 {conf}"
            )
        )

    # --- stop, status, reload -------------------------------------------------------------

    def do_stop(self) -> None:
        home = clamav_home()
        pid = _our_pid(home)
        if pid is None:
            self.stdout.write("没有由本项目启动的 clamd 在运行。")
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        (home / "clamd.pid").unlink(missing_ok=True)
        self.stdout.write(f"clamd（进程 {pid}）已停止。")

    def do_status(self) -> None:
        address = settings.CLAMD_SOCKET
        if not scan.ping(address):
            raise CommandError(f"clamd 未响应：{address or '（未设置 WENSHU_CLAMD_SOCKET）'}")
        self.stdout.write(f"clamd 正常：{address}（{scan.engine_version(address)}）")

    def do_reload(self) -> None:
        try:
            reply = scan.reload_databases(settings.CLAMD_SOCKET)
        except scan.ScanUnavailable as exc:
            raise CommandError(f"clamd 未响应，无法重新加载病毒库：{exc}") from exc
        self.stdout.write(f"clamd 正在重新加载病毒库（{reply}）。")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"  # a zombie has exited
    except OSError:
        return False


def _our_pid(home: Path) -> int | None:
    """The pid in our PidFile when that process is alive and is a clamd (pids get reused)."""
    try:
        pid = int((home / "clamd.pid").read_text().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
    except (OSError, ValueError):
        return None
    return pid if b"clamd" in cmdline and _alive(pid) else None
