"""Russian put together right: names declined after prepositions, words agreeing with a person's sex,
dates that end a sentence without «г..», nested quotes «…„…“…» (issue 12, item 4).

The filters are tested one by one; then every page the demo logins reach from their home page (two
links deep) is read as text and searched for the faults seen on the demo: «..», a word said twice
(«Программа «Программа…»), a person's name in the nominative right after «с», «о», «для», «у», «к»…,
or one name said twice in a sentence.
"""
import re
from datetime import date, datetime
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest

from portal import demo, formatting
from portal.db import db
from portal.models import Person
from portal.names import CASES, full_name, short_name

pytestmark = pytest.mark.quality("language")

ANNA = SimpleNamespace(surname="Иванова", first_name="Анна", patronymic="Сергеевна", sex="f")
PETR = SimpleNamespace(surname="Иванов", first_name="Пётр", patronymic="Сергеевич", sex="m")


# --- the filters -------------------------------------------------------------------------------------

def test_name_filter_declines_for_the_preposition(app):
    render = app.jinja_env.from_string
    assert render('пара с {{ p|name("instrumental") }}').render(p=ANNA) == "пара с Ивановой Анной Сергеевной"
    assert render('пара с {{ p|name("instrumental") }}').render(p=PETR) == "пара с Ивановым Петром Сергеевичем"
    assert render('для {{ p|name("genitive") }}').render(p=PETR) == "для Иванова Петра Сергеевича"
    assert render('{{ p|name }}').render(p=PETR) == "Иванов Пётр Сергеевич"
    assert render('к {{ p|short_name("dative") }}').render(p=ANNA) == "к Ивановой А. С."
    assert short_name(PETR) == "Иванов П. С."


def test_name_filter_keeps_a_destroyed_persons_label(app):
    """After destruction a person is only a label («Наставляемый № 12»); it is not a name to decline."""
    label = SimpleNamespace(surname="Наставляемый № 12", first_name="", patronymic="", sex="m",
                            destroyed_at=datetime(2026, 1, 1), full_name="Наставляемый № 12")
    assert formatting.name(label, "instrumental") == "Наставляемый № 12"


def test_role_words_agree_with_a_girl(app):
    render = app.jinja_env.from_string
    assert render('{{ p|role("обучающийся") }}').render(p=ANNA) == "обучающаяся"
    assert render('{{ p|role("обучающийся") }}').render(p=PETR) == "обучающийся"
    assert formatting.role(ANNA, "наставляемый") == "наставляемая"
    assert formatting.role(ANNA, "наставник") == "наставник"
    assert formatting.role(ANNA, "куратор") == "куратор"


def test_hedges_resolved_in_the_persons_gender():
    assert formatting.agree(ANNA, "совсем не согласен(на)") == "совсем не согласна"
    assert formatting.agree(PETR, "совсем не согласен(на)") == "совсем не согласен"
    assert formatting.agree(ANNA, "доволен(льна)") == "довольна"
    assert formatting.agree(PETR, "удовлетворён(а)") == "удовлетворён"
    assert formatting.agree(ANNA, "удовлетворён(а)") == "удовлетворена"
    assert formatting.agree(ANNA, "Внёс(ла) куратор") == "Внесла куратор"
    assert formatting.agree(ANNA, "Он(а) выполняет то, о чём мы договорились.") == \
        "Она выполняет то, о чём мы договорились."
    assert formatting.agree(ANNA, "Я уверен(а) в своих силах, сам(а) ставлю цели") == \
        "Я уверена в своих силах, сама ставлю цели"
    assert formatting.agree(PETR, "Он(а) выполняет то, о чём мы договорились.", about=ANNA) == \
        "Она выполняет то, о чём мы договорились."
    assert formatting.agree(ANNA, "Я бы продолжил(а) работу; он(а) помогает", about=PETR) == \
        "Я бы продолжила работу; он помогает"
    assert formatting.agree(None, "согласен(на)") == "согласен(на)"
    assert formatting.agree(ANNA, "скорее да") == "скорее да"


