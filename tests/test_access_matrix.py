"""Deny by default, proved from the URL map: every route × anonymous and every single-role account.

`EXPECTED` is written by hand (DECISIONS.md, "Tests and benchmark"): a route the table does not know
fails `test_every_route_is_in_the_table`, so a new page cannot escape the matrix. "Each role" is an
account holding only that role (DECISIONS.md, "Roles"); every account here has acknowledged the
regulation, so the only thing deciding the answer is the role, and for rows the object rule: a sample
row is made for the actor (`Samples.role`, `Samples.actor`), and a route's `not_found_for` names the
allowed actors who must still get 404 for it (a minor and the consent a parent signed about them).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from portal.models import (
    Account, AuditEvent, Consent, ConsentWithdrawal, Guardianship, MentoringFormat, Person,
)
from portal.models.base import utcnow
from portal.services import bases, consent as consents
from portal.services.staff import scope_for
from tests.conftest import is_russian
from tests.factories import PASSWORD

ANONYMOUS = "anonymous"
ROLES = ("coordinator", "curator", "mentor", "mentee", "parent")
ACTORS = (ANONYMOUS,) + ROLES
SIGNED_IN = frozenset(ROLES)
EVERYONE = frozenset(ACTORS)
STAFF = frozenset({"coordinator", "curator"})
HOME = {role: f"/{role}/" for role in ROLES}
# The regulation's role clauses: the role's own area answers that role.
ROLE_CLAUSES = {"coordinator": "2.6", "curator": "2.7", "mentor": "2.5", "mentee": "2.4"}
NEW_PASSWORD = "a brand new secret"
ADULT = date(1985, 1, 1)
# The signing form; a parent signing for a child adds the child's document and address.
SIGNING = {"identity_document": "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005",
           "address": "г. Ярославль, ул. Свободы, д. 1, кв. 2", "agree": "y", "password": PASSWORD}
FOR_A_CHILD = {"subject_document": "свидетельство о рождении II-ГР 654321",
               "subject_address": "г. Ярославль, ул. Свободы, д. 1, кв. 2"}


@dataclass(frozen=True)
class Route:
    methods: frozenset
    allowed: frozenset                      # who may use it: "anonymous" and/or roles
    # Sample URL values: a literal, or a function (samples, elsewhere=False) -> value that makes a row
    # for the actor (`samples.role`, `samples.actor`) in the actor's school (elsewhere=True: of another
    # school, which must answer 404).
    args: dict = field(default_factory=dict)
    home_when_signed_in: bool = False       # by design a signed-in person is sent to their home
    post: object = None                     # samples -> the form an allowed actor posts (write routes)
    post_status: int = 303                  # the answer to that form
    # Allowed actors whom the object rule, not the role, turns away: the sample row is theirs to ask
    # about, and still the answer is 404 (a minor opening the consent a parent signed about them).
    not_found_for: frozenset = frozenset()
    mimetype: str = "text/html"             # what an allowed GET answers with
    clause: str | None = None               # the clause the route's answers prove, beyond the role areas


def _route(methods, allowed, **kw) -> Route:
    kw["not_found_for"] = frozenset(kw.get("not_found_for", ()))
    return Route(frozenset(methods), frozenset(allowed), **kw)


def school_account(samples, elsewhere=False) -> int:
    """An account of the actor's school (or, for the 404 check, of another school)."""
    return samples.other_school_account() if elsewhere else samples.make_account("parent").id


# --- samples of the consent area: what the actor signs, or has signed ------------------------------

def _minor_child_of(samples, parent: Person) -> Person:
    child = samples.make_person(birth_date=date(date.today().year - 12, 3, 1))
    Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    return child


def _sign(account: Account, subject_id: int, kind: str) -> Consent:
    consents.accept_esign_agreement(account, PASSWORD, True)
    for_a_child = FOR_A_CHILD if subject_id != account.person_id else {}
    return consents.sign(account, subject_id, kind, password=PASSWORD, agree=True,
                         details=consents.SigningDetails(SIGNING["identity_document"], SIGNING["address"],
                                                         **for_a_child))


def _stranger(samples, kind="parent", birth_date=ADULT) -> Person:
    """A person of another school."""
    return Person.create(school=samples.other_school(), kind=kind, sex="f", surname="Кузнецова",
                         first_name="Ольга", birth_date=birth_date)


