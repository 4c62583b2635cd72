#!/usr/bin/env python
"""Run every bench/bench_*.py in turn and print a summary (`make bench`).

Each script is standalone: it sets Django up itself and prints its own results. A line of
its output that contains "ratio" or "比值" is repeated in the summary, so a script reports
what matters by printing e.g. ``比值：签名 / 验签 = 1.07``. Each script gets an empty var/
folder of its own (its SQLite database, task queue and media); DATABASE_URL and
WENSHU_REDIS_URL are passed through, so the same scripts can measure PostgreSQL and Redis.

    bench/run.py                 # every script
    bench/run.py audit seals     # only scripts whose name contains one of these words
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RATIO_MARKERS = ("ratio", "比值")  # lines repeated in the summary


@dataclass
class Outcome:
    name: str
    code: int
    seconds: float
    ratios: list[str] = field(default_factory=list)


def scripts(words: list[str]) -> list[Path]:
    found = sorted(BENCH_DIR.glob("bench_*.py"))
    return [p for p in found if not words or any(w in p.stem for w in words)]


def run_one(script: Path, timeout: int) -> Outcome:
    print(f"\n=== {script.name}", flush=True)
    started = time.perf_counter()
    ratios: list[str] = []
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as var_dir:
        env = {**os.environ, "WENSHU_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        assert proc.stdout is not None
        for line in proc.stdout:  # stream: a long benchmark shows progress as it goes
            print(line, end="", flush=True)
            if any(marker in line.lower() for marker in RATIO_MARKERS):
                ratios.append(line.strip())
        code = proc.wait()
        watchdog.cancel()
        if code == -signal.SIGKILL:
            print(f"(stopped after {timeout} s)")
    return Outcome(script.name, code, time.perf_counter() - started, ratios)


def summary(outcomes: list[Outcome]) -> str:
    lines = ["", "=== summary"]
    for o in outcomes:
        lines.append(f"{'ok  ' if o.code == 0 else 'FAIL'} {o.name} ({o.seconds:.1f} s)")
        lines += [f"       {r}" for r in o.ratios]
    failed = sum(o.code != 0 for o in outcomes)
    lines.append(f"{len(outcomes)} benchmark(s), {failed} failed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="*", help="run only scripts whose name contains one")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per script")
    args = parser.parse_args(argv)
    found = scripts(args.words)
    if not found:
        print("no bench/bench_*.py scripts to run")
        return 0
    outcomes = [run_one(script, args.timeout) for script in found]
    print(summary(outcomes))
    return 1 if any(o.code != 0 for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
