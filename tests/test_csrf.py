"""CSRF on every state-changing request (SECURITY.md, "Requests and pages").

Each write route of the URL map has a case below: the person who may use it posts a form that would
succeed with a token, but without one. The answer is 400 with the Russian message and nothing in the
database moves. A route the table does not know fails `test_every_write_route_has_a_case`.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Callable

import pytest

from portal.models import (
    Account, AuditEvent, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Guardianship, Invitation,
    MembershipCategory, MentoringFormat, Person,
)
from portal.models.base import utcnow
from portal.services import accounts, bases
from portal.services import consent as consents
from portal.services.staff import scope_for
from tests.conftest import hx_csrf_token
from tests.factories import PASSWORD

STALE_FORM = "Форма устарела или открыта в другом окне. Обновите страницу и повторите."
NEW_PASSWORD = "a brand new secret"
ADULT = date(1985, 1, 1)
MINOR = date(date.today().year - 12, 3, 1)
SIGNING = {"identity_document": "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005",
           "address": "г. Ярославль, ул. Свободы, д. 1, кв. 2", "agree": "y", "password": PASSWORD}
CLASS_LIST = (f"Фамилия;Имя;Отчество;Пол;Дата рождения;Класс\r\nИванов;Пётр;Сергеевич;м;12.03.{MINOR.year};7Б\r\n"
              .encode("utf-8"))


@dataclass
class Case:
    url: str
    data: dict
    state: Callable[[], object]  # what the post would change; compared before and after


class Upload(Mapping):
    """Form data with a file: every post gets a fresh stream, as the test client closes the one it sent."""

    def __init__(self, content: bytes, name: str = "a.csv"):
        self.content, self.name = content, name

    def __getitem__(self, key):
        if key != "file":
            raise KeyError(key)
        return BytesIO(self.content), self.name

    def __iter__(self):
        return iter(("file",))

    def __len__(self):
        return 1


class Kit:
    """What the cases need, in one place: the client and the factories."""

    def __init__(self, request):
        for name in ("app", "client", "school", "make_person", "make_account", "login", "login_as"):
            setattr(self, name, request.getfixturevalue(name))


@pytest.fixture
def kit(request, conn):
    return Kit(request)


def _login(k) -> Case:
    account = k.make_account("mentor", acknowledged=True)
    k.client.get("/login")
    return Case("/login", {"login": account.login, "password": PASSWORD},
                lambda: (k.client.raw.get("/mentor/").status_code, Account.get_by_id(account.id).last_login_at))


def _logout(k) -> Case:
    account = k.login_as("mentor")
    return Case("/logout", {},
                lambda: (k.client.raw.get("/mentor/").status_code, Account.get_by_id(account.id).session_version))


def _password(k) -> Case:
    account = k.login_as("mentor")
    return Case("/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                lambda: (Account.get_by_id(account.id).password_hash, Account.get_by_id(account.id).session_version))


def _invitation(k) -> Case:
    account = k.make_account("parent")
    code = accounts.issue_invitation(None, account, k.app.config["INVITATION_TTL"])
    k.client.get("/invitation")
    return Case("/invitation", {"code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                lambda: (Account.get_by_id(account.id).password_hash,
                         [i.used_at for i in Invitation.select().where(Invitation.account == account)]))


def _switch_role(k) -> Case:
    k.login_as("mentor", "curator")
    assert k.client.raw.get("/").headers["Location"] == "/curator/"
    return Case("/role", {"role": "mentor"}, lambda: k.client.raw.get("/").headers["Location"])


def _acknowledge(k) -> Case:
    account = k.make_account("mentee")
    k.login(account.login, acknowledge=False)
    k.client.get("/regulation/acknowledge")
    return Case("/regulation/acknowledge", {},
                lambda: Account.get_by_id(account.id).regulation_acknowledged_at)


def _issue_invitation(k) -> Case:
    k.login_as("coordinator")
    target = k.make_account("parent")
    return Case(f"/coordinator/accounts/{target.id}/invitation", {},
                lambda: Invitation.select().where(Invitation.account == target).count())


def _sign_for_self(account) -> Consent:
    consents.accept_esign_agreement(account, PASSWORD, True)
    return consents.sign(account, account.person_id, "adult_self", password=PASSWORD, agree=True,
                         details=consents.SigningDetails(SIGNING["identity_document"], SIGNING["address"]))


def _esign(k) -> Case:
    account = k.login_as("mentor")
    k.client.get("/consent/esign")
    return Case("/consent/esign", {"agree": "y", "password": PASSWORD},
                lambda: consents.has_esign_agreement(account.person))


def _sign(k) -> Case:
    account = k.login_as("mentor")
    consents.accept_esign_agreement(account, PASSWORD, True)
    url = f"/consent/{account.person_id}/adult_self"
    k.client.get(url)
    return Case(url, SIGNING, lambda: Consent.select().where(Consent.subject == account.person_id).count())


def _withdraw(k) -> Case:
    account = k.login_as("mentor")
    consent = _sign_for_self(account)
    k.client.get(f"/consent/signed/{consent.id}/withdraw")
    return Case(f"/consent/signed/{consent.id}/withdraw", {},
                lambda: (ConsentWithdrawal.select().where(ConsentWithdrawal.consent == consent).count(),
                         consents.may_take_part(account.person, "mentor")))


def _new_person(k) -> Case:
    k.login_as("curator")
    k.client.get("/staff/people/new")
    return Case("/staff/people/new", {"kind": "student", "surname": "Соколов", "first_name": "Илья", "sex": "m",
                                      "birth_date": MINOR.isoformat(), "school_class": "7Б"},
                lambda: Person.select().count())


def _imports(k) -> int:
    folder = Path(k.app.config["INSTANCE_PATH"]) / "imports"
    return len(list(folder.iterdir())) if folder.exists() else 0


def _import_people(k) -> Case:
    k.login_as("coordinator")
    k.client.get("/staff/people/import")
    return Case("/staff/people/import", Upload(CLASS_LIST), lambda: (_imports(k), Person.select().count()))


def _import_commit(k) -> Case:
    k.login_as("coordinator")
    k.client.get("/staff/people/import")
    preview = k.client.post("/staff/people/import", Upload(CLASS_LIST))
    assert preview.status_code == 200 and _imports(k) == 1
    return Case("/staff/people/import/commit", {}, lambda: (Person.select().count(), _imports(k)))


def _link_parent(k) -> Case:
    k.login_as("coordinator")
    child = k.make_person(birth_date=MINOR)
    parent = k.make_person(kind="parent", sex="f", birth_date=ADULT)
    k.client.get(f"/staff/people/{child.id}")
    return Case(f"/staff/people/{child.id}/guardians", {"parent_id": parent.id, "basis": "родитель"},
                lambda: consents.guardianship(parent, child) is not None)


def _unlink_parent(k) -> Case:
    k.login_as("coordinator")
    child = k.make_person(birth_date=MINOR)
    parent = k.make_person(kind="parent", sex="f", birth_date=ADULT)
    link = Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    k.client.get(f"/staff/guardianships/{link.id}/remove")
    return Case(f"/staff/guardianships/{link.id}/remove", {}, lambda: Guardianship.get_by_id(link.id).confirmed_at)


def _invite(k) -> Case:
    k.login_as("curator")
    parent = k.make_person(kind="parent", sex="f", birth_date=ADULT)
    Guardianship.create(parent=parent, child=k.make_person(birth_date=MINOR), confirmed_at=utcnow())
    k.client.get(f"/staff/people/{parent.id}")
    return Case(f"/staff/people/{parent.id}/invitation", {},
                lambda: (Account.select().where(Account.person == parent).count(),
                         Invitation.select().join(Account).where(Account.person == parent).count()))


def _first_format(k) -> MentoringFormat:
    return MentoringFormat.of_school(k.school).first()


def _nominate(k) -> Case:
    k.login_as("curator")
    fmt, student = _first_format(k), k.make_person(birth_date=MINOR)
    k.client.get(f"/staff/bases/{fmt.id}")
    return Case(f"/staff/bases/{fmt.id}/nominate", {"base": "mentee", "mentee-person": student.id},
                lambda: BaseMembership.select().where(BaseMembership.person == student).count())


def _membership(k) -> BaseMembership:
    """A student in the mentee base of the format the curator curates."""
    staff = k.login_as("curator")
    return bases.nominate(scope_for(staff), _first_format(k).id, k.make_person(birth_date=MINOR).id, "mentee")


def _edit_member(k) -> Case:
    membership = _membership(k)
    k.client.get(f"/staff/bases/members/{membership.id}/edit")
    return Case(f"/staff/bases/members/{membership.id}/edit", {"categories": ["gifted"]},
                lambda: [c.code for c in MembershipCategory.select().where(
                    MembershipCategory.membership == membership)])


def _remove_member(k) -> Case:
    membership = _membership(k)
    k.client.get(f"/staff/bases/members/{membership.id}/remove")
    return Case(f"/staff/bases/members/{membership.id}/remove", {},
                lambda: BaseMembership.get_by_id(membership.id).status)


def _new_consent_text(k) -> Case:
    k.login_as("coordinator")
    current = consents.current_documents(k.school.id)["adult_self"]
    k.client.get("/coordinator/consent-texts/adult_self/new")
    return Case("/coordinator/consent-texts/adult_self/new",
                {"title": current.title, "body": current.body + "\n\nРедакция уточнена."},
                lambda: ConsentDocument.select().where(ConsentDocument.kind == "adult_self").count())


def _destroy(k) -> Case:
    k.login_as("coordinator")
    mentor = k.make_account("mentor")
    withdrawal = consents.withdraw(mentor, _sign_for_self(mentor).id)
    k.client.get(f"/coordinator/destruction/{withdrawal.id}")
    return Case(f"/coordinator/destruction/{withdrawal.id}", {},
                lambda: (Person.get_by_id(mentor.person_id).destroyed_at,
                         ConsentWithdrawal.get_by_id(withdrawal.id).destroyed_at))


CASES: dict[str, Callable] = {
    "auth.login": _login,
    "auth.logout": _logout,
    "auth.password": _password,
    "auth.invitation": _invitation,
    "auth.switch_role": _switch_role,
    "auth.acknowledge": _acknowledge,
    "coordinator.issue_invitation": _issue_invitation,
    "coordinator.new_consent_text": _new_consent_text,
    "coordinator.destroy": _destroy,
    "consent.esign": _esign,
    "consent.sign": _sign,
    "consent.withdraw": _withdraw,
    "staff.new_person": _new_person,
    "staff.import_people": _import_people,
    "staff.import_commit": _import_commit,
    "staff.link_parent": _link_parent,
    "staff.unlink_parent": _unlink_parent,
    "staff.invite": _invite,
    "staff.nominate": _nominate,
    "staff.edit_member": _edit_member,
    "staff.remove_member": _remove_member,
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_write_route_has_a_case(app):
    writes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS}
    missing = sorted(writes - set(CASES))
    assert not missing, f"write routes without a CSRF case in tests/test_csrf.py: {missing}"


def _assert_refused(response):
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Неверный запрос" in page and STALE_FORM in page


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_post_without_token_is_refused_and_changes_nothing(kit, endpoint):
    case = CASES[endpoint](kit)
    before, events = case.state(), AuditEvent.select().count()
    _assert_refused(kit.client.post(case.url, case.data, csrf=False))
    _assert_refused(kit.client.post(case.url, case.data, csrf=False, htmx=True))
    assert case.state() == before
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_post_with_another_sessions_token_is_refused(kit, app, endpoint):
    """A token lifted from someone else's page (another session) does not open this one."""
    other = app.test_client()
    stranger_token = hx_csrf_token(other.get("/login"))
    assert stranger_token
    case = CASES[endpoint](kit)
    before, events = case.state(), AuditEvent.select().count()
    _assert_refused(kit.client.post(case.url, dict(case.data, csrf_token=stranger_token), csrf=False))
    _assert_refused(kit.client.post(case.url, case.data, csrf=False,
                                    headers={"X-CSRFToken": stranger_token}))
    assert case.state() == before
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_the_same_post_with_a_token_goes_through(kit, endpoint):
    """The control: each case above is refused for the missing token and nothing else."""
    case = CASES[endpoint](kit)
    before = case.state()
    response = kit.client.post(case.url, case.data)
    assert response.status_code in (200, 303), response.get_data(as_text=True)
    assert case.state() != before


def test_htmx_post_with_the_token_in_the_header_is_accepted(client, conn, login_as, make_account):
    """The base layout puts the token in `hx-headers` on <body>; htmx sends it as X-CSRFToken."""
    login_as("coordinator")
    target = make_account("parent")
    page = client.get("/coordinator/accounts")
    token = hx_csrf_token(page)
    assert token
    response = client.raw.post(f"/coordinator/accounts/{target.id}/invitation",
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert 'id="invitation-code"' in response.get_data(as_text=True)
    assert Invitation.select().where(Invitation.account == target).count() == 1


def test_htmx_password_form_with_the_header_token_gets_its_fragment(client, conn, login_as):
    """A validation error through htmx is the form fragment with status 422, not a CSRF refusal."""
    account = login_as("mentor")
    token = hx_csrf_token(client.get("/password"))
    response = client.raw.post("/password", data={"old_password": "not my password", "new_password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form') and "<html" not in body
    assert "Текущий пароль введён неверно." in body
    assert Account.get_by_id(account.id).password_hash == account.password_hash