def _strangers_consent(samples) -> Consent:
    person = _stranger(samples)
    document = consents.current_documents(person.school_id)["adult_self"]
    return Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256)


def signing_subject(samples, elsewhere=False) -> int:
    """Whom the actor signs for, the e-signature agreement accepted: a parent their minor child, the
    others themselves (a minor's own page must still be refused)."""
    if elsewhere:
        return _stranger(samples).id
    account = samples.signer()
    if consents.signs_online(account.person):  # a minor has no agreement to accept
        consents.accept_esign_agreement(account, PASSWORD, True)
    return _minor_child_of(samples, account.person).id if samples.role == "parent" else account.person_id


def signing_kind(samples, elsewhere=False) -> str:
    return "parent_mentee" if samples.role == "parent" else "adult_self"


def signing_form(samples) -> dict:
    return dict(SIGNING, **FOR_A_CHILD) if samples.role == "parent" else dict(SIGNING)


def signed_consent(samples, elsewhere=False) -> int:
    """The consent the actor is asking about: one they signed (a parent: for their child); for a minor,
    the one their parent signed about them."""
    if elsewhere:
        return _strangers_consent(samples).id
    account = samples.signer()
    if samples.role == "mentee":
        parent = samples.make_account("parent")
        Guardianship.create(parent=parent.person, child=account.person, confirmed_at=utcnow())
        return _sign(parent, account.person_id, "parent_mentee").id
    if samples.role == "parent":
        return _sign(account, _minor_child_of(samples, account.person).id, "parent_mentee").id
    return _sign(account, account.person_id, "adult_self").id


def pending_withdrawal(samples, elsewhere=False) -> int:
    """A withdrawn consent whose data wait for destruction."""
    if elsewhere:
        consent = _strangers_consent(samples)
        return ConsentWithdrawal.create(consent=consent, withdrawn_by=consent.signer_id,
                                        destruction_due_on=date.today() + timedelta(days=30)).id
    account = samples.make_account("mentor")
    return consents.withdraw(account, _sign(account, account.person_id, "adult_self").id).id


# --- samples of the staff area: the roster and the bases of the school's first format ---------------
# (`make_account("curator")` curates the first format.)

def roster_person(samples, elsewhere=False) -> int:
    """A minor student of the roster."""
    return _stranger(samples, "student", date(2011, 5, 20)).id if elsewhere else samples.make_person().id


def parent_of_a_child(samples, elsewhere=False) -> int:
    """A roster parent confirmed for a minor child: someone to invite."""
    if elsewhere:
        return _stranger(samples).id
    parent = samples.make_person(kind="parent", sex="f", birth_date=ADULT)
    _minor_child_of(samples, parent)
    return parent.id


def guardianship(samples, elsewhere=False) -> int:
    if elsewhere:
        parent, child = _stranger(samples), _stranger(samples, "student", date(2011, 5, 20))
        return Guardianship.create(parent=parent, child=child, confirmed_at=utcnow()).id
    parent = samples.make_person(kind="parent", sex="f", birth_date=ADULT)
    child = _minor_child_of(samples, parent)
    return Guardianship.get((Guardianship.parent == parent) & (Guardianship.child == child)).id


def external_person(samples, elsewhere=False) -> int:
    """Someone from outside the school: the only kind with a cooperation agreement (4.14)."""
    if elsewhere:
        return _stranger(samples, "external").id
    return samples.make_person(kind="external", birth_date=date(1979, 6, 1), organisation="ООО «Ярпромсервис»",
                               position="инженер-технолог").id


def first_format(samples, elsewhere=False) -> int:
    return MentoringFormat.of_school(samples.other_school() if elsewhere else samples.school).first().id


def student_member(samples, elsewhere=False) -> int:
    """A student in the mentee base of the first format, nominated by the school's coordinator."""
    student = _stranger(samples, "student", date(2011, 5, 20)) if elsewhere else samples.make_person()
    coordinator = Account.get(Account.login == ("other-coordinator" if elsewhere else "coordinator0"))
    return bases.nominate(scope_for(coordinator), first_format(samples, elsewhere), student.id, "mentee").id


