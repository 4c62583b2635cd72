"""Virus scanning through clamd's socket protocol, and running a clamd of our own.

Every uploaded file is streamed to clamd with INSTREAM before it is stored (S1 第四十三条、
第四十四条: no infected document may enter the system). When clamd cannot be reached the
caller must refuse the upload: ``ScanUnavailable`` is never a reason to store a file unscanned.

The address is a unix socket path, or ``tcp://host:port`` for a clamd on another host. With no
address given the functions read ``settings.CLAMD_SOCKET`` (imported lazily, so this module
works without Django).

The second half starts a private clamd (``make clamd`` and the test fixture use it). On a closed
network freshclam cannot run: when the system has no signature databases we load only a
generated EICAR test signature, so the scanner still starts and detects the standard test file.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "ScanError",
    "ScanResult",
    "ScanTooLarge",
    "ScanUnavailable",
    "clamd_binary",
    "clamd_config",
    "eicar_test_file",
    "engine_version",
    "ping",
    "private_clamd",
    "reload_databases",
    "scan_bytes",
    "scan_stream",
    "system_database_dir",
    "wait_until_answering",
    "write_test_database",
]

CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 120.0
SYSTEM_DATABASE_DIR = Path("/var/lib/clamav")
TEST_DATABASE_NAME = "wenshu-test.ndb"
# Detections clamd reports when a file exceeds its scan limits (AlertExceedsMax): the file was
# not fully examined, so it is refused like a detection, with its own message.
LIMITS_PREFIX = "Heuristics.Limits.Exceeded"


class ScanError(Exception):
    """Scanning did not produce a verdict."""


class ScanUnavailable(ScanError):
    """clamd could not be reached or did not answer: refuse the upload, never store it."""


class ScanTooLarge(ScanError):
    """clamd closed the stream because it exceeds its StreamMaxLength."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str | None = None  # e.g. "Eicar-Test-Signature" when not clean

    @property
    def limits_exceeded(self) -> bool:
        """The file was refused because it could not be examined completely."""
        return bool(self.signature and self.signature.startswith(LIMITS_PREFIX))


# --- the client -------------------------------------------------------------------------


def _address(socket_path: str | None) -> str:
    if socket_path is None:
        from django.conf import settings

        socket_path = str(getattr(settings, "CLAMD_SOCKET", "") or "")
    return socket_path


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    try:
        from django.conf import settings

        return float(getattr(settings, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT))
    except Exception:  # Django not configured: the module is used on its own
        return DEFAULT_TIMEOUT


def _connect(address: str, timeout: float) -> socket.socket:
    if not address:
        raise ScanUnavailable("no clamd address configured (WENSHU_CLAMD_SOCKET)")
    try:
        if address.startswith("tcp://"):
            host, _, port = address[len("tcp://") :].rpartition(":")
            return socket.create_connection((host, int(port)), timeout=timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock
    except (OSError, ValueError) as exc:
        raise ScanUnavailable(f"clamd at {address} cannot be reached: {exc}") from exc


def _read_reply(sock: socket.socket) -> str:
    """Read one NUL-terminated reply ('z' commands); '' when clamd closed without one."""
    reply = b""
    while not reply.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _command(command: str, socket_path: str | None, timeout: float) -> str:
    address = _address(socket_path)
    with contextlib.closing(_connect(address, timeout)) as sock:
        try:
            sock.sendall(f"z{command}\0".encode())
            return _read_reply(sock)
        except OSError as exc:
            raise ScanUnavailable(f"clamd at {address} did not answer {command}: {exc}") from exc


def ping(socket_path: str | None = None, *, timeout: float = 2.0) -> bool:
    """Whether clamd answers PING with PONG."""
    try:
        return _command("PING", socket_path, timeout) == "PONG"
    except ScanUnavailable:
        return False


def engine_version(socket_path: str | None = None, *, timeout: float = 5.0) -> str:
    """clamd's VERSION: "ClamAV 1.4.6/27841/<date>" with official databases, "" if unknown."""
    try:
        return _command("VERSION", socket_path, timeout)[:200]
    except ScanUnavailable:
        return ""


def reload_databases(socket_path: str | None = None, *, timeout: float = 5.0) -> str:
    """Ask clamd to reload its signature databases now (after new CVD files were copied in)."""
    return _command("RELOAD", socket_path, timeout)


def scan_bytes(
    data: bytes, *, socket_path: str | None = None, timeout: float | None = None
) -> ScanResult:
    """Scan ``data`` with INSTREAM. Raises ScanUnavailable or ScanTooLarge."""
    return _instream(_chunks_of(data), socket_path, timeout)


def scan_stream(
    fileobj: BinaryIO, *, socket_path: str | None = None, timeout: float | None = None
) -> ScanResult:
    """Scan a readable binary file from its current position, in chunks."""
    return _instream(iter(lambda: fileobj.read(CHUNK), b""), socket_path, timeout)


def _chunks_of(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        yield bytes(view[start : start + CHUNK])


def _instream(
    chunks: Iterator[bytes], socket_path: str | None, timeout: float | None
) -> ScanResult:
    address = _address(socket_path)
    with contextlib.closing(_connect(address, _timeout(timeout))) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
        except OSError as exc:
            # clamd closes the stream when it passes StreamMaxLength; its reply may still be
            # readable. Without one, a clamd that still answers PING refused the size.
            reply = _reply_after_failure(sock)
            if "size limit" in reply or (not reply and ping(address)):
                raise ScanTooLarge(f"clamd refused the stream: {reply or exc}") from exc
            raise ScanUnavailable(f"clamd at {address} dropped the stream: {exc}") from exc
        try:
            reply = _read_reply(sock)
        except OSError as exc:
            raise ScanUnavailable(f"clamd at {address} did not answer: {exc}") from exc
    return _verdict(reply, address)


def _reply_after_failure(sock: socket.socket) -> str:
    try:
        sock.settimeout(2.0)
        return _read_reply(sock)
    except OSError:
        return ""


def _verdict(reply: str, address: str) -> ScanResult:
    # "stream: OK" | "stream: <signature> FOUND" | "<message> ERROR"
    if reply.endswith("FOUND"):
        body = reply.removeprefix("stream:").strip()
        return ScanResult(clean=False, signature=body.removesuffix("FOUND").strip() or "未知")
    if reply == "stream: OK":
        return ScanResult(clean=True)
    if "size limit" in reply:
        raise ScanTooLarge(f"clamd refused the stream: {reply}")
    raise ScanUnavailable(f"clamd at {address} answered {reply!r}")


# --- running a clamd of our own ---------------------------------------------------------


def eicar_test_file() -> bytes:
    """The 68-byte EICAR anti-virus test file, built from two halves so that no file of the
    repository holds it (a scanner walking the checkout must not flag our sources)."""
    head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    tail = "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*"
    return (head + tail).encode("ascii")


def write_test_database(directory: Path) -> Path:
    """Write the EICAR-only signature database (ndb: name:target:offset:hex) into directory."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / TEST_DATABASE_NAME
    path.write_text(f"Eicar-Test-Signature:0:*:{eicar_test_file().hex()}\n", encoding="ascii")
    return path


def system_database_dir(directory: Path | None = None) -> Path | None:
    """The system's signature folder when it holds real databases (main/daily .cvd/.cld)."""
    directory = directory or SYSTEM_DATABASE_DIR
    names = {"main.cvd", "main.cld", "daily.cvd", "daily.cld"}
    try:
        present = {entry.name for entry in directory.iterdir()}
    except OSError:
        return None
    return directory if names & present else None


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(p, os.X_OK)), None
    )


