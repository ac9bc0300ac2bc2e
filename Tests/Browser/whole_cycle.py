#!/usr/bin/env python3
"""A whole assessment cycle in real Chromium, through the dashboard's pages only (issue 17).

Run by Deploy/scripts/browser-test.sh, which starts kaohed on a throwaway embedded cluster and sets
up an empty county from the command line (the county, its two committees, departments, four
reviewers and the committee, reviewer and office accounts with web passwords: what the office's
pages cannot create). Everything else happens in the browser, as the people who use it would do it:

  the office imports the register of 30 units (preview, then apply), creates the unit accounts with
  their first-login sheet, creates the cycle and enrols every unit; one committee scores its units on
  each unit's score sheet (计算合计, then 报送), the other all of its units at once from the template
  filled in and saved as .xlsx by LibreOffice; three units file their self-assessments and rosters — one roster
  over its 优秀 quota, corrected by uploading it again; the office freezes the spot check, reads out
  the hash and draws with dice digits; a reviewer re-checks an assigned unit 5.25 points lower (an
  override); the office proposes, decides the tie at the 优秀 cap, confirms and opens 公示; the office
  records an objection and the unit's committee reviews it (复议); a unit files a staff appeal and the
  office decides it; the window ends (the one thing done outside the pages: its end is moved to now,
  as waiting five working days is not an option in a test) and the office finalises. At the end the
  results page must show, unit by unit, the grades `GET /api/v1/…/grading` returns, with a token the
  office issued on its accounts page.

Every step checks what the page says; any difference fails the run (exit 1) with the step named and
a screenshot of the page in --artifacts.
"""
import argparse
import base64
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

COUNTY = "990102"
CYCLE = "2026"
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
INDICATORS = {  # county-2021: id → maximum points (100 in all)
    "key_tasks": 20, "main_duties": 30, "registration": 10, "innovation": 5, "excellence": 10, "staff_eval": 3,
    "client_eval": 4, "leader_eval": 10, "dept_organisation": 2, "dept_staffing": 2, "dept_hrss": 2, "dept_finance": 2,
}
QUALITATIVE = ["political", "cadre", "organisation", "conduct"]
GRADES = {"excellent": "优秀", "good": "良好", "qualified": "合格", "poor": "较差"}


def uscc(serial):
    """A public institution's code in the county (GB 32100 check symbol)."""
    body = f"12{COUNTY}MB{serial:07d}"
    total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHARSET[(31 - total % 31) % 31]


UNITS = [uscc(100 + i) for i in range(30)]  # in code order


def committee_of(i):
    return "education" if i < 15 else "health"


def total_of(i):
    """The committee's totals: eight clear 优秀, three tied at 90.50 for the ninth seat of the 30 %
    cap, then 89.50 down by halves. A re-check 5.25 lower lands between them, so the tie stays."""
    if i < 8:
        return 99 - i
    if i <= 10:
        return 90.5
    return 89.5 - (i - 11) * 0.5


def sheet_values(i, recheck=False):
    values = {f"scores.{k}": f"{v:g}" for k, v in INDICATORS.items()}
    values["scores.key_tasks"] = f"{20 - (100 - total_of(i)):g}"
    if recheck:
        values["scores.main_duties"] = "24.75"
    for q in QUALITATIVE:
        values[f"qualitative.{q}"] = "good"
    return values


class Failure(Exception):
    pass


