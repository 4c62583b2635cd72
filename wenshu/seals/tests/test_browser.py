"""The seal pages in a real browser: a leader signs, custodians approve a use, the clerk seals."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from wenshu.seals import services
from wenshu.seals.models import SealUseRequest
from wenshu.seals.tests.conftest import apply_new
from wenshu.web.testing import button, click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_unit_head_signs_an_application_from_the_workbench(
    city, keepers, live_server, browser_login
):
    app = apply_new(city, keepers, 2)
    b = browser_login(city.a_leader)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待签发印章申请"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, f"#{app.pk}"))
    b.find_element(By.NAME, "opinion").send_keys("同意制作")
    click_and_wait(b, button(b, "同意并签字"), "待市政府办公室审批")
    screenshot(b, "seals-application-signed")
    app.refresh_from_db()
    assert app.status == "signed" and app.leader_opinion == "同意制作"


def test_custodians_approve_and_the_clerk_seals(city, keepers, seal, live_server, browser_login):
    req = services.seal_use_request(
        actor=city.a_clerk, seal=seal, digest_hex="3" * 64, purpose="印发通知"
    )
    for keeper in keepers[:2]:
        b = browser_login(keeper)
        b.get(live_server.url + "/workbench/")
        click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待用印审批"))
        click_and_wait(b, b.find_element(By.LINK_TEXT, f"#{req.pk}"))
        click_and_wait(b, button(b, "同意用印"), "审批意见已记录")
    b = browser_login(city.a_clerk)
    b.get(live_server.url + f"/seals/use/{req.pk}/")
    click_and_wait(b, button(b, "用印（电子签章）"), "已用印")
    b.get(live_server.url + f"/seals/{seal.pk}/")
    picture = b.find_element(By.CSS_SELECTOR, "img[alt='印章图片']")
    assert b.execute_script("return arguments[0].naturalWidth", picture) > 0
    screenshot(b, "seals-seal-detail")
    assert SealUseRequest.objects.get(pk=req.pk).status == "used"
