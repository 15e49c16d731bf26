"""Browser tests: Playwright driving Debian's chromium (headless) against the real server.

Create a case, upload a phone backup and a screenshot with the drag-and-drop form, see the
findings, answer the interview, download a complaint; screenshots of the main pages (desktop
and phone size) are saved to a temporary folder (``DUNGUARD_SCREENSHOTS=dir`` keeps them).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import render_text_image

from dunguard.demo import write_demo_backup
from dunguard.home import Home
from dunguard.web import create_app
from dunguard.web.app import LOOPBACK_HOSTS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(home: Home) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    app = create_app(home, allowed_hosts=LOOPBACK_HOSTS)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none",
                                        lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    keep = os.environ.get("DUNGUARD_SCREENSHOTS")
    folder = Path(keep) if keep else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium not installed (make test installs it from system-packages-test.txt)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                              headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_borrower_journey_in_a_real_browser(server: str, browser: object, home: Home, tmp_path: Path,
                                            shots: Path) -> None:
    import importlib.util

    has_ocr = importlib.util.find_spec("rapidocr_onnxruntime") is not None  # the OCR extra
    files = write_demo_backup(tmp_path / "backup")
    screenshot = render_text_image(tmp_path / "微信截图.png", ["你再不还钱", "就爆你通讯录"])
    context = browser.new_context(accept_downloads=True, locale="zh-CN",  # type: ignore[attr-defined]
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # 1. create a case
    page.goto(server + "/")
    page.get_by_label("案件名称（必填）").fill("浏览器测试：网贷催收")
    page.get_by_label("借款人姓名（可不填）").fill("王小明")
    page.get_by_role("button", name="新建").click()
    page.wait_for_url("**/cases/*")
    assert "浏览器测试：网贷催收" in page.content()
    case_url = page.url
    page.screenshot(path=str(shots / "01-dashboard-empty.png"), full_page=True)

    # 2. upload a backup and a screenshot with the upload form (XHR with progress)
    page.get_by_role("link", name="证据", exact=True).click()
    page.set_input_files("#files", [str(f) for f in files] + [str(screenshot)])
    assert page.locator("#chosen li").count() == len(files) + 1
    page.screenshot(path=str(shots / "02-evidence-chosen.png"), full_page=True)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/evidence/report/*", timeout=120_000)
    page.wait_for_selector("p.done", timeout=180_000)  # the job page refreshes itself until the import is done
    report = page.content()
    assert "已导入" in report and "微信截图.png" in report
    page.screenshot(path=str(shots / "03-import-report.png"), full_page=True)

    page.goto(case_url + "/evidence")
    page.get_by_role("link", name="微信截图.png").click()
    page.wait_for_url("**/evidence/*")
    page.wait_for_selector("figure img", state="visible", timeout=30_000)  # waits for the navigation
    if has_ocr:
        assert "通讯录" in page.locator(".ocr-text").inner_text()
    page.screenshot(path=str(shots / "04-screenshot-ocr.png"), full_page=True)

    # 3. dashboard and findings
    page.goto(case_url)
    assert page.locator("svg.chart").count() >= 2
    page.screenshot(path=str(shots / "05-dashboard.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="发现的问题").click()
    articles = page.locator("article.finding")
    articles.first.wait_for()
    assert articles.count() >= 3
    articles.first.locator("summary").click()  # the statute text unfolds
    articles.first.locator(".statute").first.wait_for(state="visible")
    assert page.locator("article.finding mark").count() >= 1
    assert "第" in (page.locator("article.finding .cite").first.text_content() or "")  # article number of the statute
    page.screenshot(path=str(shots / "06-findings.png"), full_page=True)
    first = articles.first
    first.get_by_label("备注").fill("这条我记得，是半夜收到的")
    with page.expect_navigation():
        first.get_by_role("button", name="确认属实").click()
    assert "这条我记得，是半夜收到的" in page.content()

    # 4. timeline with a Chinese search
    page.goto(case_url + "/timeline")
    page.get_by_label("搜索内容").fill("通讯录")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/timeline?*")
    assert page.locator("ol.events mark").count() >= 1
    page.screenshot(path=str(shots / "07-timeline-search.png"), full_page=True)
    # 4b. log a visit that left no file (记一笔), with the datetime picker's value format
    page.get_by_role("link", name="记一笔（电话、上门、信件、停止联系通知）").click()
    page.get_by_label("发生了什么").select_option("visit")
    page.get_by_label("发生时间").fill("2026-03-05T21:30")
    page.get_by_label("经过说明").fill("两个人到我家门口大声喊话")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "已记录" in page.content()
    page.goto(case_url + "/timeline?q=" + "门口大声喊话")
    assert page.locator("ol.events mark").count() == 1

    # 5. the interview
    page.goto(case_url + "/interview")
    page.get_by_label("向监管部门投诉").check()
    page.get_by_label("向公安机关报案").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存，下一题").click()
    for _ in range(3):  # answer the next questions with a text or skip them
        key = page.locator('input[name="key"]')
        if key.count() == 0:
            break
        field = page.locator("#value")
        if field.count() and field.get_attribute("type") not in ("date", "number"):
            field.fill("测试回答")
            with page.expect_navigation():
                page.get_by_role("button", name="保存，下一题").click()
        else:
            with page.expect_navigation():
                page.get_by_role("button", name="跳过").click()
    assert "已填写的内容" in page.content()
    page.screenshot(path=str(shots / "08-interview.png"), full_page=True)

    # 6. plan and a complaint download
    page.goto(case_url + "/plan")
    page.screenshot(path=str(shots / "09-plan.png"), full_page=True)
    page.goto(case_url + "/documents")
    with page.expect_navigation():
        page.get_by_role("link", name=page.locator("ul.doc-list a").nth(2).inner_text()).click()
    page.locator("#doc-text").wait_for()
    assert page.locator("#doc-text").input_value().strip()
    page.screenshot(path=str(shots / "10-document.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word 文件").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    assert saved.suffix == ".docx" and saved.read_bytes()[:2] == b"PK"

    # 7. verify
    page.goto(case_url + "/integrity")
    with page.expect_navigation():
        page.get_by_role("button", name="开始核验").click()
    assert "核验通过" in page.content()
    page.screenshot(path=str(shots / "11-verify.png"), full_page=True)

    # 8. the same pages on a phone-sized screen
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,  # type: ignore[attr-defined]
                                device_scale_factor=2, locale="zh-CN")
    small = phone.new_page()
    for name, url in (("dashboard", case_url), ("findings", case_url + "/findings"),
                      ("timeline", case_url + "/timeline"), ("log", case_url + "/log")):
        small.goto(url)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, (name, width)  # no sideways scrolling of the page
        small.screenshot(path=str(shots / f"phone-{name}.png"), full_page=True)
    phone.close()
    context.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert len(list(shots.glob("*.png"))) >= 12


def test_keyboard_only_case_creation(server: str, browser: object, shots: Path) -> None:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/cases")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # skip link comes first
    page.focus("#title")
    page.keyboard.type("键盘新建的案件")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/*")
    assert "键盘新建的案件" in page.content()
    context.close()
