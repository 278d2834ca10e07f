"""Each demo login, in a real browser: log in, acknowledge the regulation, see the role's own home page."""
import re

import pytest
from playwright.sync_api import Page, expect

from portal.db import db
from portal.models import Account, Person
from tests.e2e.flows import (
    HOME_PATHS, PASSWORD, acknowledge_regulation, follow_menu, log_in, open_login, path_is, screenshot, submit_login,
    wait_for_htmx,
)

pytestmark = pytest.mark.e2e

MENTEE = "Иванов Пётр Сергеевич"  # portal/demo.py renames the demo mentee so


def full_name(login: str) -> str:
    """The demo gives the mentor a random surname: read it as the live server's database holds it."""
    with db.connection_context():
        return Person.select().join(Account).where(Account.login == login).get().full_name


def see_coordinator_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Школа в целом", exact=True)).to_be_visible()
    formats = page.locator("section", has=page.get_by_role("heading", name="Формы наставничества"))
    for name in ("Ученик – ученик", "Учитель – учитель", "Учитель – ученик"):
        expect(formats.get_by_role("cell", name=name, exact=True)).to_be_visible()


def see_curator_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Форма «Ученик – ученик»", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Пары и группы")).to_be_visible()


def see_mentor_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Мои наставляемые", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=MENTEE, exact=True)).to_be_visible()


def see_mentee_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Моя программа наставничества")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Наставник: {full_name('mentor')}", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("^Форма «Учитель – ученик»"))).to_be_visible()  # the pair's card


def see_parent_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Мои дети", exact=True)).to_be_visible()
    child = page.get_by_role("heading", name=f"{MENTEE}, 8Б класс", exact=True)
    expect(child).to_be_visible()
    expect(page.locator("section", has=child)).to_contain_text(f"Наставник: {full_name('mentor')}")


def see_candidate_home(page: Page) -> None:
    """mentor2–mentor4: the seniors proposed to the demo mentee; nobody has chosen them yet."""
    expect(page.get_by_role("heading", name="Мои наставляемые", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Программа формы «Ученик – ученик»", exact=True)).to_be_visible()


def see_parent2_home(page: Page) -> None:
    expect(page.get_by_role("heading", name="Мои дети", exact=True)).to_be_visible()
    expect(page.locator(".consent-waiting")).to_contain_text("Ждёт вашей подписи")


def see_class_teacher_home(page: Page) -> None:
    """classteacher: the pupils of 7А, each with «Предложить в базу»."""
    expect(page.get_by_role("heading", name="Мои классы: 7А", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Предложить в базу")).first).to_be_visible()


def see_psychologist_home(page: Page) -> None:
    """psychologist: the school's requests for support, one waiting and one taken up."""
    expect(page.get_by_role("heading", name="Обращения за психологической поддержкой", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Открыть")).first).to_be_visible()


HOMES = [
    pytest.param("coordinator", see_coordinator_home, id="coordinator"),
    pytest.param("curator", see_curator_home, id="curator"),
    pytest.param("mentor", see_mentor_home, id="mentor"),
    pytest.param("mentee", see_mentee_home, id="mentee"),
    pytest.param("parent", see_parent_home, id="parent"),
    *(pytest.param(login, see_candidate_home, id=login) for login in ("mentor2", "mentor3", "mentor4")),
    pytest.param("parent2", see_parent2_home, id="parent2"),
    pytest.param("classteacher", see_class_teacher_home, id="classteacher"),
    pytest.param("psychologist", see_psychologist_home, id="psychologist"),
]


@pytest.mark.clause("s10", part="regulation")
@pytest.mark.parametrize(("login", "see_home"), HOMES)
def test_first_login_acknowledges_the_regulation_then_shows_the_roles_home(page, login, see_home):
    open_login(page)
    submit_login(page, login, PASSWORD)
    acknowledge_regulation(page)
    expect(page).to_have_url(path_is(HOME_PATHS[login]))
    see_home(page)
    screenshot(page, f"home-{login}")


def test_wrong_password_is_refused_on_the_login_page(page):
    open_login(page)
    submit_login(page, "mentor", "not-the-password")
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("alert")).to_have_text("Неверный логин или пароль.")
    expect(page.get_by_label("Логин", exact=True)).to_have_value("mentor")


@pytest.mark.clause("s10", part="regulation")
def test_logout_returns_to_the_login_page_and_the_acknowledgement_is_asked_once(page):
    log_in(page, "mentee")
    page.get_by_role("button", name="Выйти", exact=True).click()
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("heading", name="Вход в портал")).to_be_visible()

    page.goto(HOME_PATHS["mentee"])  # the session is really over
    expect(page).to_have_url(path_is("/login"))

    submit_login(page, "mentee", PASSWORD)  # came back with ?next=/mentee/
    expect(page).to_have_url(path_is(HOME_PATHS["mentee"]))  # no second acknowledgement


def test_wrong_current_password_swaps_the_form_in_place(page):
    log_in(page, "mentor")
    follow_menu(page, "Пароль")
    expect(page).to_have_url(path_is("/password"))
    wait_for_htmx(page)  # htmx loaded under the CSP (script from 'self', nothing inline)
    page.evaluate("window.__marker = 1")

    page.get_by_label("Текущий пароль", exact=True).fill("not-the-password")
    page.get_by_label("Новый пароль", exact=True).fill("zelyonaya-lampa-42")
    page.get_by_label("Новый пароль ещё раз", exact=True).fill("zelyonaya-lampa-42")
    with page.expect_response(lambda r: r.url.endswith("/password") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Сменить пароль").click()
    assert answer.value.status == 422
    assert answer.value.request.headers.get("hx-request") == "true"

    current = page.get_by_label("Текущий пароль", exact=True)
    field = page.locator(".field", has=current)
    expect(field.locator(".error")).to_have_text("Текущий пароль введён неверно.")
    expect(current).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping the form"
    expect(page.locator("#password-form")).to_have_count(1)
