#!/usr/bin/env python3
"""Renders kaohe's dashboard pages in headless Chromium to PNG files, logged in as each demo role.

Usage: screenshots.py --url http://127.0.0.1:8080 --out DIR [--logins KAOHED_STDOUT]

Drives Debian's chromium through chromium-driver with Selenium, as the browser test does
(Deploy/scripts/selenium.sh installs them): logs in through the login form as each role, then for
every page loads it, measures it and captures the whole of it (Page.captureScreenshot over the
DevTools protocol, beyond the viewport). The pages need no JavaScript.
"""
import argparse, base64, os, re, sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

COUNTY = "990101"
# (role, account, password) — the demo county's logins, as kaohed prints them.
LOGINS = [
    ("office", "office", "demo-office"),
    ("committee", "c-education", "demo-committee"),
    ("unit", "u-01", "demo-unit-01"),
    ("reviewer", None, "demo-reviewer"),  # account found from the office's spot-check page
    ("auditor", "auditor", "demo-auditor"),
]
# The demo's reviewer register (ids), to find the reviewer login without --logins.
REVIEWERS = ["wang.lihua", "chen.zhiqiang", "li.jianguo", "zhao.min", "liu.yang", "huang.haitao", "zhou.jing",
             "wu.guoping", "sun.yawen", "ma.dewei"]


# Each role's main form, cropped to its section (the README shows them): role → (name, path, selector).
FORMS = {
    "office": [("ceremony", "{cycle}/spot-check", "section.ceremony"), ("desk", "{cycle}/results", "section.desk")],
    "unit": [("roster", "{first}", "section#roster-upload"), ("self-assessment", "{first}", "section#self-assessment")],
    "committee": [("score-sheet", "{first}", "section.score-sheet")],
}

# A refused filing of some forms, to see the message beside its field: role → (name, path, section, values).
REFUSALS = {
    "office": [
        ("extension-in-past", "{cycle}/setup", "section#extend", {"deadline": "2020-01-06T17:00", "reason": "材料未齐"}),
        ("appeal-unknown-staff", "{cycle}/objections", "section.appeals-state", {"staffNo": "999999", "notifiedOn": "2026-12-01", "reason": "对结果有异议"}),
        # 节假日安排: a date that does not exist, named by its line.
        ("calendar-bad-line", "/calendars", "section.calendar-load", {"year": "2028", "text": "元旦：1月1日至3日\n春节：2月30日至3月2日"}),
    ],
    "committee": [
        ("score-over-maximum", "{first}", "section.score-sheet", {"scores.key_tasks": "99"}),
        # 创先争优 itemised: two 县级 awards of 1 point each, over the level's cap of 1; the score left to the sum.
        ("award-over-level-cap", "{first}", "section.score-sheet", {
            "scores.excellence": "", "awards[0].achievement": "县先进集体", "awards[0].level": "county", "awards[0].points": "1",
            "awards[1].achievement": "县文明单位", "awards[1].level": "county", "awards[1].points": "1"}),
        ("award-without-level", "{first}", "section.score-sheet", {"awards[0].achievement": "全国文明单位", "awards[0].points": "6"}),
    ],
}


