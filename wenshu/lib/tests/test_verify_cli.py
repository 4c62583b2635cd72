"""``python -m wenshu.verify``: exit codes, Chinese and JSON output, and no Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import pem

import wenshu
from wenshu.lib.tests import package_samples as samples

REPO = Path(wenshu.__file__).resolve().parent.parent


@dataclass(frozen=True)
class Files:
    folder: Path
    package: Path
    maker_der: Path
    maker_pem: Path
    other_maker: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    folder = tmp_path_factory.mktemp("packages")
    sample = samples.make_sample(real_pdf=False)
    paths = Files(
        folder,
        folder / "某财〔2026〕12号.zip",
        folder / "maker.der",
        folder / "maker.pem",
        folder / "other.der",
    )
    paths.package.write_bytes(sample.data)
    paths.maker_der.write_bytes(sample.maker.cert_der)
    paths.maker_pem.write_bytes(pem.armor("CERTIFICATE", sample.maker.cert_der))
    paths.other_maker.write_bytes(samples.make_maker().cert_der)
    return paths


def _run(
    *args: str | Path, cwd: Path, python_options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *python_options, "-m", "wenshu.verify", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def _tampered(files: Files) -> Path:
    data = bytearray(files.package.read_bytes())
    name = samples.attachment_name(2, ".xlsx")
    start, end = samples.content_spans(bytes(data))[name]
    data[(start + end) // 2] ^= 0x01
    path = files.folder / "tampered.zip"
    path.write_bytes(bytes(data))
    return path


def test_it_exits_0_and_prints_the_verdict_in_chinese_for_a_valid_package(files: Files) -> None:
    result = _run(files.package, "--trust", files.maker_der, cwd=files.folder)
    assert result.returncode == 0, result.stderr
    assert "结论：有效" in result.stdout
    assert f"标题：{samples.TITLE}" in result.stdout
    assert f"发文字号：{samples.DOC_NUMBER}" in result.stdout
    assert "签章时间：2026-11-25 09:30:00（北京时间）" in result.stdout
    assert f"印章：{samples.SEAL_NAME}" in result.stdout
    assert "制章证书来源：受信任" in result.stdout
    assert "提示" not in result.stdout


def test_it_reads_a_pem_trusted_certificate(files: Files) -> None:
    result = _run(
        files.package, "--trust", files.other_maker, "--trust", files.maker_pem, cwd=files.folder
    )
    assert result.returncode == 0, result.stdout
    assert "制章证书来源：受信任" in result.stdout


def test_it_exits_0_with_a_warning_when_no_trusted_maker_is_given(files: Files) -> None:
    result = _run(files.package, cwd=files.folder)
    assert result.returncode == 0
    assert "未指定受信任的制章证书，仅校验了包内一致性" in result.stdout


def test_it_exits_1_and_names_the_changed_attachment(files: Files) -> None:
    result = _run(_tampered(files), "--trust", files.maker_der, cwd=files.folder)
    assert result.returncode == 1
    assert "结论：无效" in result.stdout
    assert f"附件 {samples.attachment_name(2, '.xlsx')} 的 SM3 与清单不符" in result.stdout


def test_it_exits_1_for_a_seal_from_an_untrusted_maker(files: Files) -> None:
    result = _run(files.package, "--trust", files.other_maker, cwd=files.folder)
    assert result.returncode == 1
    assert "印章制作者证书不受信任" in result.stdout


def test_it_exits_1_for_a_file_that_is_not_a_package(files: Files) -> None:
    path = files.folder / "report.docx"
    path.write_bytes(b"this is not a zip")
    result = _run(path, cwd=files.folder)
    assert result.returncode == 1
    assert "不是有效的 ZIP 交换包" in result.stdout


def test_it_prints_json_with_english_keys(files: Files) -> None:
    result = _run(_tampered(files), "--json", "--trust", files.maker_der, cwd=files.folder)
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is False
    assert verdict["title"] == samples.TITLE
    assert verdict["maker_cert_source"] == "trusted"
    assert any(not member["ok"] for member in verdict["members"])
    ok = json.loads(_run(files.package, "--json", cwd=files.folder).stdout)
    assert ok["ok"] is True and ok["warnings"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "用法错误"),
        (("missing.zip",), "文件不存在"),
        ((".",), "这是一个目录"),
        (("{package}", "--trust", "missing.der"), "无法读取证书文件"),
        (("{package}", "--trust", "{package}"), "不是有效的 SM2 证书"),
        (("{package}", "--no-such-option"), "用法错误"),
    ],
)
def test_it_exits_2_on_usage_errors_and_unreadable_files(
    files: Files, arguments: tuple[str, ...], message: str
) -> None:
    args = [argument.format(package=files.package) for argument in arguments]
    result = _run(*args, cwd=files.folder)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_it_runs_without_importing_django(files: Files) -> None:
    result = _run(files.package, cwd=files.folder, python_options=("-X", "importtime"))
    assert result.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "wenshu.lib.package" in imported  # the import log is really there
    assert [name for name in imported if name.split(".")[0] == "django"] == []


def test_its_module_leaves_django_out_of_sys_modules(files: Files) -> None:
    code = (
        "import sys, wenshu.verify as v; code = v.main([sys.argv[1], '--json']); "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "sys.exit(code)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(files.package)],
        capture_output=True,
        text=True,
        cwd=files.folder,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
