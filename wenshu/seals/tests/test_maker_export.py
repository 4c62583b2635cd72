import subprocess

import pytest
from django.core.management import call_command

from wenshu.seals.services import seal_maker_init


def test_it_exports_the_maker_certificate_that_the_offline_verifier_accepts(city, tmp_path):
    seal_maker_init(actor=None)
    out = tmp_path / "maker.pem"
    call_command("seals_export_maker_cert", str(out))
    text = out.read_text()
    assert text.startswith("-----BEGIN CERTIFICATE-----")
    # openssl parses it as an X.509 certificate
    result = subprocess.run(
        ["openssl", "x509", "-in", str(out), "-noout", "-subject"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_maker_certificate_page_needs_a_login_and_answers_pem(city, client, login):
    seal_maker_init(actor=None)
    assert client.get("/seals/maker.pem").status_code == 302
    response = login(city.b_staff).get("/seals/maker.pem")
    assert response.status_code == 200
    assert b"BEGIN CERTIFICATE" in response.content


def test_it_refuses_to_export_before_the_maker_exists(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seals_export_maker_cert", str(tmp_path / "x.pem"))
