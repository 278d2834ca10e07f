"""Every page each demo login can reach, on a phone (375 × 812) and on a desktop (1280 × 800).

People use the portal on phones: on each page the page itself never scrolls sideways, every primary
button lies within the screen, on a phone every button is at least 44 px tall (a finger), the page has
exactly one h1, and axe-core (the engine vendored by
axe-playwright-python, run inside real Chromium) finds no critical or serious violation.

The crawl starts at the login's home page and follows same-site links two steps deep (the menu, then
what its pages link to); URLs are grouped by their shape (digits → N) and a few of each shape are
visited, so a list of 200 people costs a few pages, not 200. Files (PDF, XLSX, CSV) are not pages.
"""
import re
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from portal import demo
from tests.e2e.flows import ACKNOWLEDGE, open_login, submit_login

pytestmark = [pytest.mark.e2e, pytest.mark.quality("accessibility")]

# None: a visitor who has not logged in (the front page, the login, the invitation, checking a document).
LOGINS = [None, "coordinator", "curator", "curator2", "curator3", "mentor", "mentor2", "mentee", "parent", "parent2",
          "classteacher", "psychologist"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
DEPTH = 2
PER_SHAPE = 2          # pages visited of each URL shape
MAX_PAGES = 80         # per login and screen: a bound, far above what the demo has
SERIOUS = ("critical", "serious")
NOT_PAGES = re.compile(r"(\.pdf|\.xlsx|\.csv|\.docx|/pdf|/docx|/scan|/export|/file|/target-model/\d+"
                       r"|/training/(materials|certificates)/\d+)$")
AXE = Axe()

PAGE_FACTS = """() => {
  const width = window.innerWidth;
  const primaries = [...document.querySelectorAll("button.primary, .button.primary")]
    .filter(el => el.offsetParent !== null)
    .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
    .filter(([, box]) => box.left < 0 || box.right > width + 0.5)
    .map(([text, box]) => `${text} (${Math.round(box.left)}…${Math.round(box.right)} px)`);
  // On a phone every button is a finger's size: 44 px tall at least.
  const small = width >= 720 ? [] : [...document.querySelectorAll("button, .button, summary, input[type=submit]")]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 43.5)
    .map(el => `${el.textContent.trim() || el.value} (${Math.round(el.getBoundingClientRect().height)} px)`);
  const links = [...document.querySelectorAll("a[href]")]
    .filter(a => !a.hasAttribute("download")).map(a => a.getAttribute("href"));
  return {scrollWidth: document.documentElement.scrollWidth, width, primaries, small, links,
          h1: document.querySelectorAll("h1").length};
}"""


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def log_in(page: Page, login: str) -> list[str]:
    """Log in; the page of the first login (the regulation to acknowledge) is checked on the way."""
    open_login(page)
    submit_login(page, login)
    page.wait_for_load_state("load")
    faults = faults_of(page, urlsplit(page.url).path, page.evaluate(PAGE_FACTS), 200)
    page.get_by_role("button", name=ACKNOWLEDGE, exact=True).click()
    page.wait_for_load_state("load")
    return faults


def crawl(page: Page, start: str):
    """Yield (path, facts) for each page visited, breadth first from `start`."""
    seen_shapes: dict[str, int] = {}
    visited: set[str] = set()
    frontier = [start]
    for _depth in range(DEPTH + 1):
        following = []
        for url in frontier:
            if url in visited or len(visited) >= MAX_PAGES:
                continue
            visited.add(url)
            response = page.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            page.wait_for_load_state("load")
            facts = page.evaluate(PAGE_FACTS)
            yield url, facts, response.status
            for href in facts["links"]:
                target = urlsplit(urljoin(page.url, href))
                if target.netloc != urlsplit(page.url).netloc or NOT_PAGES.search(target.path):
                    continue
                link = target.path + (f"?{target.query}" if target.query else "")
                key = shape(target.path)
                if link in visited or link in following or seen_shapes.get(key, 0) >= PER_SHAPE:
                    continue
                seen_shapes[key] = seen_shapes.get(key, 0) + 1
                following.append(link)
        frontier = following


def faults_of(page: Page, url: str, facts: dict, status: int) -> list[str]:
    faults = []
    if status >= 400:
        faults.append(f"{url}: HTTP {status}")
    if facts["scrollWidth"] > facts["width"]:
        faults.append(f"{url}: the page scrolls sideways ({facts['scrollWidth']} px > {facts['width']} px)")
    for button in facts["primaries"]:
        faults.append(f"{url}: primary button off screen: {button}")
    for button in facts["small"]:
        faults.append(f"{url}: a button smaller than a finger: {button}")
    if facts["h1"] != 1:
        faults.append(f"{url}: {facts['h1']} h1 elements")
    for violation in AXE.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            faults.append(f"{url}: axe {violation['impact']} {violation['id']}: {violation['help']} — {targets}")
    return faults


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["375px", "1280px"])
@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login or "visitor")
def test_every_page_fits_the_screen_and_passes_axe(browser, live_server, login, screen):
    context = browser.new_context(base_url=live_server, locale="ru-RU", timezone_id="Europe/Moscow",
                                  viewport=screen)
    try:
        page = context.new_page()
        faults = log_in(page, login) if login else []
        pages = 0
        for url, facts, status in crawl(page, urlsplit(page.url).path if login else "/"):
            pages += 1
            faults += faults_of(page, url, facts, status)
    finally:
        context.close()
    assert pages > 3, f"{login} reached only {pages} pages"
    assert not faults, f"{len(faults)} faults on {pages} pages:\n  " + "\n  ".join(faults)
