"""«Наши наставники» and the honour board «Лучшие наставники» (s9): only people with a valid consent to
dissemination (152-ФЗ art. 10.1), only the fields it names, gone at the next request after a withdrawal with
the pages kept rendered between requests; no person's id or name in any public address; cheap when kept."""
import re
from datetime import date

import pytest

from portal.models import Consent, ConsentDocument, HonourEntry, PublicProfile
from portal.services import consent as consents
from portal.services import honour, public_pages, uploads
from tests.conftest import PortalClient
from tests.consent.test_gate import ADULT_DATA, accept_esign
from tests.querycount import count_queries

ADULT = date(1984, 4, 2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PAGES = ("/public/mentors", "/public/honour")


@pytest.fixture
def cached(app):
    """What PUBLIC_CACHE (on outside the tests) gives every app."""
    app.extensions["public_cache"] = public_pages.PageCache()
    return app


@pytest.fixture
def visitor(app):
    """Someone on the school's site: no login, no cookie of the portal."""
    return PortalClient(app.test_client())


def _mentor(make_account, make_person, surname):
    person = make_person(kind="staff", sex="f", surname=surname, first_name="Вера", patronymic="Ивановна",
                         birth_date=ADULT)
    return make_account("mentor", person=person)


def _consent(person, fields):
    document = consents.current_documents(person.school_id)["dissemination"]
    return Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256,
                          public_fields=fields)


def _coordinator():
    from portal.models import Account
    return Account.get(Account.login == "coordinator0").person


def _profile(person, text="Веду шахматный клуб", photo=True):
    stored = uploads.store(person.school_id, person, "фото.png", PNG, allowed=("png",)) if photo else None
    return PublicProfile.create(person=person, text=text, photo=stored,
                                photo_token=public_pages.new_token() if photo else None)


@pytest.mark.clause("s9")
def test_a_withdrawn_consent_takes_the_person_off_both_pages_at_the_next_request(
        cached, client, visitor, login, make_account, make_person):
    account = _mentor(make_account, make_person, "Сизова")
    login(account.login)
    accept_esign(client)
    client.get(f"/consent/{account.person.id}/dissemination")
    signed = client.post(f"/consent/{account.person.id}/dissemination",
                         dict(ADULT_DATA, public_fields=["role", "text", "achievements"]))
    assert signed.status_code == 303
    consent = Consent.select().join(ConsentDocument).where(ConsentDocument.kind == "dissemination").get()
    assert consent.public_fields == "name,role,text,achievements"
    assert client.post("/motivation/profile", {"text": "Веду шахматный клуб"}).status_code == 303
    honour.add_entry(_coordinator(), account.person, "Наставник года", date.today().year, "За клуб")

    for page in PAGES:
        shown = visitor.get(page).get_data(as_text=True)
        assert "Сизова Вера Ивановна" in shown
    assert "Веду шахматный клуб" in visitor.get("/public/mentors").get_data(as_text=True)
    assert "Наставник года" in visitor.get("/public/honour").get_data(as_text=True)

    client.get(f"/consent/signed/{consent.id}/withdraw")
    assert client.post(f"/consent/signed/{consent.id}/withdraw", {"confirm": "y"}).status_code == 303
    assert consent.withdrawals.count() == 1

    for page in PAGES:
        page_now = visitor.get(page).get_data(as_text=True)
        assert "Сизова" not in page_now and "Наставник года" not in page_now


@pytest.mark.clause("s9")
def test_only_the_fields_the_consent_names_are_shown(visitor, make_account, make_person, school):
    named_only = _mentor(make_account, make_person, "Орлова").person
    everything = _mentor(make_account, make_person, "Белова").person
    for person in (named_only, everything):
        _profile(person, text=f"О себе: {person.surname}")
        HonourEntry.create(school=school, person=person, year=2025, title=f"Лучший наставник {person.surname}")
    _consent(named_only, "name")
    _consent(everything, "name,role,format,text,achievements,photo")
    unconsented = _mentor(make_account, make_person, "Громова").person
    _profile(unconsented)

    mentors = visitor.get("/public/mentors").get_data(as_text=True)
    card = {p.surname: mentors.split(p.surname + " Вера", 1)[1].split("</article>", 1)[0]
            for p in (named_only, everything)}
    assert "О себе" not in card["Орлова"] and "<img" not in mentors.split("Орлова")[0].rsplit("<article", 1)[1]
    assert "Наставник" not in card["Орлова"]
    assert "О себе: Белова" in card["Белова"] and "Наставник" in card["Белова"]
    assert mentors.count("<img") == 1
    assert "Громова" not in mentors

    board = visitor.get("/public/honour").get_data(as_text=True)
    assert "Лучший наставник Белова" in board and "Орлова" not in board and "Громова" not in board
    assert "2025 год" in board


