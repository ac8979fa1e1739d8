"""The operator console in headless Chromium (Debian chromium + chromium-driver; selenium never
downloads anything: the driver path is given and SE_OFFLINE is set)."""
import asyncio
import json
import shutil
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from conftest import poll_until
from live_show import TOKEN, ShowThread
from stream.console import TOKEN_ENV

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
XSS = '<img src=x onerror="window.__xss=1">这个茶多少钱?'

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def browser(monkeypatch):
    if not CHROMEDRIVER.exists() or not Path(CHROMIUM).exists():
        pytest.skip("chromium and chromium-driver are not installed (apt install chromium chromium-driver)")
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


FRAME_STATS = """
const v = document.getElementById('video');
if (!v || v.videoWidth === 0 || v.readyState < 2) return null;
const c = document.createElement('canvas'); c.width = 160; c.height = 90;
const g = c.getContext('2d'); g.drawImage(v, 0, 0, 160, 90);
const d = g.getImageData(0, 0, 160, 90).data;
let sum = 0, sq = 0, n = 0;
for (let i = 0; i < d.length; i += 4) { const y = (d[i] + d[i+1] + d[i+2]) / 3; sum += y; sq += y * y; n++; }
const mean = sum / n; return {width: v.videoWidth, std: Math.sqrt(sq / n - mean * mean)};
"""


def test_console_in_chromium(tmp_path, browser):
    with ShowThread(tmp_path) as running:
        show = running.show
        wait = WebDriverWait(browser, 30)
        browser.get(running.base_url + "/")
        browser.find_element(By.ID, "operator").send_keys("Wang Fang")
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.ID, "enter").click()
        wait.until(lambda d: d.find_element(By.ID, "mode").text == "auto")

        # Live preview over WebRTC: a decoded frame that is not blank.
        stats = wait.until(lambda d: (s := d.execute_script(FRAME_STATS)) and s["std"] > 10 and s)
        assert stats["width"] >= 640

        # Approve before air: the viewer's question (an XSS payload) waits for the operator.
        browser.find_element(By.CSS_SELECTOR, "button[data-mode=approve]").click()
        wait.until(lambda d: d.find_element(By.ID, "mode").text == "approve")

        async def ask_and_wait_for_reply():
            async with connect(show.chat.url) as ws:
                await ws.send(json.dumps({"type": "comment", "user": "u9", "text": XSS}, ensure_ascii=False))
                for _ in range(400):
                    message = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if message.get("type") == "reply":
                        return message
                    if message.get("ok") is True:
                        await asyncio.to_thread(approve_in_browser)
            raise AssertionError("approved reply never went on air")

        def approve_in_browser():
            button = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#proposals button.approve"))[0]
            texts = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#chat .text, #proposals span")]
            assert any('<img src=x onerror="window.__xss=1">' in t for t in texts), texts  # shown as text
            assert browser.find_elements(By.CSS_SELECTOR, "#chat img, #proposals img") == []
            button.click()

        reply = asyncio.run(ask_and_wait_for_reply())
        assert "89" in reply["text"]
        assert browser.execute_script("return window.__xss === undefined")
        wait.until(lambda d: any("approve" in li.text and "Wang Fang" in li.text
                                 for li in d.find_elements(By.CSS_SELECTOR, "#audit li")))

        # Persona switch from the console: the new look and voice go on air.
        Select(browser.find_element(By.ID, "persona-select")).select_by_value("beauty")
        browser.find_element(By.ID, "persona-switch").click()
        wait.until(lambda d: d.find_element(By.ID, "persona").text == "beauty")
        assert show.producer.persona.persona_id == "beauty"

        # Emergency stop: the holding card goes on air.
        browser.find_element(By.ID, "stop").click()
        wait.until(lambda d: "STOPPED" in d.find_element(By.ID, "onair").text)
        assert show.holding
        poll_until(lambda: show.producer.director.stopped, 10, "director stopped")
