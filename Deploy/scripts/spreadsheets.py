#!/usr/bin/env python3
"""Every export of the demo county, opened in LibreOffice Calc: no cell may change.

Usage: spreadsheets.py --url http://127.0.0.1:8080 --kaohe PATH/kaohe --data-directory DIR --work DIR

As the office would: logs in as the demo office, opens each dashboard page (overview, units, results,
publicity list, committees, spot check, and a unit page), follows every "下载 CSV" and "下载 Excel" link on
it, and exports the monitor and the county history with the command line (`kaohe export … --format`),
both as CSV and as .xlsx. LibreOffice then opens every file the way a double-click does (CSV: UTF-8,
comma, formulas evaluated, special numbers detected; .xlsx as it is) and saves what it shows as CSV.

Checked, cell by cell, against what kaohe wrote (its own CSV read back, `="…"` unwrapped):
- an .xlsx must show every cell exactly (figures with their decimals, times as `2026-12-06 10:30`);
- a CSV must too, except that a figure may lose trailing zeros (91.50 shows 91.5: a CSV carries no
  display format) and a time gains its seconds;
- and the values are the database's: every unit's code and name in the units table and the monitor are
  what `cycle_units`/`units` hold (psql, on the embedded cluster).
Then a roster goes round: the demo unit u-01's 考核名册, downloaded from its unit page as .xlsx and as
CSV, is opened in LibreOffice and saved again (the .xlsx as .xlsx; the CSV as .xlsx and as CSV), and each
is uploaded as u-01 (a token from `kaohe account token`): the lines stored must equal the original's.
The CSV written plainly (`0001`, as a tool that knows nothing of `="…"` would) becomes the numbers 1, 2, …
in LibreOffice's .xlsx; uploaded, every staff number must come back as filed before, each with a notice.
Prints the files and cells compared and every difference; exits 1 on any difference.
Only the Python standard library and LibreOffice (`soffice`) are used.
"""
import argparse, csv, html, http.cookiejar, io, json, os, re, shutil, subprocess, sys, urllib.parse, urllib.request

COUNTY = "990101"
PAGES = ["", "/units", "/results", "/results/publicity", "/committees", "/spot-check"]


def login(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = {"_csrf": csrf, "next": "/", "county": COUNTY, "account": "office", "password": "demo-office"}
    landing = opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode())
    cycle = re.search(r"/cycles/([^/?#]+)$", landing.url)
    if not cycle:
        sys.exit(f"spreadsheets: logging in as the demo office landed on {landing.url}")
    return opener, cycle.group(1)


def downloads(opener, base, cycle):
    """(file stem, url) of every download link on the office's pages, and one unit page's."""
    root = f"{base}/counties/{COUNTY}/cycles/{cycle}"
    links, unit_pages = [], []
    for page in PAGES:
        text = opener.open(root + page).read().decode()
        links += [html.unescape(h) for h in re.findall(r'href="([^"]+\.(?:csv|xlsx)(?:\?[^"]*)?)"', text)]
        unit_pages += re.findall(rf'href="(/counties/{COUNTY}/cycles/{cycle}/units/[0-9A-Z]{{18}})"', text)
    # A unit with filings and a re-check has rows in every table of its page.
    for unit in unit_pages[:3]:
        text = opener.open(base + unit).read().decode()
        links += [html.unescape(h) for h in re.findall(r'href="([^"]+\.(?:csv|xlsx)(?:\?[^"]*)?)"', text)]
    unique = []
    for link in links:
        if link not in unique:
            unique.append(link)
    return unique


def stem(link):
    path, _, query = link.partition("?")
    name = path.strip("/").replace("/", "_").rsplit(".", 1)[0]
    table = urllib.parse.parse_qs(query).get("table", [""])[0]
    return (name + ("_" + table if table else ""))[-120:]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.reader(handle)]


