"""`manage.py serve`: the web server (gunicorn) and the task consumer (Huey) as one command.

Both run as child processes in their own process groups, so a Ctrl-C reaches only this
supervisor, which then stops both gracefully (a second signal kills them). When either
child dies on its own the other is stopped too and the command exits non-zero: a half-up
system (pages without background work, or the reverse) must not look healthy.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Seconds each child gets to finish work in flight after the stop signal before it is killed.
GRACE_SECONDS = 30
POLL_SECONDS = 0.2


def web_command(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--graceful-timeout",
        str(GRACE_SECONDS),
        "--access-logfile",
        "-",
        # The control socket lives in $HOME by default and would collide between instances.
        "--no-control-socket",
    ]


def consumer_command() -> list[str]:
    # TERM as the graceful signal: running tasks finish, no new ones start.
    return [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "run_huey",
        "--graceful-signal",
        "TERM",
        "--shutdown-timeout",
        str(GRACE_SECONDS),
    ]


class Supervisor:
    """Two named children; stop both when asked or when one of them ends."""

    def __init__(self, commands: dict[str, list[str]], cwd: Path) -> None:
        self.commands = commands
        self.cwd = cwd
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.signals_received = 0
        self.signalled: set[str] = set()

    def start(self) -> None:
        if self.signals_received:  # asked to stop before anything started
            return
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(command, cwd=self.cwd, process_group=0)  # noqa: S603

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_received += 1
        self._send(signal.SIGTERM if self.signals_received == 1 else signal.SIGKILL)

    def _send(self, sig: signal.Signals, *, only_new: bool = False) -> None:
        for name, child in self.children.items():
            if child.poll() is None and not (only_new and name in self.signalled):
                child.send_signal(sig)
                self.signalled.add(name)

    def wait(self) -> tuple[str, int]:
        """Block until a child ends (or a signal asks to stop); return who ended and how."""
        while self.children:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            time.sleep(POLL_SECONDS)
        return "", 0

    def stop_all(self) -> None:
        # Once per child: a second TERM would cut Huey's graceful shutdown short.
        self._send(signal.SIGTERM, only_new=True)
        deadline = time.monotonic() + GRACE_SECONDS + 5
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


class Command(BaseCommand):
    help = "启动文枢：gunicorn 网页服务和 Huey 后台任务进程（Ctrl-C 同时停止两者）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536 or options["workers"] < 1:
            raise CommandError("端口须在 1–65535 之间，工作进程数至少为 1")
        if settings.PRODUCTION:
            # The manifest storage needs collected files; it is cheap when nothing changed.
            call_command("collectstatic", interactive=False, verbosity=0)
        supervisor = Supervisor(
            {
                "网页服务（gunicorn）": web_command(
                    host=options["host"], port=options["port"], workers=options["workers"]
                ),
                "后台任务（Huey）": consumer_command(),
            },
            cwd=Path(settings.BASE_DIR),
        )
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, supervisor.on_signal)
        self.stdout.write(
            f"文枢已启动：http://{options['host']}:{options['port']}/ （Ctrl-C 停止）"
        )
        supervisor.start()
        name, code = supervisor.wait()
        stopping = supervisor.signals_received > 0
        supervisor.stop_all()
        if not stopping:
            raise CommandError(f"{name}意外退出（退出码 {code}），已停止全部进程")
