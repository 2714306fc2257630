"""The portal in real Chromium (Debian's python3-selenium + chromium-driver): every page loads
with every chart rendered (vega's <svg class="marks">, and portal.js's #qtb-status) and no
console error; a filter change updates the URL and reloading that URL restores the view; a
platform name holding <script> is shown as text. Saves a screenshot per page.

Run by ctest (tests/CMakeLists.txt) with /usr/bin/python3; exits 77 (skipped) where selenium or
chromedriver is missing. Usage: serve_browser_test.py QUTIBENCH REFERENCE_CSV OUT_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    print("skipped: python3-selenium is not installed")
    sys.exit(SKIP)
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not os.path.exists(DRIVER):
    print("skipped: chromedriver is not installed (Debian chromium-driver)")
    sys.exit(SKIP)

app, reference_csv, out_dir = sys.argv[1:4]
os.makedirs(out_dir, exist_ok=True)
work = tempfile.mkdtemp(prefix="qtb_serve_browser_")
db = os.path.join(work, "results.db")
MARKUP = "<script>alert(1)</script>"
planted = {"rows": [{"topology": "mlp", "dataset": "mnist", "precision": "INT8", "prune": 1,
                     "platform": MARKUP, "backend": "reference", "level": "L3",
                     "fps_compute": 1000, "source": "ours", "batch": 1, "threads": 1,
                     "streams": 1, "valid": True}]}
with open(os.path.join(work, "planted.json"), "w") as f:
    json.dump(planted, f)
for source in (reference_csv, os.path.join(work, "planted.json")):
    subprocess.run([app, "import", source, "--db", db], check=True, capture_output=True)

server = subprocess.Popen([app, "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


try:
    url = server.stdout.readline().strip()
    assert re.match(r"^http://127\.0\.0\.1:\d+/$", url), url
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=DRIVER) if hasattr(
        webdriver, "ChromeService") else webdriver.chrome.service.Service(DRIVER)
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(30)

    def load(path, name):
        browser.get(url.rstrip("/") + path)
        WebDriverWait(browser, 30).until(lambda b: b.find_element(
            By.ID, "qtb-status").get_attribute("data-done") == "1")
        status = browser.find_element(By.ID, "qtb-status")
        charts = int(status.get_attribute("data-charts"))
        rendered = int(status.get_attribute("data-rendered"))
        svgs = len(browser.find_elements(By.CSS_SELECTOR, "svg.marks"))
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        browser.save_screenshot(os.path.join(out_dir, name + ".png"))
        print(f"{path}: {charts} charts, {rendered} rendered, {svgs} svg.marks, "
              f"{len(errors)} console errors")
        check(rendered == charts and svgs == charts, f"{path}: {svgs}/{charts} charts drawn "
              f"({status.get_attribute('data-errors')})")
        check(not errors, f"{path}: console errors {errors}")

    ids = json.loads(subprocess.run([app, "results", "--format", "json", "--db", db,
                                     "--platform", "TX2", "--precision", "FP16"],
                                    check=True, capture_output=True, text=True).stdout)["rows"]
    compare_ids = ",".join(r["id"] for r in ids[:3])
    load("/", "home")
    load("/rows", "rows")
    load("/rows/" + ids[0]["id"], "row")
    load("/compare?ids=" + compare_ids, "compare")
    check(int(browser.find_element(By.ID, "qtb-status").get_attribute("data-charts")) > 0,
          "/compare has charts")
    load("/predict?model=mlp,cnv&prune=1,0.5&precision=INT8,FP16&platform=TX2", "predict")
    check(int(browser.find_element(By.ID, "qtb-status").get_attribute("data-charts")) == 1,
          "/predict draws the roofline")

    # A filter change updates the URL; reloading that URL restores the view.
    load("/rows", "rows-before-filter")
    Select(browser.find_element(By.NAME, "platform")).select_by_visible_text("TX2")
    WebDriverWait(browser, 30).until(lambda b: "platform=TX2" in b.current_url)
    filtered = browser.current_url
    count = browser.find_element(By.ID, "row-count").text
    check(count.startswith("480 rows"), f"filtered count {count!r}")
    check("precision" not in filtered, f"empty filters stay out of the URL: {filtered}")
    browser.get(filtered)
    check(browser.find_element(By.ID, "row-count").text == count, "reload restores the count")
    check(Select(browser.find_element(By.NAME, "platform")).first_selected_option.text == "TX2",
          "reload restores the selection")

    # The planted name is text: shown literally, no script ran, no element made from it.
    load("/rows?platform=" + subprocess.list2cmdline([]) + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
         "markup")
    table_text = browser.find_element(By.ID, "rows").text
    check(MARKUP in table_text, "the <script> platform is shown as text")
    check(len(browser.find_elements(By.CSS_SELECTOR, "main script")) == 0, "no script element")
    browser.quit()
finally:
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)

print("screenshots in", out_dir)
if failures:
    print(len(failures), "failures")
    sys.exit(1)
print("all browser checks passed")
