"""The seal pages in a real browser: a leader signs, custodians approve a use, the clerk seals."""

from __future__ import annotations

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from wenshu.seals import services
from wenshu.seals.models import SealUseRequest
from wenshu.seals.tests.conftest import apply_new

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_unit_head_signs_an_application_from_the_workbench(
    city, keepers, live_server, browser_login
):
    app = apply_new(city, keepers, 2)
    b = browser_login(city.a_leader)
    b.get(live_server.url + "/workbench/")
    b.find_element(By.PARTIAL_LINK_TEXT, "待签发印章申请").click()
    b.find_element(By.LINK_TEXT, f"#{app.pk}").click()
    b.find_element(By.NAME, "opinion").send_keys("同意制作")
    b.find_element(By.XPATH, "//button[normalize-space()='同意并签字']").click()
    WebDriverWait(b, 5).until(
        EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "待市政府办公室审批")
    )
    b.save_screenshot(str(settings.TEST_ARTIFACTS_DIR / "seals-application-signed.png"))
    app.refresh_from_db()
    assert app.status == "signed" and app.leader_opinion == "同意制作"


def test_custodians_approve_and_the_clerk_seals(city, keepers, seal, live_server, browser_login):
    req = services.seal_use_request(
        actor=city.a_clerk, seal=seal, digest_hex="3" * 64, purpose="印发通知"
    )
    for keeper in keepers[:2]:
        b = browser_login(keeper)
        b.get(live_server.url + "/workbench/")
        b.find_element(By.PARTIAL_LINK_TEXT, "待用印审批").click()
        b.find_element(By.LINK_TEXT, f"#{req.pk}").click()
        b.find_element(By.XPATH, "//button[normalize-space()='同意用印']").click()
        WebDriverWait(b, 5).until(
            EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "审批意见已记录")
        )
    b = browser_login(city.a_clerk)
    b.get(live_server.url + f"/seals/use/{req.pk}/")
    b.find_element(By.XPATH, "//button[normalize-space()='用印（电子签章）']").click()
    WebDriverWait(b, 5).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已用印"))
    b.get(live_server.url + f"/seals/{seal.pk}/")
    picture = b.find_element(By.CSS_SELECTOR, "img[alt='印章图片']")
    assert b.execute_script("return arguments[0].naturalWidth", picture) > 0
    b.save_screenshot(str(settings.TEST_ARTIFACTS_DIR / "seals-seal-detail.png"))
    assert SealUseRequest.objects.get(pk=req.pk).status == "used"