def clamd_config(
    *,
    socket_path: Path,
    database_dir: Path,
    max_bytes: int,
    log_file: Path,
    pid_file: Path | None = None,
    foreground: bool = False,
) -> str:
    """clamd.conf text: a local socket only (no TCP), limits matching our upload limit."""
    lines = [
        "# Written by Wenshu (make clamd / tests); regenerated on each start, do not edit.",
        f"LocalSocket {socket_path}",
        "LocalSocketMode 660",
        f"DatabaseDirectory {database_dir}",
        f"Foreground {'yes' if foreground else 'no'}",
        f"LogFile {log_file}",
        "LogTime yes",
        # INSTREAM beyond our upload limit is closed by clamd (the client raises ScanTooLarge).
        f"StreamMaxLength {max_bytes}",
        # A file clamd cannot examine completely must not pass as clean: report it instead.
        f"MaxFileSize {max(max_bytes, 100 * 1024 * 1024)}",
        f"MaxScanSize {max(4 * max_bytes, 400 * 1024 * 1024)}",
        "AlertExceedsMax yes",
        "SelfCheck 600",
    ]
    if pid_file is not None:
        lines.append(f"PidFile {pid_file}")
    return "\n".join(lines) + "\n"


def wait_until_answering(
    socket_path: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ping(socket_path, timeout=1.0):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def _log_tail(log_file: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def private_clamd(directory: Path, *, max_bytes: int, timeout: float = 10.0) -> Iterator[str]:
    """Run a foreground clamd in ``directory`` with the EICAR test database; yield its socket.

    Stopped (TERM, then KILL) when the block ends. Raises RuntimeError when clamd is missing or
    does not answer within ``timeout`` seconds."""
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError("clamd is not installed (Debian packages clamav clamav-daemon)")
    sock, log = directory / "clamd.sock", directory / "clamd.log"
    conf = directory / "clamd.conf"
    database = write_test_database(directory / "db").parent
    conf.write_text(
        clamd_config(
            socket_path=sock,
            database_dir=database,
            max_bytes=max_bytes,
            log_file=log,
            foreground=True,
        )
    )
    process = subprocess.Popen(  # noqa: S603 (fixed binary, our own config file)
        [binary, "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_death_signal_setter(),
    )
    try:
        if not wait_until_answering(str(sock), timeout=timeout, process=process):
            raise RuntimeError(f"clamd did not answer within {timeout:.0f} s:\n{_log_tail(log)}")
        yield str(sock)
    finally:
        _stop(process)


def _death_signal_setter() -> Callable[[], None] | None:
    """A function for the child to run before exec: Linux then TERMs clamd when its parent
    dies, even by SIGKILL, so a killed test run leaves no clamd behind. prctl is looked up
    here, in the parent: the child only makes the call (nothing that could take a lock)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None  # not Linux: the finally block of private_clamd still stops it

    def set_death_signal() -> None:
        prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG

    return set_death_signal


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
