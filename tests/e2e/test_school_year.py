"""A school year turning over, in a real browser (5.4, 4.12, 4.13, 4.9, s8; DECISIONS.md "The school year").

A format whose programme ran last school year still has a working pair when the year is over. Its curator
prepares the next year's programme (a copy with new dates), publishes it; the pair's mentor and mentee read
it; the curator carries the unfinished pair into the new year, and the director's order approves it. Then the
carried pair is ended early at the mentee's request, the mentee chooses again among the mentors still
proposed to him, the new mentor confirms, and the new pair goes into an order while the ended one waits for
the order of changes. Last year stays readable: its programme, and the pair's journal of that year.

The scene is a format of its own added to the demo school (the demo's formats run this year's programme),
curated by the demo `curator2`; its four people get accounts of their own.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.db import db
from portal.models import (
    Account, Acknowledgement, BaseMembership, Consent, Meeting, MentoringFormat, Mentorship, MentorshipMember, Person, Programme,
    Proposal, School,
)
from portal.models.base import utcnow
from portal.services import accounts, passwords
from portal.services import consent as consents
from portal.services.programmes.checks import last_day
from portal.services.staff import scope_for
from portal.services import programmes as programme_rules
from tests.e2e.flows import acknowledge_regulation, log_in, open_login, path_is, screenshot, submit_login
from tests.e2e.test_every_page import PAGE_FACTS, faults_of

pytestmark = [pytest.mark.e2e, pytest.mark.clause("5.4", "4.12", "4.13", "4.9", "s8")]

FORMAT = "Учитель – молодой специалист"
PASSWORD = "novyi-uchebnyi-god-2026"
TODAY = date.today()
LAST_START = TODAY - timedelta(days=420)
LAST_END = last_day(LAST_START)  # twelve months: over about two months ago
ORDER_FIRST, ORDER_SECOND = "71-од", "72-од"


@dataclass
class Cast:
    format_id: int
    mentor: Person          # M1: last year's mentor, carried over
    mentee: Person          # the mentee of the carried pair, who later chooses again
    second_mentor: Person   # proposed to the mentee last year, chosen in the new one
    old_pair_id: int


def teacher(school, surname, first_name, patronymic, sex, login, role) -> Person:
    person = Person.create(school=school, kind="staff", sex=sex, surname=surname, first_name=first_name,
                           patronymic=patronymic, birth_date=date(1980 if role == "mentor" else 1999, 4, 2))
    account = accounts.create_account(None, person, login, roles=(role,))
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(Account.id == account.id).execute()
    document = consents.current_documents(school.id)["adult_self"]
    Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256)
    return person


def cast() -> Cast:
    """Last school year as it was left: the format, its programme, the bases, one working pair with a meeting,
    and a second mentor once proposed to the mentee. Written directly: what is under test happens on screen."""
    with db.connection_context(), db.atomic():
        school = School.select().first()
        coordinator = scope_for(Account.get(Account.login == "coordinator"))
        fmt = programme_rules.create_format(coordinator, FORMAT, "Второй год работы молодого учителя", "staff",
                                            "staff")
        accounts.grant_role(None, Account.get(Account.login == "curator2"), "curator", fmt)
        last = Programme.create(mentoring_format=fmt, title="Второй год в профессии", goals="Уверенность на уроке",
                                starts_on=LAST_START, ends_on=LAST_END)
        mentor = teacher(school, "Вересаева", "Ольга", "Игоревна", "f", "veresaeva", "mentor")
        mentee = teacher(school, "Ладогин", "Артём", "Павлович", "m", "ladogin", "mentee")
        second = teacher(school, "Тихомиров", "Лев", "Аркадьевич", "m", "tikhomirov", "mentor")
        for person, base in ((mentor, "mentor"), (second, "mentor"), (mentee, "mentee")):
            BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active", capacity=1)
            Acknowledgement.create(person=person, programme=last)
        old = Mentorship.create(mentoring_format=fmt, programme=last, mentor=mentor, status="active")
        MentorshipMember.create(mentorship=old, mentee=mentee)
        Meeting.create(mentorship=old, stage="first", held_on=LAST_START + timedelta(days=20),
                       topic="Знакомство: с чего начинается второй год", logged_by=mentor)
        Proposal.create(mentoring_format=fmt, mentee=mentee, mentor=mentor, proposed_by=coordinator.person,
                        status="chosen", mentorship=old)
        Proposal.create(mentoring_format=fmt, mentee=mentee, mentor=second, proposed_by=coordinator.person)
        return Cast(fmt.id, mentor, mentee, second, old.id)


def fits_a_phone(page: Page) -> None:
    """The page as a parent's or a curator's phone shows it (360 px): no sideways scroll, finger-sized
    buttons, one h1, no serious axe fault."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_function("() => window.innerWidth === 360 && matchMedia('(max-width: 400px)').matches")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    faults = faults_of(page, page.url, page.evaluate(PAGE_FACTS), 200)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function("() => window.innerWidth === 1280")
    assert not faults, "\n".join(faults)


