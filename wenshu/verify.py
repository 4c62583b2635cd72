"""Verify an exchange package (交换包) offline: ``python -m wenshu.verify PACKAGE.zip``.

Needs no database and no Django — only the package and, to know the seal is genuine, the
certificate of the city seal-making authority (``--trust maker.pem``). Exit status: 0 the
package is valid, 1 it is not, 2 a usage error or a file that cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from asn1crypto import pem

from wenshu.lib import gm, sm2cert
from wenshu.lib.package import (
    DEFAULT_LIMITS,
    MAKER_EMBEDDED,
    MAKER_TRUSTED,
    PackageVerdict,
    verify_package,
)

__all__ = ["EXIT_INVALID", "EXIT_USAGE", "EXIT_VALID", "main"]

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
_BEIJING = dt.timezone(dt.timedelta(hours=8))
_MAX_CERT_BYTES = 1024 * 1024
_OS_ERRORS = {
    FileNotFoundError: "文件不存在",
    IsADirectoryError: "这是一个目录",
    PermissionError: "没有读取权限",
}
_MAKER_SOURCES = {
    MAKER_TRUSTED: "受信任（与 --trust 指定的证书一致）",
    MAKER_EMBEDDED: "仅使用印章内自带的证书（未指定 --trust）",
}


class UsageError(Exception):
    """Bad arguments or an unreadable file: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m wenshu.verify",
        description="离线校验文枢电子公文交换包（签章、印章和每个文件的 SM3）。",
        epilog="退出码：0 有效，1 无效，2 用法错误或文件无法读取。",
    )
    parser.add_argument("package", metavar="PACKAGE.zip", help="要校验的交换包")
    parser.add_argument(
        "--trust",
        metavar="MAKER_CERT",
        action="append",
        default=[],
        help="受信任的制章机构证书（DER 或 PEM，可多次指定）",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结论（英文字段名）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    args = _parser().parse_args(argv)
    try:
        data = _read_package(Path(args.package))
        trusted = [cert for path in args.trust for cert in _read_certs(Path(path))]
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    verdict = verify_package(data, trusted_maker_certs=trusted)
    if args.json:
        print(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(verdict, args.package))
    return EXIT_VALID if verdict.ok else EXIT_INVALID


def _read_package(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            # One byte over the limit is enough for the verdict to say it is too large.
            return stream.read(DEFAULT_LIMITS.max_total_bytes + 1)
    except OSError as exc:
        raise UsageError(f"无法读取交换包 {path}：{_why(exc)}") from exc


def _why(exc: OSError) -> str:
    return _OS_ERRORS.get(type(exc), exc.strerror or str(exc))


def _read_certs(path: Path) -> list[bytes]:
    try:
        with path.open("rb") as stream:
            raw = stream.read(_MAX_CERT_BYTES)
    except OSError as exc:
        raise UsageError(f"无法读取证书文件 {path}：{_why(exc)}") from exc
    try:
        ders = [der for _, _, der in pem.unarmor(raw, multiple=True)] if pem.detect(raw) else [raw]
        for der in ders:
            sm2cert.load_cert(der)
    except (ValueError, gm.GmError) as exc:
        raise UsageError(f"证书文件 {path} 不是有效的 SM2 证书（DER 或 PEM）") from exc
    if not ders:
        raise UsageError(f"证书文件 {path} 中没有证书")
    return ders


def render(verdict: PackageVerdict, path: str) -> str:
    """The verdict as a clerk reads it, in Chinese."""
    lines = [f"交换包：{path}", f"结论：{'有效' if verdict.ok else '无效'}"]
    lines += [f"{label}：{value}" for label, value in _facts(verdict) if value]
    if verdict.members:
        lines.append("文件：")
        for member in verdict.members:
            mark = "一致" if member.ok else "不符"
            lines.append(f"  [{mark}] {member.name}（{member.size} 字节）SM3 {member.sm3}")
    if verdict.reasons:
        lines.append("问题：")
        lines += [f"  {number}. {reason}" for number, reason in enumerate(verdict.reasons, 1)]
    if verdict.warnings:
        lines.append("提示：")
        lines += [f"  - {warning}" for warning in verdict.warnings]
    return "\n".join(lines)


def _facts(verdict: PackageVerdict) -> list[tuple[str, str | None]]:
    seal = verdict.seal_name
    if seal and verdict.seal_es_id:
        seal = f"{seal}（印章编码 {verdict.seal_es_id}）"
    return [
        ("格式", verdict.format),
        ("发文字号", verdict.doc_number),
        ("标题", verdict.title),
        ("发文单位", verdict.sender),
        ("成文日期", verdict.issue_date),
        ("签章时间", _beijing(verdict.signing_time)),
        ("印章", seal),
        ("签章人证书", verdict.signer),
        ("制章者证书", verdict.maker),
        ("制章证书来源", _maker_source(verdict.maker_cert_source)),
        ("签名摘要（SM3）", verdict.digest),
    ]


def _maker_source(source: str | None) -> str | None:
    if source is None:
        return None
    return _MAKER_SOURCES.get(source, "不在受信任证书之列（与 --trust 指定的证书都不一致）")


def _beijing(iso: str | None) -> str | None:
    if not iso:
        return None
    moment = dt.datetime.fromisoformat(iso).astimezone(_BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M:%S（北京时间）")


if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # a console without CJK glyphs
    sys.exit(main())
