#!/usr/bin/env python3
"""Renders kaohe's dashboard pages in headless Chromium to PNG files, logged in as each demo role.

Usage: screenshots.py --url http://127.0.0.1:8080 --out DIR [--chromium PATH]

Logs in with a plain HTTP POST /login (the form's double-submit CSRF cookie and field), hands the
session cookie to Chromium over the DevTools protocol (Network.setCookie), then for every page:
Page.navigate, wait for the load event, measure the page and Page.captureScreenshot of the whole of it.
The pages need no JavaScript. Only the Python standard library is used (a minimal WebSocket client is
below), so nothing but Chromium has to be installed.
"""
import argparse, base64, http.cookiejar, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

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


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, client masking, fragments."""

    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"DevTools refused the WebSocket: {head[:200]!r}")

    def _exactly(self, n):
        data = bytearray()
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the WebSocket")
            data += chunk
        return bytes(data)

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        message = b""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exactly(8))[0]
            payload = self._exactly(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):  # ping/pong: ignore
                continue
            message += payload
            if first & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, url):
        self.ws = WebSocket(url)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: index + 1]
                    return message
            self.events.append(json.loads(self.ws.receive()))
        raise RuntimeError(f"no {event} within {timeout} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base, account, password):
    """The session cookies after POST /login, or exit with the reason."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page)
    if not csrf:
        sys.exit("screenshots: the login page has no _csrf field")
    form = urllib.parse.urlencode({"_csrf": csrf.group(1), "next": "/", "county": COUNTY, "account": account, "password": password}).encode()
    try:
        response = opener.open(f"{base}/login", data=form)
        status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 303:
        sys.exit(f"screenshots: logging in as {account} answered {status}, not 303 (is the password {password!r} set?)")
    return [(c.name, c.value) for c in jar], opener


def fetch(opener, url):
    try:
        return opener.open(url).read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def start_chromium(chromium, profile):
    process = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--lang=zh-CN", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            port = open(port_file).read().split()[0]
            break
        time.sleep(0.1)
    else:
        process.kill()
        sys.exit("screenshots: chromium did not open its DevTools port")
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            page = next(t for t in targets if t.get("type") == "page")
            return process, page["webSocketDebuggerUrl"]
        except (OSError, StopIteration):
            time.sleep(0.1)
    process.kill()
    sys.exit("screenshots: chromium has no page target")


def shoot(tools, base, cookies, path, out):
    tools.call("Network.clearBrowserCookies")
    for name, value in cookies:
        tools.call("Network.setCookie", name=name, value=value, url=base + "/")
    tools.call("Emulation.setDeviceMetricsOverride", width=1366, height=900, deviceScaleFactor=1, mobile=False)
    tools.call("Page.navigate", url=base + path)
    tools.wait_for("Page.loadEventFired")
    metrics = tools.call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width, height = max(1366, int(size["width"])), min(int(size["height"]) + 1, 16000)
    shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
    with open(out, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    print(f"{out}  ({width}×{height}, {path})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--logins", help="kaohed's output, whose demo-login lines name the accounts and passwords")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    os.makedirs(args.out, exist_ok=True)
    cycle = f"/counties/{COUNTY}/cycles/2026"
    previous = f"/counties/{COUNTY}/cycles/2025"

    logins = {role: (account, password) for role, account, password in LOGINS}
    if args.logins:
        for line in open(args.logins, encoding="utf-8"):
            found = re.match(r"\s+(\w+)\s+账号 (\S+)\s+密码 (\S+)", line)
            if found:
                logins[found.group(1)] = (found.group(2), found.group(3))
    office_cookies, office = login(base, *logins["office"])
    units_page = fetch(office, base + cycle + "/units")
    unit_links = re.findall(rf'href="({re.escape(cycle)}/units/[0-9A-Z]{{18}})"', units_page)
    spot_page = fetch(office, base + cycle + "/spot-check")
    if logins["reviewer"][0] is None:  # the first demo reviewer the office's spot-check page names
        named = [r for r in REVIEWERS if r in spot_page]
        logins["reviewer"] = ("r-" + (min(named, key=spot_page.index) if named else REVIEWERS[0]), logins["reviewer"][1])

    pages = [("office", office_cookies, [
        ("01-home", "/"), ("02-overview", cycle), ("03-units", cycle + "/units"),
        ("04-unit", unit_links[0] if unit_links else cycle + "/units"), ("05-spot-check", cycle + "/spot-check"),
        ("06-results", cycle + "/results"), ("07-committees", cycle + "/committees"),
        ("08-results-2025", previous + "/results"), ("09-publicity-2025", previous + "/results/publicity"),
        ("10-overview-2025", previous), ("11-objections", cycle + "/objections"),
    ])]
    for role, _, _ in LOGINS[1:]:
        cookies, opener = login(base, *logins[role])
        if role == "unit":
            own = re.findall(rf'href="({re.escape(cycle)}/units/[0-9A-Z]{{18}})"', fetch(opener, base + cycle + "/units"))
            pages.append((role, cookies, [
                ("01-overview", cycle), ("02-unit", own[0] if own else cycle + "/units"), ("03-objections", cycle + "/objections"),
            ]))
        elif role == "committee":
            own = re.findall(rf'href="({re.escape(cycle)}/units/[0-9A-Z]{{18}})"', fetch(opener, base + cycle + "/units"))
            pages.append((role, cookies, [
                ("01-overview", cycle), ("02-units", cycle + "/units"), ("03-committees", cycle + "/committees"),
                ("04-unit", own[0] if own else cycle + "/units"),  # the score sheet of one of its units
            ]))
        elif role == "reviewer":
            own = re.findall(rf'href="({re.escape(cycle)}/units/[0-9A-Z]{{18}})"', fetch(opener, base + cycle + "/units"))
            pages.append((role, cookies, [
                ("01-spot-check", cycle + "/spot-check"), ("02-units", cycle + "/units"),
                ("03-unit", own[0] if own else cycle + "/units"),  # the re-check form of an assigned unit
            ]))
        else:
            pages.append((role, cookies, [("01-overview", cycle), ("02-results", cycle + "/results")]))

    profile = tempfile.mkdtemp(prefix="kaohe-chromium-")
    process, ws_url = start_chromium(args.chromium, profile)
    try:
        tools = DevTools(ws_url)
        tools.call("Page.enable")
        tools.call("Network.enable")
        for role, cookies, shots in pages:
            for name, path in shots:
                shoot(tools, base, cookies, path, os.path.join(args.out, f"{role}-{name}.png"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