class Browser:
    def __init__(self, base):
        self.base = base
        options = webdriver.ChromeOptions()
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1366,900", "--lang=zh-CN"]:
            options.add_argument(flag)
        options.binary_location = "/usr/bin/chromium"
        # On Linux Chromium takes its interface language (date fields' 年/月/日) from the environment, not --lang.
        os.environ.update({"LANGUAGE": "zh_CN:zh", "LANG": "zh_CN.UTF-8"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def login(self, account, password):
        """Logs in through the form, or exits with the reason."""
        d = self.driver
        d.delete_all_cookies()
        d.get(self.base + "/login")
        fields = {e.get_attribute("name"): e for e in d.find_elements(By.CSS_SELECTOR, "form input")}
        if fields["county"].get_attribute("type") != "hidden":
            fields["county"].send_keys(COUNTY)
        fields["account"].send_keys(account)
        fields["password"].send_keys(password)
        d.execute_script("window.kaoheOldPage = true;")
        d.find_element(By.XPATH, "//button[normalize-space()='登录']").click()

        def loaded(driver):
            try:
                return driver.execute_script("return !window.kaoheOldPage && document.readyState === 'complete';")
            except WebDriverException:  # between two documents
                return False

        WebDriverWait(d, 60).until(loaded)
        if "退出登录" not in d.page_source:
            sys.exit(f"screenshots: logging in as {account} failed (is the password {password!r} set?)")

    def fetch(self, path):
        self.driver.get(self.base + path)
        return self.driver.page_source

    def shoot(self, path, out, width=1366):
        d = self.driver
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 800})
        d.get(self.base + path)
        metrics = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width, height = max(width, int(size["width"])), min(int(size["height"]) + 1, 16000)
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        with open(out, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        print(f"{out}  ({width}×{height}, {path})")

    def shoot_form(self, path, selector, out):
        """One part of a page (a form's section), for the README."""
        d = self.driver
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        d.get(self.base + path)
        self.shoot_section(path, selector, out)

    def shoot_refusal(self, path, selector, values, out):
        """A form's section after a refused filing: `values` (field name → text) typed into the
        section's form, sent as the browser sends it (without the browser's own checks, so the
        server's refusal is what shows), and the page that answers cropped to the section."""
        d = self.driver
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        d.get(self.base + path)
        form = d.find_element(By.CSS_SELECTOR, selector + " form")
        d.execute_script(
            "const form = arguments[0];"
            "for (const [name, value] of Object.entries(arguments[1])) { form.elements[name].value = value; }"
            "window.kaoheOldPage = true; form.noValidate = true; form.requestSubmit();", form, values)
        WebDriverWait(d, 60).until(lambda driver: driver.execute_script("return !window.kaoheOldPage && document.readyState === 'complete';"))
        if not d.find_elements(By.CSS_SELECTOR, selector + " .field-error"):
            print(f"{out}: no refusal beside a field of {selector} on {path}", file=sys.stderr)
        self.shoot_section(path, selector, out)

    def shoot_section(self, path, selector, out):
        d = self.driver
        found = d.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            print(f"{out}: no {selector} on {path}", file=sys.stderr)
            return
        r = d.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};", found[0])
        pad = 12
        clip = {"x": max(0, r["x"] - pad), "y": max(0, r["y"] - pad), "width": min(r["width"] + 2 * pad, 1366), "height": r["height"] + 2 * pad, "scale": 1}
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        with open(out, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        print(f"{out}  ({int(clip['width'])}×{int(clip['height'])}, {selector} of {path})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--logins", help="kaohed's output, whose demo-login lines name the accounts and passwords")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    os.makedirs(args.out, exist_ok=True)
    cycle = f"/counties/{COUNTY}/cycles/2026"
    previous = f"/counties/{COUNTY}/cycles/2025"
    unit_link = re.compile(rf'href="({re.escape(cycle)}/units/[0-9A-Z]{{18}})"')

    logins = {role: (account, password) for role, account, password in LOGINS}
    if args.logins:
        for line in open(args.logins, encoding="utf-8"):
            found = re.match(r"\s+(\w+)\s+账号 (\S+)\s+密码 (\S+)", line)
            if found:
                logins[found.group(1)] = (found.group(2), found.group(3))

    browser = Browser(base)
    try:
        for role, _, _ in LOGINS:
            if role == "reviewer":
                continue  # its account may come from the office's spot-check page: shot last
            browser.login(*logins[role])
            own = unit_link.findall(browser.fetch(cycle + "/units"))
            first = own[0] if own else cycle + "/units"
            if role == "office":
                spot_page = browser.fetch(cycle + "/spot-check")
                if logins["reviewer"][0] is None:  # the first demo reviewer the office's spot-check page names
                    named = [r for r in REVIEWERS if r in spot_page]
                    logins["reviewer"] = ("r-" + (min(named, key=spot_page.index) if named else REVIEWERS[0]), logins["reviewer"][1])
                shots = [
                    ("01-home", "/"), ("02-overview", cycle), ("03-units", cycle + "/units"), ("04-unit", first),
                    ("05-spot-check", cycle + "/spot-check"), ("06-results", cycle + "/results"), ("07-committees", cycle + "/committees"),
                    ("08-results-2025", previous + "/results"), ("09-publicity-2025", previous + "/results/publicity"),
                    ("10-overview-2025", previous), ("11-objections", cycle + "/objections"), ("12-setup", cycle + "/setup"),
                    ("13-accounts", "/accounts"), ("14-registry", "/registry"), ("15-cycles", "/cycles"), ("16-calendars", "/calendars"),
                    ("17-policy", cycle + "/policy"),
                ]
            elif role == "unit":
                shots = [("01-overview", cycle), ("02-unit", first), ("03-objections", cycle + "/objections")]
            elif role == "committee":  # the score sheet of one of its units
                shots = [("01-overview", cycle), ("02-units", cycle + "/units"), ("03-committees", cycle + "/committees"), ("04-unit", first)]
            else:
                shots = [("01-overview", cycle), ("02-results", cycle + "/results")]
            for name, path in shots:
                browser.shoot(path, os.path.join(args.out, f"{role}-{name}.png"))
            if role == "unit":  # the unit's own page as a clerk's phone shows it
                browser.shoot(first, os.path.join(args.out, "unit-02-unit-phone.png"), width=390)
            for name, path, selector in FORMS.get(role, []):
                browser.shoot_form(path.replace("{first}", first).replace("{cycle}", cycle), selector, os.path.join(args.out, f"form-{role}-{name}.png"))
            for name, path, selector, values in REFUSALS.get(role, []):
                browser.shoot_refusal(path.replace("{first}", first).replace("{cycle}", cycle), selector, values, os.path.join(args.out, f"refused-{role}-{name}.png"))
        if logins["reviewer"][0] is not None:  # the re-check form of an assigned unit
            browser.login(*logins["reviewer"])
            own = unit_link.findall(browser.fetch(cycle + "/units"))
            for name, path in [("01-spot-check", cycle + "/spot-check"), ("02-units", cycle + "/units"), ("03-unit", own[0] if own else cycle + "/units")]:
                browser.shoot(path, os.path.join(args.out, f"reviewer-{name}.png"))
            if own:
                browser.shoot_form(own[0], "section.score-sheet", os.path.join(args.out, "form-reviewer-recheck.png"))
    finally:
        browser.driver.quit()


if __name__ == "__main__":
    main()