def unwrap(cell):
    """The text inside kaohe's `="…"`."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        return cell[2:-1].replace('""', '"')
    return cell


def soffice(files, outdir, infilter=None, to="csv"):
    os.makedirs(outdir, exist_ok=True)
    profile = "file://" + os.path.abspath(os.path.join(outdir, "..", "lo-profile"))
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    # Field separator, text delimiter, UTF-8, from line 1, no column types, default language, text
    # not all quoted, (import) detect special numbers, (export) save cell contents as shown.
    target = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true' if to == "csv" else "xlsx:Calc MS Excel 2007 XML"
    command += ["--convert-to", target, "--outdir", outdir] + files
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"spreadsheets: LibreOffice failed: {result.stderr}")


def same(expected, shown, exact):
    if expected == shown:
        return True
    if exact:
        return False
    # A figure's trailing zeros (91.50 → 91.5); never its leading ones (0003 → 3 is a difference).
    if re.fullmatch(r"-?\d+\.\d+", expected):
        return shown == expected.rstrip("0").rstrip(".")
    return re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", expected) is not None and shown == expected + ":00"


def compare(name, expected, shown, exact, differences):
    # A print-ready .xlsx has its title above the header.
    if shown and expected and len(shown) > len(expected) and shown[1][: len(expected[0])] == expected[0]:
        shown = shown[1:]
    cells = 0
    for r, row in enumerate(expected):
        got = shown[r] if r < len(shown) else []
        for c, value in enumerate(row):
            cells += 1
            cell = got[c] if c < len(got) else ""
            if not same(value, cell, exact):
                differences.append(f"{name}: row {r + 1}, column {c + 1} ({expected[0][c]}): kaohe wrote {value!r}, LibreOffice shows {cell!r}")
    if len(shown) > len(expected) and any(any(cell for cell in row) for row in shown[len(expected):]):
        differences.append(f"{name}: LibreOffice shows {len(shown)} rows, kaohe wrote {len(expected)}")
    return cells


def psql(data_directory, sql):
    host = os.path.join(data_directory, "postgres")
    result = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-h", host, "-U", "kaohe", "-d", "kaohe", "-c", sql],
                            capture_output=True, text=True, check=True)
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def comparable(lines):
    return [{k: v for k, v in line.items() if k != "line"} for line in lines]


def roster_round_trip(args, opener, base, cycle, differences):
    """The unit page's 考核名册 download → LibreOffice → .xlsx and CSV → upload → the same lines stored."""
    out = subprocess.run([args.kaohe, "account", "token", "--county", COUNTY, "--account", "u-01", "--label", "spreadsheets",
                          "--data-directory", args.data_directory], capture_output=True, text=True, check=True).stdout
    token = re.search(r"kh_[A-Za-z0-9_-]+", out).group(0)
    unit = psql(args.data_directory, f"SELECT unit_code FROM accounts WHERE county = '{COUNTY}' AND account = 'u-01'")[0][0]
    path = f"{base}/api/v1/counties/{COUNTY}/cycles/{cycle}/units/{unit}/roster"

    def call(method, url, body=None, content_type=None):
        request = urllib.request.Request(url, data=body, method=method, headers={"Authorization": f"Bearer {token}"})
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    status, original = call("GET", path + "?include=staff")
    if status != 200 or not original.get("staff"):
        differences.append(f"roster: u-01 has no roster to go round ({status})")
        return
    lines = original["staff"]
    work = os.path.join(args.work, "roster")
    os.makedirs(work, exist_ok=True)
    page = f"{base}/counties/{COUNTY}/cycles/{cycle}/units/{unit}/tables"
    for extension in ("csv", "xlsx"):
        with open(os.path.join(work, f"exported.{extension}"), "wb") as handle:
            handle.write(opener.open(f"{page}.{extension}?table=roster").read())
    # The same file as a tool that knows nothing of `="…"` writes it: staff numbers plainly.
    rows = [[unwrap(cell) for cell in row] for row in read_csv(os.path.join(work, "exported.csv"))]
    with open(os.path.join(work, "plain.csv"), "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    if len(rows) != len(lines) + 1:
        differences.append(f"roster: the download has {len(rows) - 1} lines, the roster {len(lines)}")
    soffice([os.path.join(work, "exported.csv"), os.path.join(work, "plain.csv")], os.path.join(work, "from-csv"),
            infilter="CSV:44,34,76,1", to="xlsx")
    soffice([os.path.join(work, "exported.csv")], os.path.join(work, "from-csv"), infilter="CSV:44,34,76,1")
    soffice([os.path.join(work, "exported.xlsx")], os.path.join(work, "from-xlsx"), to="xlsx")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    leading = sum(1 for line in lines if re.fullmatch(r"0\d+", line["staff"]["staffNo"]))
    uploads = [("the .xlsx download, saved again by LibreOffice", os.path.join(work, "from-xlsx", "exported.xlsx"), xlsx, 0),
               ("the CSV download, saved as .xlsx by LibreOffice", os.path.join(work, "from-csv", "exported.xlsx"), xlsx, 0),
               ("the CSV download, saved as CSV by LibreOffice", os.path.join(work, "from-csv", "exported.csv"), "text/csv", 0),
               ("a plain CSV saved as .xlsx by LibreOffice (staff numbers became numbers)",
                os.path.join(work, "from-csv", "plain.xlsx"), xlsx, leading)]
    for label, file, content_type, expected_notices in uploads:
        with open(file, "rb") as handle:
            status, filed = call("PUT", path, handle.read(), content_type)
        if status != 200:
            differences.append(f"roster: {label}: upload answered {status}: {filed.get('detail')}")
            continue
        notices = filed.get("notices", [])
        if len(notices) != expected_notices:
            differences.append(f"roster: {label}: {len(notices)} staff numbers restored, expected {expected_notices}")
        _, stored = call("GET", path + "?include=staff")
        got, want = comparable(stored.get("staff", [])), comparable(lines)
        if got != want:
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            differences.append(f"roster: {label}: stored lines differ from the original at line {first + 1}: "
                               f"{got[first] if first < len(got) else None} vs {want[first] if first < len(want) else None}")
    print(f"spreadsheets: u-01's roster of {len(lines)} lines ({leading} staff numbers with leading zeros) downloaded, "
          f"saved by LibreOffice {len(uploads)} ways and uploaded each time")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--kaohe", required=True)
    parser.add_argument("--data-directory", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    opener, cycle = login(base)
    files = os.path.join(args.work, "files")
    os.makedirs(files, exist_ok=True)
    pairs = {}
    for link in downloads(opener, base, cycle):
        extension = link.split("?")[0].rsplit(".", 1)[1]
        path = os.path.join(files, f"{stem(link)}.{extension}")
        with open(path, "wb") as handle:
            handle.write(opener.open(base + link).read())
        pairs.setdefault(stem(link), {})[extension] = path
    for export, extra in (("monitor", ["--cycle", cycle]), ("history", [])):
        for extension in ("csv", "xlsx"):
            path = os.path.join(files, f"cli_{export}.{extension}")
            subprocess.run([args.kaohe, "export", export, "--county", COUNTY, *extra, "--format", extension, "--output", path,
                            "--data-directory", args.data_directory], check=True, capture_output=True)
            pairs.setdefault(f"cli_{export}", {})[extension] = path
    incomplete = [name for name, pair in pairs.items() if set(pair) != {"csv", "xlsx"}]
    if incomplete or len(pairs) < 10:
        sys.exit(f"spreadsheets: {len(pairs)} exports found; without both a CSV and an .xlsx: {incomplete}")

    soffice([p["csv"] for p in pairs.values()], os.path.join(args.work, "from-csv"), infilter="CSV:44,34,76,1")
    soffice([p["xlsx"] for p in pairs.values()], os.path.join(args.work, "from-xlsx"))

    differences, cells = [], 0
    tables = {}
    for name, pair in sorted(pairs.items()):
        expected = [[unwrap(cell) for cell in row] for row in read_csv(pair["csv"])]
        tables[name] = expected
        cells += compare(name + ".csv", expected, read_csv(os.path.join(args.work, "from-csv", name + ".csv")), False, differences)
        cells += compare(name + ".xlsx", expected, read_csv(os.path.join(args.work, "from-xlsx", name + ".csv")), True, differences)

    # The values are the database's.
    enrolled = {code: name for code, name in psql(args.data_directory, f"""
        SELECT u.code, u.name FROM cycle_units cu JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
        WHERE cu.county = '{COUNTY}' AND cu.cycle = '{cycle}'""")}
    for name, code_column, name_column in ((f"counties_{COUNTY}_cycles_{cycle}_units", 0, 1), ("cli_monitor", 0, 1)):
        rows = tables[name][1:]
        shown = {row[code_column]: row[name_column] for row in rows}
        if shown != enrolled:
            differences.append(f"{name}: codes and names differ from the database: "
                               f"{sorted(set(shown.items()) ^ set(enrolled.items()))[:6]}")
    roster_round_trip(args, opener, base, cycle, differences)
    digits = sum(1 for code in enrolled if code.isdigit())
    print(f"spreadsheets: {len(pairs)} exports × (CSV, .xlsx) opened in LibreOffice, {cells} cells compared, "
          f"{len(enrolled)} units checked against the database ({digits} codes made only of digits): "
          f"{len(differences)} differences")
    for difference in differences[:40]:
        print("  " + difference)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