@pytest.mark.clause("s9")
def test_a_photo_is_served_only_while_the_consent_names_it(visitor, make_account, make_person):
    person = _mentor(make_account, make_person, "Котова").person
    profile = _profile(person)
    consent = _consent(person, "name,photo")
    shown = visitor.get(f"/public/photo/{profile.photo_token}")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert "attachment" not in shown.headers.get("Content-Disposition", "")
    Consent.update(public_fields="name").where(Consent.id == consent.id).execute()
    assert visitor.get(f"/public/photo/{profile.photo_token}").status_code == 404
    assert visitor.get("/public/photo/no-such-token").status_code == 404


@pytest.mark.clause("s9")
def test_no_public_address_names_a_person(visitor, make_account, make_person, school):
    person = _mentor(make_account, make_person, "Зайцева").person
    _profile(person)
    _consent(person, "name,role,format,text,achievements,photo")
    HonourEntry.create(school=school, person=person, year=2025, title="Наставник года")
    for page in PAGES + ("/public/mentors/embed", "/public/honour/embed"):
        html = visitor.get(page).get_data(as_text=True)
        assert "Зайцева" in html
        for address in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert "Зайцева" not in address and "Вера" not in address
            assert not re.search(rf"(?<![0-9a-zA-Z_-]){person.id}(?![0-9a-zA-Z_-])", address), address


@pytest.mark.quality("performance")
def test_the_pages_cost_at_most_two_queries_when_kept_and_the_same_whatever_the_number_of_people(
        cached, visitor, make_account, make_person, school):
    def add(n):
        for i in range(n):
            person = _mentor(make_account, make_person, f"Наставникова-{i}-{n}").person
            _profile(person)
            _consent(person, "name,role,format,text,achievements,photo")
            HonourEntry.create(school=school, person=person, year=2025, title="Наставник года")

    add(1)
    built = {}
    for page in PAGES:
        cached.extensions["public_cache"] = public_pages.PageCache()
        with count_queries() as queries:
            assert visitor.get(page).status_code == 200
        built[page] = len(queries)
        with count_queries() as kept:
            assert visitor.get(page).status_code == 200
        assert len(kept) <= 2, kept
    add(5)
    for page in PAGES:
        cached.extensions["public_cache"] = public_pages.PageCache()
        with count_queries() as queries:
            html = visitor.get(page).get_data(as_text=True)
        assert html.count("<article") == 6
        assert len(queries) == built[page], queries


@pytest.mark.quality("access")
def test_the_embeddable_variant_may_be_framed_and_the_others_may_not(visitor):
    for page in PAGES:
        plain = visitor.get(page)
        assert "frame-ancestors 'none'" in plain.headers["Content-Security-Policy"]
        assert plain.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in plain.headers  # no session for a visitor
        embedded = visitor.get(page + "/embed")
        assert embedded.status_code == 200
        assert "frame-ancestors 'none'" not in embedded.headers["Content-Security-Policy"]
        assert "frame-ancestors *" in embedded.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in embedded.headers
        html = embedded.get_data(as_text=True)
        assert 'class="topbar"' not in html and "<form" not in html
        assert 'class="topbar"' in plain.get_data(as_text=True)


@pytest.mark.clause("s9")
def test_the_consent_text_lists_the_fields_ticked(client, login, make_account, make_person):
    from portal.models import IssuedDocument
    account = _mentor(make_account, make_person, "Лебедева")
    login(account.login)
    accept_esign(client)
    client.get(f"/consent/{account.person.id}/dissemination")
    assert client.post(f"/consent/{account.person.id}/dissemination",
                       dict(ADULT_DATA, public_fields=["photo"])).status_code == 303
    consent = Consent.select().join(ConsentDocument).where(ConsentDocument.kind == "dissemination").get()
    frozen = IssuedDocument.get(IssuedDocument.consent == consent.id).html
    assert "фамилия, имя, отчество; фотография." in frozen
    assert "форма наставничества" not in frozen.split("разрешённых для распространения:")[1].split(".")[0]