EXPECTED: dict[str, Route] = {
    "public.index": _route({"GET"}, EVERYONE, home_when_signed_in=True),
    "auth.login": _route({"GET", "POST"}, EVERYONE, home_when_signed_in=True,
                         post=lambda s: {"login": "nobody", "password": "wrong password"}, post_status=422),
    "auth.logout": _route({"POST"}, SIGNED_IN, post=lambda s: {}),
    "auth.password": _route({"GET", "POST"}, SIGNED_IN, post=lambda s: {
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    "auth.invitation": _route({"GET", "POST"}, EVERYONE, post=lambda s: {
        "code": "AAAA-BBBB-CCCC", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, post_status=422),
    "auth.switch_role": _route({"POST"}, SIGNED_IN, post=lambda s: {"role": s.role}),
    "auth.regulation": _route({"GET"}, EVERYONE),
    "auth.acknowledge": _route({"GET", "POST"}, SIGNED_IN, post=lambda s: {}),
    # For an account without roles; an account holding a role is sent home.
    "auth.no_roles": _route({"GET"}, SIGNED_IN, home_when_signed_in=True),
    "coordinator.home": _route({"GET"}, {"coordinator"}),
    "coordinator.account_list": _route({"GET"}, {"coordinator"}),
    "coordinator.issue_invitation": _route({"POST"}, {"coordinator"}, args={"account_id": school_account},
                                           post=lambda s: {}, post_status=200),
    "coordinator.consent_texts": _route({"GET"}, {"coordinator"}),
    "coordinator.new_consent_text": _route({"GET", "POST"}, {"coordinator"}, args={"kind": "adult_self"},
                                           post=lambda s: {"title": "", "body": ""}, post_status=422),
    "coordinator.destruction": _route({"GET"}, {"coordinator"}),
    "coordinator.destroy": _route({"GET", "POST"}, {"coordinator"}, args={"withdrawal_id": pending_withdrawal},
                                  post=lambda s: {}),
    "curator.home": _route({"GET"}, {"curator"}),
    "mentor.home": _route({"GET"}, {"mentor"}),
    "mentee.home": _route({"GET"}, {"mentee"}),
    "parent.home": _route({"GET"}, {"parent"}),
    # Consent (4.11): every signed-in person, each for themself or a linked minor child; a minor signs
    # nothing and does not open what a parent signed about them.
    "consent.overview": _route({"GET"}, SIGNED_IN),
    # A minor signs nothing, so not the e-signature agreement either: a parent signs for them.
    "consent.esign": _route({"GET", "POST"}, SIGNED_IN, post=lambda s: {"agree": "y", "password": PASSWORD},
                            not_found_for={"mentee"}),
    "consent.sign": _route({"GET", "POST"}, SIGNED_IN, args={"subject_id": signing_subject, "kind": signing_kind},
                           post=signing_form, not_found_for={"mentee"}, clause="4.11"),
    "consent.signed": _route({"GET"}, SIGNED_IN, args={"consent_id": signed_consent}, not_found_for={"mentee"},
                             clause="4.11"),
    "consent.download": _route({"GET"}, SIGNED_IN, args={"consent_id": signed_consent}, not_found_for={"mentee"},
                               mimetype="application/pdf", clause="4.11"),
    "consent.withdraw": _route({"GET", "POST"}, SIGNED_IN, args={"consent_id": signed_consent},
                               post=lambda s: {}, not_found_for={"mentee"}, clause="4.11"),
    # Staff (3.2, 4.4, 4.5, 4.9, 4.11): the coordinator school-wide, a curator within their formats.
    "staff.people": _route({"GET"}, STAFF),
    "staff.person": _route({"GET"}, STAFF, args={"person_id": roster_person}),
    "staff.person_export": _route({"GET"}, {"coordinator"}, args={"person_id": roster_person},
                                  mimetype="application/json"),
    "staff.new_person": _route({"GET", "POST"}, STAFF, post=lambda s: {}, post_status=422),
    "staff.import_people": _route({"GET", "POST"}, STAFF, post=lambda s: {}, post_status=422),
    "staff.import_commit": _route({"POST"}, STAFF, post=lambda s: {}),
    "staff.link_parent": _route({"POST"}, STAFF, args={"person_id": roster_person}, post=lambda s: {
        "parent_id": s.make_person(kind="parent", sex="f", birth_date=ADULT).id, "basis": "родитель"}),
    "staff.unlink_parent": _route({"GET", "POST"}, STAFF, args={"link_id": guardianship}, post=lambda s: {}),
    "staff.invite": _route({"POST"}, STAFF, args={"person_id": parent_of_a_child}, post=lambda s: {},
                           post_status=200),
    "staff.agreement_pdf": _route({"GET"}, STAFF, args={"person_id": external_person}, mimetype="application/pdf"),
    "staff.bases": _route({"GET"}, STAFF),
    "staff.format_bases": _route({"GET"}, STAFF, args={"format_id": first_format}),
    "staff.nominate": _route({"POST"}, STAFF, args={"format_id": first_format}, post=lambda s: {
        "base": "mentee", "mentee-person": s.make_person().id}),
    "staff.edit_member": _route({"GET", "POST"}, STAFF, args={"membership_id": student_member},
                                post=lambda s: {"categories": ["gifted"]}),
    "staff.remove_member": _route({"GET", "POST"}, STAFF, args={"membership_id": student_member},
                                  post=lambda s: {}),
}

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _url_map(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            routes.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_every_route_is_in_the_table(app):
    routes = _url_map(app)
    missing = sorted(set(routes) - set(EXPECTED))
    assert not missing, f"routes missing from EXPECTED in tests/test_access_matrix.py: {missing}"
    stale = sorted(set(EXPECTED) - set(routes))
    assert not stale, f"EXPECTED lists routes the app no longer has: {stale}"
    for endpoint, methods in routes.items():
        route = EXPECTED[endpoint]
        assert methods == set(route.methods), f"{endpoint}: methods {sorted(methods)}"
        assert route.allowed <= EVERYONE, f"{endpoint}: unknown actors {sorted(route.allowed - EVERYONE)}"
        assert route.post is not None or not methods & WRITE_METHODS, f"{endpoint}: no sample form to post"
        assert route.not_found_for <= route.allowed - {ANONYMOUS}, f"{endpoint}: not_found_for must be allowed"
        # A 404 for an allowed role comes from an object rule: a row of the URL, or (consent.esign)
        # the signer's own agreement, which a minor cannot have.
        assert not route.not_found_for or any(map(callable, route.args.values())) or endpoint == "consent.esign", \
            f"{endpoint}: no object"


def _cases(methods):
    for endpoint, route in EXPECTED.items():
        if not route.methods & methods:
            continue
        area = endpoint.split(".")[0]
        for actor in ACTORS:
            marks = []
            if actor == area and actor in route.allowed and actor in ROLE_CLAUSES:
                marks.append(pytest.mark.clause(ROLE_CLAUSES[actor]))
            if route.clause and actor in route.allowed and actor != ANONYMOUS:
                marks.append(pytest.mark.clause(route.clause))
            yield pytest.param(endpoint, actor, marks=marks, id=f"{endpoint}-{actor}")


class Samples:
    """What the sample functions in `args` and `post` may use to make rows, and whom they make them for."""

    def __init__(self, request):
        self.request = request
        self.make_account = request.getfixturevalue("make_account")
        self.make_person = request.getfixturevalue("make_person")
        self.school = request.getfixturevalue("school")
        self.role = ANONYMOUS                # the actor
        self.actor = None                    # and their account, once signed in

    def signer(self) -> Account:
        """The actor's account; for an anonymous visitor some adult's, as the URL only has to exist."""
        return self.actor or self.make_account("mentor")

    def other_school(self):
        return self.request.getfixturevalue("other_school")

    def other_school_account(self) -> int:
        self.other_school()
        return Account.get(Account.login == "other-coordinator").id


@pytest.fixture
def samples(request):
    return Samples(request)


@pytest.fixture
def sign_in(login_as, samples):
    def do(actor):
        samples.role = actor
        samples.actor = None if actor == ANONYMOUS else login_as(actor)
        return samples.actor
    return do


@pytest.fixture
def url_for_route(app, samples):
    """The route's URL with its sample arguments, made for the actor signed in with `sign_in`."""

    def build(endpoint, elsewhere=False):
        values = {name: value(samples, elsewhere=elsewhere) if callable(value) else value
                  for name, value in EXPECTED[endpoint].args.items()}
        with app.test_request_context():
            return url_for(endpoint, **values)
    return build


def _assert_sent_to_login(client, response, method, url):
    assert response.status_code == 302, response.status_code
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    if method == "GET":
        assert parse_qs(location.query)["next"] == [urlsplit(url).path]
    htmx = (client.get(url, headers={"HX-Request": "true"}) if method == "GET"
            else client.post(url, htmx=True))
    assert htmx.status_code == 204
    assert urlsplit(htmx.headers["HX-Redirect"]).path == "/login"


def _assert_forbidden(response):
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Доступ запрещён" in page and "Этот раздел вам недоступен." in page


def _assert_not_found(response):
    assert response.status_code == 404, response.status_code
    assert "Страница не найдена" in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint,actor", list(_cases({"GET"})))
def test_get(client, sign_in, url_for_route, endpoint, actor):
    route = EXPECTED[endpoint]
    sign_in(actor)
    url = url_for_route(endpoint)
    response = client.get(url)
    if actor in route.allowed and actor != ANONYMOUS and route.home_when_signed_in:
        assert response.status_code == 302
        assert response.headers["Location"] == HOME[actor]
    elif actor in route.not_found_for:
        _assert_not_found(response)
    elif actor in route.allowed:
        assert response.status_code == 200, response.status_code
        assert response.mimetype == route.mimetype
        if route.mimetype == "application/pdf":
            assert response.get_data().startswith(b"%PDF-")
        else:
            assert is_russian(response.get_data(as_text=True))
    elif actor == ANONYMOUS:
        _assert_sent_to_login(client, response, "GET", url)
    else:
        _assert_forbidden(response)


@pytest.mark.parametrize("endpoint,actor", list(_cases(WRITE_METHODS)))
def test_post(client, conn, sign_in, samples, url_for_route, endpoint, actor):
    """Every state-changing route with a valid CSRF token: the allowed do it, the others are refused."""
    route = EXPECTED[endpoint]
    sign_in(actor)
    url = url_for_route(endpoint)
    form = route.post(samples)
    events = AuditEvent.select().count()
    response = client.post(url, form)
    if actor in route.allowed and actor != ANONYMOUS and route.home_when_signed_in:
        assert response.status_code == 302
        assert response.headers["Location"] == HOME[actor]
    elif actor in route.not_found_for:
        _assert_not_found(response)
        assert AuditEvent.select().count() == events
    elif actor in route.allowed:
        assert response.status_code == route.post_status, response.get_data(as_text=True)
    elif actor == ANONYMOUS:
        _assert_sent_to_login(client, response, "POST", url)
        assert AuditEvent.select().count() == events
    else:
        _assert_forbidden(response)
        assert AuditEvent.select().count() == events


def _scoped_cases():
    """Routes that point at a row, with every role allowed to use them."""
    for endpoint, route in EXPECTED.items():
        if any(map(callable, route.args.values())):
            for actor in (role for role in ROLES if role in route.allowed):
                marks = [pytest.mark.clause(c) for c in (ROLE_CLAUSES.get(actor) if endpoint.startswith(actor + ".")
                                                         else None, route.clause) if c]
                yield pytest.param(endpoint, actor, marks=marks, id=f"{endpoint}-{actor}")


@pytest.mark.parametrize("endpoint,actor", list(_scoped_cases()))
def test_an_object_of_another_school_is_404(client, conn, sign_in, samples, url_for_route, endpoint, actor):
    """Objects are fetched through the school's scope: another school's row is a 404, not a page."""
    route = EXPECTED[endpoint]
    sign_in(actor)
    url = url_for_route(endpoint, elsewhere=True)
    form = route.post(samples) if route.methods & WRITE_METHODS else None
    before = AuditEvent.select().count()
    if "GET" in route.methods:
        response = client.get(url)
        assert response.status_code == 404, "GET"
        assert "Страница не найдена" in response.get_data(as_text=True)
    if route.methods & WRITE_METHODS:
        response = client.post(url, form)
        assert response.status_code == 404, "POST"
        assert "Страница не найдена" in response.get_data(as_text=True)
    assert AuditEvent.select().count() == before
