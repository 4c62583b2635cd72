"""bench/run.py: runs each script, repeats its ratio lines, fails when a script fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

RUNNER = Path(settings.BASE_DIR) / "bench" / "run.py"


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("bench_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_runner"] = module
    spec.loader.exec_module(module)
    return module


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_it_repeats_ratio_lines_and_reports_success(runner, tmp_path):
    script = _script(
        tmp_path,
        "bench_ok.py",
        "print('setup done')\nprint('ratio sign/verify: 1.07')\nprint('比值：批量/逐条 = 15.5')\n",
    )
    outcome = runner.run_one(script, timeout=60)
    assert outcome.code == 0
    assert outcome.ratios == ["ratio sign/verify: 1.07", "比值：批量/逐条 = 15.5"]
    assert "ok   bench_ok.py" in runner.summary([outcome])


def test_each_script_gets_its_own_empty_var_folder(runner, tmp_path):
    script = _script(
        tmp_path,
        "bench_env.py",
        (
            "import os, pathlib\n"
            "d = pathlib.Path(os.environ['WENSHU_VAR_DIR'])\n"
            "print('ratio empty:', int(not any(d.iterdir())))\n"
        ),
    )
    assert runner.run_one(script, timeout=60).ratios == ["ratio empty: 1"]


def test_a_failing_or_hanging_script_fails_the_run(runner, tmp_path):
    bad = runner.run_one(_script(tmp_path, "bench_bad.py", "raise SystemExit(3)\n"), timeout=60)
    slow = runner.run_one(
        _script(tmp_path, "bench_slow.py", "import time; time.sleep(60)\n"), timeout=1
    )
    assert bad.code == 3 and slow.code != 0 and slow.seconds < 30
    text = runner.summary([bad, slow])
    assert "FAIL bench_bad.py" in text and "2 benchmark(s), 2 failed" in text


def test_the_repository_scripts_are_found_and_filtered(runner):
    found = runner.scripts([])
    assert all(p.name.startswith("bench_") for p in found)
    assert runner.scripts(["no-such-benchmark"]) == []