def test_scale_options_in_the_answering_persons_gender():
    """The words a woman picks read «совсем не согласна»; the stored code stays «disagree»."""
    from portal.services.monitoring import SCALES
    words = dict(SCALES["agree"])
    assert formatting.agree(ANNA, words["disagree"]) == "совсем не согласна"
    assert formatting.agree(PETR, words["disagree"]) == "совсем не согласен"
    assert formatting.agree(ANNA, words["rather_agree"]) == "скорее согласна"


def test_a_date_ending_a_sentence_has_one_full_stop(app):
    render = app.jinja_env.from_string
    day = date(2026, 12, 6)
    assert render("Срок — {{ d|ru_date|full_stop }}").render(d=day) == "Срок — 6 декабря 2026 г."
    assert render("с {{ d|ru_date }} по …").render(d=day) == "с 6 декабря 2026 г. по …"
    assert formatting.ru_date(day) == "6 декабря 2026 г."
    assert formatting.full_stop("Срок — 6 декабря 2026 г.") == "Срок — 6 декабря 2026 г."
    assert formatting.full_stop("Готово") == "Готово."


def test_nested_quotes():
    assert formatting.quoted("Программа наставничества «Учитель – ученик»") == \
        "«Программа наставничества „Учитель – ученик“»"
    assert formatting.quoted("Учитель – ученик") == "«Учитель – ученик»"
    assert formatting.quoted("«Учитель – ученик»") == "«Учитель – ученик»"


# --- every demo page ---------------------------------------------------------------------------------

# Every demo login, and the two curators of the other formats, which demo.LOGINS leaves out.
LOGINS = tuple(dict.fromkeys(demo.LOGINS + ("curator2", "curator3")))
MAX_PAGES_PER_LOGIN = 120
PER_PATTERN = 2
SKIP = re.compile(r"/logout|/static/|\.(pdf|csv|xlsx|zip|png|svg|ico)$|/export|/download|/pdf", re.I)
PREPOSITIONS = ("с", "со", "о", "об", "для", "у", "к", "ко", "от")
DOUBLE_STOP_RE = re.compile(r"(?<!\.)\.\.(?!\.)")
# The same word twice, across spaces and quotes («Программа «Программа…»), in any case.
DOUBLED_WORD_RE = re.compile(r"(?<![А-Яа-яЁё])([А-Яа-яЁё]{2,})[\s«»„“\"]+\1(?![А-Яа-яЁё])", re.I)