class Browser:
    def __init__(self, url, artifacts):
        self.url = url.rstrip("/")
        self.artifacts = artifacts
        options = webdriver.ChromeOptions()
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=zh-CN"]:
            options.add_argument(flag)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(120)
        self.step = "start"

    def close(self):
        self.driver.quit()

    # -- navigation and forms --------------------------------------------------------------------

    def get(self, path):
        self.driver.get(self.url + path)
        return self.text()

    def text(self):
        return self.driver.page_source

    def send_twice(self, form):
        """POSTs the rendered `form` (its fields as typed, files left out) twice at the same moment,
        with this session's cookie, as a double click does; the pages' CSP allows no fetch(), so
        from here. Returns both statuses (a 303 is not followed)."""
        fields = self.driver.execute_script(
            "return Array.from(arguments[0].elements).filter(e => e.name && e.type !== 'file' && e.type !== 'submit')"
            ".map(e => [e.name, e.value]);", form)
        action = self.driver.execute_script("return arguments[0].action;", form)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        boundary = "----kaoheBrowserTest"
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields
        ) + f"--{boundary}--\r\n".encode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        answers = [None, None]

        def send(slot):
            request = urllib.request.Request(action, data=body, method="POST", headers={
                "Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"})
            try:
                answers[slot] = opener.open(request, timeout=60).status
            except urllib.error.HTTPError as error:
                answers[slot] = error.code

        threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def expect(self, condition, what):
        if not condition:
            raise Failure(what)

    def expect_text(self, needle):
        self.expect(needle in self.text(), f"the page does not say {needle!r}")

    def submit(self, button):
        """Clicks a form's button and waits for the next page."""
        # A mark on the old document: the next page is loaded when a complete document lacks it.
        # (Waiting for the old <html> to go stale can fail with "Node … does not belong to the document".)
        self.driver.execute_script("window.kaoheOldPage = true;")
        button.click()

        def loaded(d):
            try:
                return d.execute_script("return !window.kaoheOldPage && document.readyState === 'complete';")
            except WebDriverException:  # between two documents
                return False

        WebDriverWait(self.driver, 120).until(loaded)
        return self.text()

    def button(self, label, scope=None):
        root = scope or self.driver
        return root.find_element(By.XPATH, f".//button[normalize-space()='{label}']")

    def field(self, name, scope=None):
        return (scope or self.driver).find_element(By.NAME, name)

    def type(self, name, value, scope=None):
        element = self.field(name, scope)
        element.clear()
        element.send_keys(value)

    def set_value(self, name, value, scope=None):
        """Date inputs and long sheets: the value set as a person's typing would leave it."""
        element = self.field(name, scope)
        self.driver.execute_script("arguments[0].value = arguments[1];", element, value)

    def form(self, action_suffix):
        return self.driver.find_element(By.CSS_SELECTOR, f"form[action$='{action_suffix}']")

    def login(self, account, password):
        self.driver.delete_all_cookies()
        self.get("/login")
        self.type("county", COUNTY)
        self.type("account", account)
        self.type("password", password)
        page = self.submit(self.button("登录"))
        self.expect("退出登录" in page, f"{account} could not log in")

    def screenshot(self, name, selector=None):
        """The window, or one element of the page, into --artifacts."""
        os.makedirs(self.artifacts, exist_ok=True)
        path = os.path.join(self.artifacts, f"{name}.png")
        if selector:  # the whole element, beyond the window if it is taller
            element = self.driver.find_element(By.CSS_SELECTOR, selector)
            r = self.driver.execute_script(
                "const r = arguments[0].getBoundingClientRect();"
                "return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};", element)
            clip = {"x": max(0, r["x"] - 12), "y": max(0, r["y"] - 12), "width": r["width"] + 24, "height": r["height"] + 24, "scale": 1}
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
            with open(path, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
        else:
            self.driver.save_screenshot(path)


def today(days=0):
    return (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() + datetime.timedelta(days=days)).isoformat()


def roster_csv(excellent, path):
    rows = [["工号", "姓名", "测评分", "拟定等次"]]
    for n in range(1, 11):
        grade = "优秀" if n <= excellent else ("基本合格" if n == 10 else "合格")
        rows.append([f"{n:04d}", f"职工{n}", f"{95 - n}", grade])
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def run(b, args, work):
    cycle = f"/counties/{COUNTY}/cycles/{CYCLE}"
    passwords = json.loads(args.passwords)

    b.step = "office imports the unit register (preview, then apply)"
    b.login("office", passwords["office"])
    register = os.path.join(work, "单位名册.csv")
    with open(register, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["统一社会信用代码", "单位名称", "专业考核委员会", "主管部门", "在编人数"])
        for i, code in enumerate(UNITS):
            department = "edu-bureau" if committee_of(i) == "education" else "health-bureau"
            writer.writerow([code, f"测试单位{i + 1:02d}", committee_of(i), department, 10])
    b.get("/registry")
    b.field("file").send_keys(register)
    page = b.submit(b.button("上传并预览"))
    b.expect("新增 <b>30</b> 个" in page, "the preview does not add 30 units")
    page = b.submit(b.button("确认导入"))
    b.expect_text("已导入单位名册")

    b.step = "office creates the unit accounts (first-login sheet)"
    b.get("/accounts")
    page = b.submit(b.button("创建单位账号"))
    b.expect_text("首次登录通知单")
    unit_passwords = {}
    for row in b.driver.find_elements(By.CSS_SELECTOR, "table.first-login-sheet tbody tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        unit_passwords[cells[1]] = (cells[2], cells[3])
    b.expect(len(unit_passwords) == 30, f"the sheet lists {len(unit_passwords)} accounts, not 30")

    b.step = "office creates the cycle and enrols every unit"
    b.get("/cycles")
    b.type("cycle", CYCLE)
    b.type("title", "2026年度浏览器测试考核")
    for step in ["self_assessment", "assessment", "roster"]:
        b.set_value(f"{step}-opensAt", today())
        b.set_value(f"{step}-deadline", today(3))
        b.set_value(f"{step}-closesAt", today(6))
    page = b.submit(b.button("设立考核周期"))
    b.expect("已设立考核周期" in page, "the cycle was not created")
    b.driver.find_element(By.CSS_SELECTOR, "input[name='mode'][value='all']").click()
    page = b.submit(b.button("保存参加考核的单位"))
    b.expect("本周期已有 30 个单位参加考核" in page, "30 units are not enrolled")

    b.step = "教育 scores its units one by one on each unit's score sheet"
    b.login("c-edu", passwords["c-edu"])
    for i, code in enumerate(UNITS):
        if committee_of(i) != "education":
            continue
        b.get(f"{cycle}/units/{code}")
        form = b.form("/assessment")
        for name, value in sheet_values(i).items():
            b.set_value(name, value, form)
        if i == 0:
            # 创先争优 itemised: two awards (6 + 4), the score left blank for the server to sum.
            b.set_value("scores.excellence", "", form)
            for row, (achievement, level, points) in enumerate([("全国文明单位", "国家级", "6"), ("省级先进集体", "省级", "4")]):
                b.set_value(f"awards[{row}].achievement", achievement, form)
                Select(b.field(f"awards[{row}].level", form)).select_by_visible_text(level)
                b.set_value(f"awards[{row}].points", points, form)
        page = b.submit(b.button("计算合计(不报送)", form))
        b.expect(f"合计预览(尚未报送):综合得分 {total_of(i):.2f}" in page, f"unit {i + 1}: the preview is not {total_of(i):.2f}")
        if i == 0:
            b.expect(b.field("scores.excellence").get_attribute("value") == "10", "the awards' sum is not filled in as 创先争优")
        page = b.submit(b.button("报送评分", b.form("/assessment")))
        b.expect(f"综合得分 {total_of(i):.2f}" in page, f"unit {i + 1}: the total is not {total_of(i):.2f}")
        if i == 0:
            b.expect(b.field("awards[1].achievement").get_attribute("value") == "省级先进集体", "the filed awards are not shown again")

    b.step = "卫健 scores all its units from one workbook (the template filled, saved by LibreOffice as .xlsx)"
    b.login("c-health", passwords["c-health"])
    b.get(f"{cycle}/units")
    b.expect_text("批量报送评分(Excel)")
    cookie = b.driver.get_cookie("kaohe_session")["value"]
    request = urllib.request.Request(f"{b.url}{cycle}/units/scores-template.csv", headers={"Cookie": f"kaohe_session={cookie}"})
    template = list(csv.reader(io.StringIO(urllib.request.urlopen(request).read().decode("utf-8-sig"))))
    header, rows = template[0], template[1:]
    b.expect(len(rows) == 15, f"the template has {len(rows)} units, not 15")
    fields = ["code", "name"] + [f"qualitative.{q}" for q in QUALITATIVE] + [f"scores.{k}" for k in INDICATORS]
    for row in rows:
        row[0] = row[0].removeprefix('="').removesuffix('"')  # the download keeps the code as text for Excel
        i = UNITS.index(row[0])
        values = sheet_values(i)
        for position, field in enumerate(fields[2:], start=2):
            row[position] = "好" if field.startswith("qualitative.") else values[field]
    filled = os.path.join(work, "卫健评分.csv")
    with open(filled, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header] + rows)
    # A private LibreOffice profile (as spreadsheets.py runs it), so a running or locked LibreOffice cannot make it a silent no-op.
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{work}/lo-profile", "--headless", "--norestore", "--infilter=CSV:44,34,76,1",
         "--convert-to", "xlsx", "--outdir", work, filled],
        capture_output=True, text=True, timeout=300,
    )
    b.expect(converted.returncode == 0 and os.path.exists(filled[:-4] + ".xlsx"), f"LibreOffice made no workbook: {converted.stderr}")
    b.field("file").send_keys(filled[:-4] + ".xlsx")
    page = b.submit(b.button("上传并报送评分"))
    b.expect("已报送以下单位的评分" in page, "the workbook was not filed")
    for i, code in enumerate(UNITS):
        if committee_of(i) == "health":
            b.expect(f'<td class="code">{code}</td><td class="num">{total_of(i):.2f}</td>' in page, f"unit {i + 1}: not filed at {total_of(i):.2f}")
    b.screenshot("bulk-scores")

    b.step = "three units file: self-assessment, a roster over its quota corrected by re-upload"
    for i in [11, 12, 13]:
        account, password = unit_passwords[UNITS[i]]
        b.login(account, password)
        b.get(f"{cycle}/units/{UNITS[i]}")
        b.type("report", f"测试单位{i + 1:02d}2026年度自评报告:全面完成年度目标任务。")
        page = b.submit(b.button("报送自评报告"))
        b.expect("已报送自评报告第 1 版" in page or "自评报告第 1 版" in page, f"unit {i + 1}: no self-assessment filed")
        if i == 11:
            b.field("file").send_keys(roster_csv(4, os.path.join(work, "名册-超额.csv")))
            page = b.submit(b.button("上传并报送"))
            b.expect("超出名额,须减少 2 名优秀" in page, "the roster over its quota is not flagged")
            # Refusals in the browser: a file in the wrong encoding, a missing column — nothing stored.
            wrong = os.path.join(work, "名册-UTF16.csv")
            with open(wrong, "w", encoding="utf-16") as out:
                out.write("工号,姓名,拟定等次\n0001,职工1,合格\n")
            b.field("file").send_keys(wrong)
            page = b.submit(b.button("上传并报送"))
            b.expect("文件是UTF-16编码" in page, "a UTF-16 roster is not refused by name")
            lacking = os.path.join(work, "名册-缺列.csv")
            with open(lacking, "w", encoding="utf-8") as out:
                out.write("工号,姓名\n0001,职工1\n")
            b.field("file").send_keys(lacking)
            page = b.submit(b.button("上传并报送"))
            b.expect("表头缺少“拟定等次”列" in page, "a roster without its grade column is not refused by name")
            b.expect("第 2 版" not in page, "a refused roster was stored")
        b.field("file").send_keys(roster_csv(2, os.path.join(work, f"名册-{i}.csv")))
        page = b.submit(b.button("上传并报送"))
        version = 2 if i == 11 else 1
        b.expect(f"已报送考核名册第 {version} 版" in page, f"unit {i + 1}: the corrected roster was not filed as version {version}")
        b.expect("超出名额" not in page, f"unit {i + 1}: the corrected roster is still over its quota")
        if i == 11:
            # Another unit's page: the same 404 page as a unit that does not exist.
            page = b.get(f"{cycle}/units/{UNITS[12]}")
            b.expect("未找到" in page and "测试单位13" not in page, "another unit's page is not a 404")
            # A double click on 报送: the rendered form sent twice at once (two real POSTs with the same
            # fields, its one-time token included, as a second click sends them) files one version.
            b.get(f"{cycle}/units/{UNITS[11]}")
            b.type("report", "第二版自评报告:双击只报送一次。")
            form = b.driver.find_element(By.CSS_SELECTOR, "form.self-assessment-form")
            answers = b.send_twice(form)
            b.expect(answers == [303, 303], f"the two sends answered {answers}, not 303 twice")
            page = b.get(f"{cycle}/units/{UNITS[11]}")
            b.expect("第二版自评报告" in page and "第 2 版," in page and "第 3 版," not in page, "a double click filed twice (or not at all)")
    b.screenshot("unit-roster")

    b.step = "after the roster step closed: a roster upload is refused in words, nothing stored"
    subprocess.run(
        ["psql", args.database, "-qAtc",
         f"UPDATE cycle_steps SET deadline = now() - interval '2 minutes', closes_at = now() - interval '1 minute' "
         f"WHERE county = '{COUNTY}' AND cycle = '{CYCLE}' AND step = 'roster'"],
        check=True,
    )
    b.get(f"{cycle}/units/{UNITS[13]}")  # unit 14 is still logged in
    b.field("file").send_keys(roster_csv(2, os.path.join(work, "名册-关闭后.csv")))
    page = b.submit(b.button("上传并报送"))
    b.expect("不再接受报送" in page, "a roster after the step closed is not refused by name")
    b.expect("已报送考核名册第 2 版" not in page and "第 2 版," not in page, "a roster was stored after the step closed")
    b.screenshot("refused-step-closed")

    b.step = "office freezes the spot check, reads the hash, draws with dice digits"
    b.login("office", passwords["office"])
    b.get(f"{cycle}/spot-check")
    page = b.submit(b.button("冻结抽查总体"))
    b.expect("已冻结抽查总体" in page and "big-hash" in page, "not frozen")
    b.screenshot("form-office-ceremony", "section.ceremony")
    b.type("seed", "3141 5926 5358 9793 2384 6264")
    page = b.submit(b.button("抽取"))
    b.expect("已完成抽取" in page and "314159265358979323846264" in page, "not drawn with the typed seed")
    b.screenshot("spot-check")

    b.step = "a reviewer re-checks an assigned unit 5.25 points lower (override)"
    rechecked = None
    for reviewer in ["r1", "r2", "r3", "r4"]:
        b.login(reviewer, passwords[reviewer])
        page = b.get(f"{cycle}/units")
        assigned = [i for i, code in enumerate(UNITS) if f"/units/{code}\"" in page]
        if not assigned:
            continue
        i = assigned[0]
        b.get(f"{cycle}/units/{UNITS[i]}")
        form = b.form("/recheck")
        for name, value in sheet_values(i, recheck=True).items():
            b.set_value(name, value, form)
        page = b.submit(b.button("报送核验评分", form))
        b.expect("按核验结果计分" in page, f"the re-check of unit {i + 1} did not override")
        rechecked = i
        break
    b.expect(rechecked is not None, "no reviewer was assigned a unit")

    b.step = "office proposes, decides the tie, confirms, opens 公示"
    b.login("office", passwords["office"])
    b.get(f"{cycle}/results")
    page = b.submit(b.button("生成等次建议"))
    b.expect("已生成等次建议" in page, "no proposal")
    decided = 0
    while b.driver.find_elements(By.CSS_SELECTOR, "form.decide-tie"):
        form = b.driver.find_elements(By.CSS_SELECTOR, "form.decide-tie")[0]
        seats = int(re.search(r"请勾选得到较好等次的 (\d+) 个单位", form.text).group(1))
        for box in form.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")[:seats]:
            box.click()
        b.type("reference", "县考核委〔2026〕5号会议纪要", form)
        page = b.submit(b.button("记录决定", form))
        b.expect("已记录县事考办的决定" in page, "the tie decision was not recorded")
        decided += 1
        b.expect(decided < 5, "ties keep coming back")
    b.expect(decided >= 1, "the designed tie at the 优秀 cap did not appear")
    page = b.submit(b.button("确认等次建议"))
    b.expect("已确认考核等次" in page, "not confirmed")
    page = b.submit(b.button("开始公示"))
    b.expect("已开始公示" in page, "公示 did not open")
    b.screenshot("results")

    b.step = "office records an objection; the unit's committee reviews it"
    b.get(f"{cycle}/objections")
    Select(b.field("unit", b.form("/objections/objection"))).select_by_value(UNITS[0])
    b.type("text", "群众反映该单位重点任务完成情况与材料不符,请复议。")
    page = b.submit(b.button("提出异议"))
    b.expect("已登记异议" in page, "the objection was not recorded")
    b.login("c-edu", passwords["c-edu"])
    b.get(f"{cycle}/objections")
    form = b.form("/objections/review")
    form.find_element(By.CSS_SELECTOR, "input[name='outcome'][value='rejected']").click()
    b.type("note", "经核查材料属实,维持原等次。", form)
    page = b.submit(b.button("记录复议结果", form))
    b.expect("已记录复议结果" in page and "异议不成立" in page, "the review was not recorded")

    b.step = "a unit files a staff appeal; the office decides it"
    account, password = unit_passwords[UNITS[11]]
    b.login(account, password)
    b.get(f"{cycle}/objections")
    form = b.form("/objections/appeal")
    Select(b.field("staffNo", form)).select_by_value("0010")
    b.set_value("notifiedOn", today(), form)
    b.type("reason", "本人测评分统计有误,申请复核。", form)
    page = b.submit(b.button("登记复核申请", form))
    b.expect("已登记复核申请" in page, "the appeal was not filed")
    b.login("office", passwords["office"])
    b.get(f"{cycle}/objections")
    form = b.form("/objections/decide-appeal")
    form.find_element(By.CSS_SELECTOR, "input[name='outcome'][value='upheld']").click()
    page = b.submit(b.button("记录复核结果", form))
    b.expect("已记录复核结果" in page and "维持原等次" in page, "the appeal was not decided")

    b.step = "the window ends; the office finalises"
    subprocess.run(
        ["psql", args.database, "-qAtc",
         f"UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = '{COUNTY}' AND cycle = '{CYCLE}'"],
        check=True,
    )
    b.get(f"{cycle}/results")
    page = b.submit(b.button("公示结束,定档"))
    b.expect("考核结果已定档" in page, "not finalised")

    b.step = "the results page matches the API (a token from the accounts page)"
    b.get("/accounts")
    Select(b.field("account", b.form("/accounts/token"))).select_by_value("office")
    b.type("label", "浏览器测试核对")
    b.submit(b.button("发放令牌"))
    token = b.driver.find_element(By.CSS_SELECTOR, "p.big-hash").text.strip()
    request = urllib.request.Request(
        f"{b.url}/api/v1/counties/{COUNTY}/cycles/{CYCLE}/grading", headers={"Authorization": f"Bearer {token}"}
    )
    api = {u["code"]: GRADES[u["grade"]] for u in json.load(urllib.request.urlopen(request))["units"]}
    b.get(f"{cycle}/results")
    shown = {}
    for row in b.driver.find_elements(By.CSS_SELECTOR, "section#units tbody tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        shown[cells[0]] = cells[6]
    b.expect(len(api) == 30, f"the API grades {len(api)} units, not 30")
    b.expect(shown == api, f"the results page differs from the API: {sorted(set(shown.items()) ^ set(api.items()))}")
    counts = {g: list(api.values()).count(g) for g in GRADES.values()}
    b.expect(counts["优秀"] == 9, f"{counts['优秀']} 优秀, not the 9 of the 30 % cap")
    b.screenshot("results-final")
    print(f"whole cycle in the browser: 30 units, grades {counts}, re-checked unit {rechecked + 1}, ties decided {decided}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--database", required=True, help="libpq connection string of kaohed's cluster (psql)")
    parser.add_argument("--passwords", required=True, help="JSON: account → web password")
    parser.add_argument("--artifacts", default="browser-artifacts")
    args = parser.parse_args()
    b = Browser(args.url, args.artifacts)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as work:
            run(b, args, work)
    except Exception as error:  # a failed expectation, or Selenium's own (no such button…)
        b.screenshot("failure")
        where = traceback.extract_tb(error.__traceback__)
        line = next((f"{frame.lineno}: {frame.line}" for frame in reversed(where) if frame.filename == __file__), "")
        print(f"FAILED at step “{b.step}”: {error}\n  at line {line}\n  page: {b.driver.current_url}", file=sys.stderr)
        sys.exit(1)
    finally:
        b.close()
    print(f"browser test passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
