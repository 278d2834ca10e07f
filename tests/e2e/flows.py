"""Steps every browser flow shares: open the site, log in through the form, acknowledge the regulation."""
import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal import demo

PASSWORD = demo.PASSWORD
HOME_PATHS = {"coordinator": "/coordinator/", "curator": "/curator/", "mentor": "/mentor/",
              "mentee": "/mentee/", "parent": "/parent/",
              "curator2": "/curator/", "curator3": "/curator/", "mentor2": "/mentor/", "mentor3": "/mentor/",
              "mentor4": "/mentor/", "parent2": "/parent/", "classteacher": "/class-teacher/",
              "psychologist": "/psychologist/"}
# The button reads in the person's own gender, «ознакомлен» or «ознакомлена».
ACKNOWLEDGE = re.compile(r"^С Положением о наставничестве ознакомлена?$")


def path_is(path: str) -> re.Pattern:
    """A URL pattern for expect(page).to_have_url: this path, any query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def open_login(page: Page) -> None:
    """From the front page, as a visitor would: the «Войти» button."""
    page.goto("/")
    page.get_by_role("link", name="Войти", exact=True).click()
    expect(page).to_have_url(path_is("/login"))


def submit_login(page: Page, login: str, password: str = PASSWORD) -> None:
    page.get_by_label("Логин", exact=True).fill(login)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()


def acknowledge_regulation(page: Page) -> None:
    expect(page).to_have_url(path_is("/regulation/acknowledge"))
    expect(page.get_by_role("heading", name="Прежде чем начать")).to_be_visible()
    page.get_by_role("button", name=ACKNOWLEDGE, exact=True).click()


def log_in(page: Page, login: str, password: str = PASSWORD, first_time: bool = True) -> None:
    """Log a demo account in from the front page and land on its home page."""
    open_login(page)
    submit_login(page, login, password)
    if first_time:
        acknowledge_regulation(page)
    expect(page).to_have_url(path_is(HOME_PATHS[login]))
    page.wait_for_load_state("load")


def wait_for_htmx(page: Page) -> None:
    """Clicking before the deferred htmx has run would post the form the old way: wait for it."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")


def screenshot(page: Page, name: str) -> None:
    """With E2E_SCREENSHOTS=<dir> set, keep a full-page picture to look at (never kept in the repo)."""
    target = os.environ.get("E2E_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret leaves style="" on inputs, which htmx would copy into
        # swapped elements and the CSP would then (rightly) block.
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True, caret="initial")


AXE = Axe()


def on_a_phone(page: Page, name: str) -> None:
    """The page as it stands, screenshotted: nothing sticks out to the right at 360 px, and axe finds nothing
    critical or serious. Measured once the page has loaded: a click that navigates returns when the new page
    commits, and a page measured before its stylesheet arrives is wider than the phone."""
    page.wait_for_load_state("load")
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    serious = [v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in ("critical", "serious")]
    assert not serious, f"{name}: {serious}"


def log_out(page: Page) -> None:
    """The «Выйти» button in the header: back on the login page."""
    page.get_by_role("button", name="Выйти", exact=True).click()
    expect(page).to_have_url(path_is("/login"))


def follow_menu(page: Page, name: str) -> None:
    """Click an entry of the main menu as a person would: on a phone open «Меню» first, on a desktop the
    entry's group (templates/_menu.html)."""
    # Whether «Меню» shows depends on the stylesheet: asked before the page has loaded it, a desktop says
    # «visible» and the click then waits for a button the stylesheet hides.
    page.wait_for_load_state("load")
    nav = page.get_by_role("navigation", name="Главное меню")
    button = nav.locator("summary.menu-button")
    if button.is_visible() and nav.locator("details.menu-all[open]").count() == 0:
        button.click()
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("details.menu-group").filter(has=page.locator(f'a:text-is("{name}")')).locator("summary").click()
    link.click()


def demo_active_pair():
    """The demo `mentor` and their active pair with the demo `mentee`, read inside the caller's connection."""
    from portal.models import Account, Mentorship, MentorshipMember, Person

    mentor = Person.get_by_id(Account.get(Account.login == "mentor").person_id)
    mentee = Account.get(Account.login == "mentee").person_id
    pair = (Mentorship.select().join(MentorshipMember, on=(MentorshipMember.mentorship == Mentorship.id))
            .where((Mentorship.mentor == mentor) & (MentorshipMember.mentee == mentee)
                   & (Mentorship.status == "active")).get())
    return mentor, pair