def log_in_own(page: Page, login: str, home: str) -> None:
    open_login(page)
    submit_login(page, login, PASSWORD)
    acknowledge_regulation(page)
    expect(page).to_have_url(path_is(home))


def read_programme(page: Page, scene: Cast, person: Person, home: str) -> None:
    """The participant reads the new year's programme on their home page (4.12)."""
    card = page.locator(f"#programme-{scene.format_id}")
    expect(card).to_contain_text("Второй год в профессии")
    expect(card).to_contain_text(f"с {(LAST_END + timedelta(days=1)).day} ")
    button = "Ознакомлена с программой" if person.sex == "f" else "Ознакомлен с программой"
    card.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(path_is(home))
    expect(page.locator(f"#programme-{scene.format_id}")).to_contain_text("Вы ознакомлены с программой")


def register_order(page: Page, mentee: Person, number: str) -> None:
    """The coordinator drafts the order on the pairs ready for it (this mentee's) and registers it."""
    page.goto("/coordinator/orders")
    ready = page.locator("#ready tbody tr").filter(has_text=mentee.full_name)
    ready.get_by_role("checkbox").check()
    page.get_by_role("button", name="Составить проект приказа", exact=True).click()
    expect(page.get_by_role("heading", name="Проект приказа", exact=True)).to_be_visible()
    page.get_by_label("Номер приказа", exact=True).fill(number)
    page.get_by_label("Дата приказа", exact=True).fill(TODAY.isoformat())
    page.get_by_role("button", name="Зарегистрировать приказ", exact=True).click()
    expect(page.get_by_text(f"Приказ № {number} зарегистрирован. Пары приказа действуют.")).to_be_visible()


