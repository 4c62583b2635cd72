"""The storage setting: local by default; s3 only with django-storages installed and a bucket;
anything else stops start-up with a clear message."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def _load(**env: str) -> subprocess.CompletedProcess[str]:
    code = "import config.settings as s; print(s.STORAGES['default']['BACKEND'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "WENSHU_TESTING": "1", **env},
        timeout=60,
        check=False,
    )


def test_local_storage_is_the_default():
    assert settings.STORAGE_BACKEND == "local"
    loaded = _load()
    assert loaded.returncode == 0 and "FileSystemStorage" in loaded.stdout


def test_an_unknown_storage_stops_start_up():
    loaded = _load(WENSHU_STORAGE="ftp")
    assert loaded.returncode != 0 and "WENSHU_STORAGE must be local or s3" in loaded.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("storages") is not None, reason="django-storages is installed here"
)
def test_s3_without_django_storages_says_what_to_install():
    loaded = _load(WENSHU_STORAGE="s3", WENSHU_S3_BUCKET="wenshu")
    assert loaded.returncode != 0 and "django-storages" in loaded.stderr