class _Text(HTMLParser):
    """The words a reader sees, and the links to follow."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        if tag in ("p", "div", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "h4", "section", "option",
                   "label", "button", "dt", "dd", "legend", "title", "caption", "summary"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag in ("p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "option", "label", "button",
                   "dt", "dd", "legend", "title", "caption", "summary"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(html: str):
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.parts)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return [line for line in lines if line], parser.links


def _pattern(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def _crawl(client, start="/"):
    """(url, lines) of every HTML page two links from `start`, each URL pattern a few times."""
    seen, per_pattern, pages = set(), {}, []
    frontier = [start]
    for _depth in range(3):
        following = []
        for url in frontier:
            if url in seen or len(pages) >= MAX_PAGES_PER_LOGIN:
                continue
            seen.add(url)
            pattern = _pattern(url)
            if per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            response = client.get(url, follow_redirects=True)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            url = response.request.path + (f"?{response.request.query_string.decode()}"
                                           if response.request.query_string else "")
            seen.add(url)
            lines, links = _read(response.get_data(as_text=True))
            pages.append((url, lines))
            for href in links:
                target = urljoin("http://localhost" + url, href)
                parts = urlsplit(target)
                if parts.netloc != "localhost" or parts.scheme not in ("http", "https"):
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if SKIP.search(parts.path) or path in seen:
                    continue
                following.append(path)
        frontier = following
    return pages


def _nominative_names():
    """Full and short nominative names of the demo people, those that some case changes."""
    names = set()
    for person in Person.select():
        if person.destroyed_at:
            continue
        nominative = full_name(person)
        if all(full_name(person, case) != nominative for case in CASES if case != "nominative"):
            names.add(nominative)
            names.add(short_name(person))
    return names


def _faults(lines, names):
    faults = []
    name_re = re.compile(r"(?<![А-Яа-яЁё])(" + "|".join(PREPOSITIONS) + r") (" +
                         "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![а-яё])",
                         re.I) if names else None
    for line in lines:
        if DOUBLE_STOP_RE.search(line):
            faults.append(f"«..»: {line}")
        for match in DOUBLED_WORD_RE.finditer(line):
            faults.append(f"«{match.group(0)}»: {line}")
        for person in names:
            # «наставник Титов Артём Павлович; о работе с человеком: Титов Артём Павлович»: said twice.
            if " " in person and "." not in person and line.count(person) > 1:
                faults.append(f"«{person}» twice: {line}")
        for match in name_re.finditer(line) if name_re else ():
            # «С» and «О» also start sentences («О программе»); only the lower-case preposition is checked.
            if match.group(1).islower():
                faults.append(f"nominative after «{match.group(1)}»: {line}")
    return faults


@pytest.fixture
def demo_school(app):
    with db.connection_context():
        demo.load()


@pytest.mark.parametrize("login_name", LOGINS)
def test_every_demo_page_reads_as_russian(demo_school, client, login, login_name):
    login(login_name, password=demo.PASSWORD)
    with db.connection_context():
        names = _nominative_names()
    pages = _crawl(client)
    assert len(pages) > 3, [url for url, _ in pages]
    faults = [f"{url}: {fault}" for url, lines in pages for fault in _faults(lines, names)]
    assert not faults, "\n".join(sorted(set(faults)))


def test_a_girl_answers_a_questionnaire_in_her_own_gender(demo_school, client, login):
    """The demo mentor's second mentee, a girl, given a login: her scale reads «согласна», her questions
    «уверена», and the stored answer codes are the same words as anyone's."""
    from portal.models import Account, Mentorship, MentorshipMember
    from portal.services import accounts, passwords
    with db.connection_context():
        mentor = Person.select().join(Account).where(Account.login == "mentor").get()
        girl = (Person.select().join(MentorshipMember, on=(MentorshipMember.mentee == Person.id)).join(Mentorship)
                .where((Mentorship.mentor == mentor) & (Person.sex == "f")).first())
        assert girl is not None, "the demo mentor has a girl among the mentees"
        account = accounts.create_account(None, girl, "girl", roles=("mentee",))
        Account.update(password_hash=passwords.hash_password(demo.PASSWORD)).where(Account.id == account.id).execute()
    login("girl", password=demo.PASSWORD)
    pages = [(url, lines) for url, lines in _crawl(client) if url.startswith("/mentee/monitoring/")]
    assert pages, "she has a questionnaire to answer"
    text = "\n".join(line for _, lines in pages for line in lines)
    assert "согласна" in text and "согласен" not in text and "(а)" not in text
    assert "наставник " + full_name(mentor) in text
    # What she posts is the scale's code, the same as anyone's: only the words shown agree with her.
    assert 'value="rather_agree"' in client.get(pages[0][0]).get_data(as_text=True)


def test_the_choice_screen_describes_each_candidate_in_their_own_gender(demo_school, client, login):
    """«Юдина Ульяна Олеговна — обучающаяся, почему предложена»: the card agrees with the candidate."""
    login("mentee", password=demo.PASSWORD)
    page = client.get("/mentee/choice").get_data(as_text=True)
    cards = re.findall(r'<article class="card mentor-card[^"]*" id="proposal-\d+"[^>]*>(.*?)</article>', page, re.S)
    assert len(cards) == 3
    with db.connection_context():
        for card in cards:
            lines, _ = _read(card)
            person = next(p for p in Person.select() if p.full_name == lines[0])
            female = person.sex == "f"
            assert ("обучающаяся" if female else "обучающийся") in lines, lines
            assert any(line.startswith("Почему предложена:" if female else "Почему предложен:") for line in lines), lines