def test_a_year_turns_over_and_the_old_one_stays_readable(page, new_page):
    scene = cast()
    curator, mentor, mentee, coordinator, second = new_page(), new_page(), new_page(), new_page(), new_page()

    # The year is over: the curator sees the unfinished pair and prepares the next year's programme.
    log_in(curator, "curator2")
    curator.goto(f"/staff/formats/{scene.format_id}/programme")
    unfinished = curator.locator("#unfinished")
    expect(unfinished).to_contain_text(scene.mentor.short_name)
    expect(unfinished).to_contain_text("опубликуйте программу нового учебного года")
    fits_a_phone(curator)
    next_year = curator.locator("#next-year")
    expect(next_year.get_by_label("Начало нового учебного года")).to_have_value(
        (LAST_END + timedelta(days=1)).isoformat())
    next_year.get_by_role("button", name="Подготовить программу нового года", exact=True).click()
    expect(curator.get_by_role("heading", name="Программа нового учебного года: черновик")).to_be_visible()
    fits_a_phone(curator)
    curator.get_by_label("Педагогический совет", exact=True).fill((LAST_END - timedelta(days=3)).isoformat())
    curator.get_by_role("button", name="Сохранить изменения", exact=True).click()
    expect(curator.get_by_text("Черновик программы сохранён.")).to_be_visible()
    curator.get_by_role("link", name="Опубликовать программу", exact=True).click()
    expect(curator.get_by_role("heading", name="Опубликовать программу нового учебного года?")).to_be_visible()
    fits_a_phone(curator)
    curator.get_by_role("button", name="Да, опубликовать", exact=True).click()
    expect(curator.get_by_text("Программа нового учебного года опубликована")).to_be_visible()
    expect(curator.locator("#past")).to_contain_text("Второй год в профессии")
    screenshot(curator, "year-programme-published")

    # Carrying waits until both have read the new programme (4.12): refused in words, nothing changes.
    curator.locator("#unfinished").get_by_role("link", name="Перенести в новый год").click()
    fits_a_phone(curator)
    curator.get_by_role("button", name="Да, перенести", exact=True).click()
    expect(curator.get_by_role("alert")).to_contain_text("не ознакомлены с программой")

    log_in_own(mentor, "veresaeva", "/mentor/")
    read_programme(mentor, scene, scene.mentor, "/mentor/")
    log_in_own(mentee, "ladogin", "/mentee/")
    read_programme(mentee, scene, scene.mentee, "/mentee/")

    curator.get_by_role("button", name="Да, перенести", exact=True).click()
    expect(curator.get_by_text("перенесена в программу нового учебного года: она ждёт приказа директора")) \
        .to_be_visible()
    expect(curator.locator("#pair-state")).to_contain_text("подтверждена наставником")
    fits_a_phone(curator)
    curator.get_by_role("link", name="пара, которую продолжает эта", exact=True).click()
    expect(curator.locator("#pair-state")).to_contain_text("продолжена в новом учебном году")

    # The director's order approves the carried pair for the new year.
    log_in(coordinator, "coordinator")
    register_order(coordinator, scene.mentee, ORDER_FIRST)
    with db.connection_context():
        carried = Mentorship.get(Mentorship.carried_from == scene.old_pair_id)
        assert carried.status == "active"

    # Last year stays readable: the mentor's journal of that year, with the link from this year's pair.
    mentor.goto(f"/mentor/pairs/{carried.id}")
    mentor.get_by_role("link", name="История пары в прошлом учебном году", exact=True).click()
    expect(mentor).to_have_url(path_is(f"/mentor/pairs/{scene.old_pair_id}"))
    expect(mentor.get_by_text("Знакомство: с чего начинается второй год")).to_be_visible()
    expect(mentor.locator("#pair-head")).to_contain_text("пара перенесена в программу нового учебного года")
    fits_a_phone(mentor)
    curator.goto(f"/staff/formats/{scene.format_id}/programme")
    curator.locator("#past").get_by_role("link", name="Второй год в профессии").click()
    expect(curator.get_by_role("heading", name="Программа прошлого учебного года")).to_be_visible()
    expect(curator.locator("main form")).to_have_count(0)
    fits_a_phone(curator)

    # Mid-year the mentee asks to change mentor: the curator ends the pair early.
    curator.goto(f"/staff/pairs/{carried.id}")
    curator.get_by_role("link", name="Завершить досрочно", exact=True).click()
    curator.get_by_label("Причина", exact=True).select_option(label="по просьбе наставляемого")
    curator.get_by_role("button", name="Да, завершить досрочно", exact=True).click()
    expect(curator.locator("#pair-state")).to_contain_text("досрочно завершена")

    # The mentee chooses again among the mentors still proposed; the new mentor reads and confirms.
    mentee.goto("/mentee/choice")
    card = mentee.locator("article.mentor-card").filter(has_text=scene.second_mentor.full_name)
    card.get_by_role("button", name="Выбрать", exact=True).click()
    expect(mentee.locator(f"#choice-{scene.format_id}").get_by_role("status")).to_contain_text("Вы выбрали наставника")
    log_in_own(second, "tikhomirov", "/mentor/")
    read_programme(second, scene, scene.second_mentor, "/mentor/")
    request = second.locator("#waiting article").filter(has_text=scene.mentee.full_name)
    request.get_by_role("button", name="Подтвердить", exact=True).click()
    expect(second.get_by_text("Вы подтвердили пару.")).to_be_visible()

    # The new pair goes into an order; the ended one waits for the order of changes.
    coordinator.goto("/coordinator/orders")
    expect(coordinator.locator(f"#change-{carried.id}")).to_contain_text("по просьбе наставляемого")
    register_order(coordinator, scene.mentee, ORDER_SECOND)
    with db.connection_context():
        newest = (Mentorship.select().join(MentorshipMember)
                  .where((MentorshipMember.mentee == scene.mentee.id) & (Mentorship.mentoring_format == scene.format_id))
                  .order_by(Mentorship.id.desc()).first())
        assert (newest.mentor_id, newest.status) == (scene.second_mentor.id, "active")
    screenshot(coordinator, "year-second-order")
