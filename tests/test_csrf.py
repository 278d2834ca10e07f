"""CSRF on every state-changing request (SECURITY.md, "Requests and pages").

Each write route of the URL map has a case below: the person who may use it posts a form that would
succeed with a token, but without one. The answer is 400 with the Russian message and nothing in the
database moves. A route the table does not know fails `test_every_write_route_has_a_case`.
"""
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Callable

import pyotp
import pytest

from portal.models import (
    Account, Acknowledgement, Appointment, AuditEvent, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, FinalReport,
    Guardianship, Invitation, Meeting, MeetingConfirmation, MembershipCategory, MentoringFormat, Mentorship,
    MonitoringRound, Order, OrderItem, Person, Plan, PlanTask, Programme, Proposal, Questionnaire, Response,
    RecoveryCode, RoadmapEvent, RoleGrant, School, SchoolClass, SignedAgreement, BaseProposal, ImprovementProposal,
    SupportRequest, TargetModelVersion, ExternalCourse, TrainingAttendance, TrainingEnrolment, TrainingGroup,
    TrainingMaterial, TrainingProgramme, TrainingSession, Competition, Nomination, SchoolEvent, EventParticipant,
    ContestNomination,
)
from portal.models.base import utcnow
from portal.models import Complaint, IssuedDocument
from portal.services import (accounts, bases, class_teachers, matching, monitoring, notifications, orders, support,
                             training)
from portal.services import consent as consents
from portal.services.staff import scope_for
from tests.conftest import hx_csrf_token
from tests.factories import PASSWORD
from tests.test_access_matrix import MEETING_FORM, REPORT_FORM, World
from tests.monitoring.test_publish_version_page import posted

pytestmark = pytest.mark.quality("csrf")

STALE_FORM = "Форма устарела или открыта в другом окне. Обновите страницу и повторите."
NEW_PASSWORD = "a brand new secret"
ADULT = date(1985, 1, 1)
MINOR = date(date.today().year - 12, 3, 1)
SIGNING = {"identity_document": "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005",
           "address": "г. Ярославль, ул. Свободы, д. 1, кв. 2", "agree": "y", "password": PASSWORD}
CLASS_LIST = (f"Фамилия;Имя;Отчество;Пол;Дата рождения;Класс\r\nИванов;Пётр;Сергеевич;м;12.03.{MINOR.year};7Б\r\n"
              .encode("utf-8"))

SCAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Case:
    url: str
    data: dict
    state: Callable[[], object]  # what the post would change; compared before and after


class Upload(Mapping):
    """Form data with a file: every post gets a fresh stream, as the test client closes the one it sent."""

    def __init__(self, content: bytes, name: str = "a.csv", field: str = "file", **fields):
        self.content, self.name, self.field, self.fields = content, name, field, fields

    def __getitem__(self, key):
        if key == self.field:
            return BytesIO(self.content), self.name
        return self.fields[key]

    def __iter__(self):
        return iter((self.field, *self.fields))

    def __len__(self):
        return 1 + len(self.fields)


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


def _with_second_factor(account) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    Account.update(totp_secret=secret, totp_enabled_at=utcnow()).where(Account.id == account.id).execute()
    return pyotp.TOTP(secret)


def _login_code(k) -> Case:
    account = k.make_account("coordinator", acknowledged=True)
    phone = _with_second_factor(account)
    k.client.get("/login")
    assert k.client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    k.client.get("/login/code")
    return Case("/login/code", {"code": phone.now()}, lambda: k.client.raw.get("/coordinator/").status_code)


def _second_factor_enable(k) -> Case:
    account = k.login_as("curator", acknowledged=True)
    page = k.client.get("/account/second-factor/enable").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return Case("/account/second-factor/enable", {"code": pyotp.TOTP(secret).now(), "password": PASSWORD},
                lambda: Account.get_by_id(account.id).totp_enabled_at)


def _second_factor_disable(k) -> Case:
    account = k.login_as("curator", acknowledged=True)
    phone = _with_second_factor(account)
    k.client.get("/account/second-factor/disable")
    return Case("/account/second-factor/disable", {"code": phone.now(), "password": PASSWORD},
                lambda: Account.get_by_id(account.id).totp_enabled_at)


def _recovery_codes(k) -> Case:
    account = k.login_as("coordinator", acknowledged=True)
    phone = _with_second_factor(account)
    k.client.get("/account/second-factor/recovery-codes")
    return Case("/account/second-factor/recovery-codes", {"code": phone.now(), "password": PASSWORD},
                lambda: sorted(c.code_hash for c in RecoveryCode.select().where(RecoveryCode.account == account.id)))


def _second_factor_requirement(k) -> Case:
    account = k.login_as("coordinator", acknowledged=True)
    _with_second_factor(account)
    k.client.get("/coordinator/accounts")
    return Case("/coordinator/accounts/second-factor", {"required": "y"},
                lambda: School.get_by_id(account.school_id).staff_totp_required)


def _issue_invitation(k) -> Case:
    k.login_as("coordinator")
    target = k.make_account("parent")
    # The account has a password: the new code is a reset, with its reason.
    return Case(f"/coordinator/accounts/{target.id}/invitation", {"reason": "забыл пароль"},
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


def _read_all(k) -> Case:
    account = k.login_as("mentor")
    notifications.notify([account.person], "consent.to_sign")
    k.client.get("/inbox/")
    return Case("/inbox/read-all", {}, lambda: notifications.unread_count(account.person_id))


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
    return Case(f"/staff/people/{child.id}/guardians",
                {"parent_id": parent.id, "basis": "родитель", "document": "свидетельство о рождении II-ГР № 654321"},
                lambda: consents.guardianship(parent, child) is not None)


def _person_email(k) -> Case:
    k.login_as("coordinator")
    person = k.make_person(kind="staff", birth_date=ADULT)
    k.client.get(f"/staff/people/{person.id}")
    return Case(f"/staff/people/{person.id}/email", {"email": "someone@example.org"},
                lambda: Person.get_by_id(person.id).email)


def _pending_link(k) -> Guardianship:
    """A link a curator asked for, waiting for the coordinator, who is signed in."""
    k.login_as("coordinator")
    child = k.make_person(birth_date=MINOR)
    parent = k.make_person(kind="parent", sex="f", birth_date=ADULT)
    link = Guardianship.create(parent=parent, child=child, status="pending", requested_at=utcnow())
    k.client.get("/coordinator/guardianships")
    return link


def _confirm_guardianship(k) -> Case:
    link = _pending_link(k)
    return Case(f"/coordinator/guardianships/{link.id}/confirm", {"document": "свидетельство о рождении II-ГР № 1"},
                lambda: Guardianship.get_by_id(link.id).status)


def _reject_guardianship(k) -> Case:
    link = _pending_link(k)
    return Case(f"/coordinator/guardianships/{link.id}/reject", {"reason": "документ на другого ребёнка"},
                lambda: Guardianship.get_by_id(link.id).status)


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
    child = k.make_person(birth_date=MINOR)
    Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    # In the curator's base, so the parent is within the curator's reach.
    BaseMembership.create(mentoring_format=_first_format(k), person=child, base="mentee", status="awaiting_consent")
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


# --- formats, programmes, proposals, orders and the cycle (issues 4 and 5) --------------------------
# Rows are made the way the portal makes them (tests.test_access_matrix.World: consent, the bases, the
# programme read, proposal → choice → confirmation → order → meetings).

def _world(k) -> World:
    return World(k.school)


def _new_format(k) -> Case:
    k.login_as("coordinator")
    k.client.get("/coordinator/formats/new")
    return Case("/coordinator/formats/new", {"name": "Работодатель – ученик", "description": "",
                                             "mentor_kind": "external", "mentee_kind": "student"},
                lambda: MentoringFormat.select().where(MentoringFormat.school == k.school).count())


def _edit_format(k) -> Case:
    k.login_as("coordinator")
    fmt = _first_format(k)
    return Case(f"/coordinator/formats/{fmt.id}/edit", {"name": "Новое имя", "description": "x"},
                lambda: MentoringFormat.get_by_id(fmt.id).name)


def _deactivate_format(k) -> Case:
    k.login_as("coordinator")
    fmt = _first_format(k)
    return Case(f"/coordinator/formats/{fmt.id}/deactivate", {}, lambda: MentoringFormat.get_by_id(fmt.id).is_active)


def _activate_format(k) -> Case:
    k.login_as("coordinator")
    fmt = _first_format(k)
    MentoringFormat.update(is_active=False).where(MentoringFormat.id == fmt.id).execute()
    return Case(f"/coordinator/formats/{fmt.id}/activate", {}, lambda: MentoringFormat.get_by_id(fmt.id).is_active)


def _appoint_curator(k) -> Case:
    k.login_as("coordinator")
    fmt, teacher = _first_format(k), k.make_person(kind="staff", birth_date=ADULT)
    return Case(f"/coordinator/formats/{fmt.id}/curators/new", {"person": str(teacher.id)},
                lambda: Appointment.select().where(Appointment.person == teacher).count())


def _change_coordinator(k) -> Case:
    k.login_as("coordinator")
    teacher = k.make_person(kind="staff", birth_date=ADULT)
    return Case("/coordinator/formats/coordinator/change", {"person": str(teacher.id)},
                lambda: Appointment.select().where(Appointment.person == teacher).count())


def _remove_curator(k) -> Case:
    k.login_as("coordinator")
    account = k.make_account(person=k.make_person(kind="staff", birth_date=ADULT))
    grant = accounts.grant_role(None, account, "curator", _first_format(k), order_number="7",
                                order_date=date(2026, 1, 1))
    return Case(f"/coordinator/formats/curators/{grant.id}/remove", {},
                lambda: RoleGrant.select().where(RoleGrant.id == grant.id).exists())


def _class_of(k, name="7А"):
    return SchoolClass.get_or_create(school=k.school, name=name)[0]


def _grant_class_teacher(k) -> Case:
    k.login_as("coordinator")
    teacher, school_class = k.make_person(kind="staff", birth_date=ADULT), _class_of(k)
    return Case("/coordinator/class-teachers", {"person": str(teacher.id), "school_class": str(school_class.id)},
                lambda: RoleGrant.select().where(RoleGrant.school_class == school_class).count())


def _remove_class_teacher(k) -> Case:
    k.login_as("coordinator")
    grant = RoleGrant.get(RoleGrant.account == k.make_account("class_teacher"))
    return Case(f"/coordinator/class-teachers/{grant.id}/remove", {},
                lambda: RoleGrant.select().where(RoleGrant.id == grant.id).exists())


def _grant_psychologist(k) -> Case:
    k.login_as("coordinator")
    person = k.make_person(kind="staff", birth_date=ADULT)
    return Case("/coordinator/psychologists", {"person": str(person.id)},
                lambda: RoleGrant.select().where(RoleGrant.role == "psychologist").count())


def _remove_psychologist(k) -> Case:
    k.login_as("coordinator")
    grant = RoleGrant.get(RoleGrant.account == k.make_account("psychologist"))
    return Case(f"/coordinator/psychologists/{grant.id}/remove", {},
                lambda: RoleGrant.select().where(RoleGrant.id == grant.id).exists())


def _ask_for_support(k) -> Case:
    k.login_as("mentor")
    return Case("/support/ask", {"topic": "Выгораю", "contact": ""}, lambda: SupportRequest.select().count())


def _support_change(action, note):
    def case(k) -> Case:
        request = support.ask(k.make_account("mentee"), None, "", "")
        k.login_as("psychologist")
        return Case(f"/support/{request.id}/{action}", {"note": note},
                    lambda: SupportRequest.get_by_id(request.id).status)
    return case


def _roadmap_event(k) -> RoadmapEvent:
    return RoadmapEvent.create(school=k.school, section="programmes", title="Педагогический совет",
                               responsible_text="координатор", due_on=date.today() + timedelta(days=5))


ROADMAP_FORM = {"section": "monitoring", "title": "Промежуточный мониторинг", "responsible_text": "кураторы",
                "due_on": "2027-01-31", "status": "planned"}


def _roadmap_fill(k) -> Case:
    k.login_as("coordinator")
    return Case("/staff/roadmap/fill", {}, lambda: RoadmapEvent.select().count())


def _roadmap_new(k) -> Case:
    k.login_as("coordinator")
    return Case("/staff/roadmap/new", ROADMAP_FORM, lambda: RoadmapEvent.select().count())


def _roadmap_edit(k) -> Case:
    k.login_as("coordinator")
    row = _roadmap_event(k)
    return Case(f"/staff/roadmap/{row.id}", ROADMAP_FORM, lambda: RoadmapEvent.get_by_id(row.id).title)


def _roadmap_status(k) -> Case:
    k.login_as("coordinator")
    row = _roadmap_event(k)
    return Case(f"/staff/roadmap/{row.id}/status", {"status": "done"},
                lambda: RoadmapEvent.get_by_id(row.id).status)


def _roadmap_delete(k) -> Case:
    k.login_as("coordinator")
    row = _roadmap_event(k)
    return Case(f"/staff/roadmap/{row.id}/delete", {},
                lambda: RoadmapEvent.select().where(RoadmapEvent.id == row.id).exists())


def _improvement(author: Person) -> ImprovementProposal:
    return ImprovementProposal.create(school=author.school_id, author=author, author_role="mentor", topic="school",
                                      text="Открыть в школе клуб наставников")


def _propose_improvement(k) -> Case:
    k.login_as("mentor")
    return Case("/proposals/new", {"topic": "mentorship", "text": "Встречи пар раз в месяц"},
                lambda: ImprovementProposal.select().count())


def _improvement_agreement(k) -> Case:
    proposal = _improvement(k.login_as("mentor").person)
    return Case(f"/proposals/{proposal.id}/agreement", {"agreed": "y"},
                lambda: ImprovementProposal.get_by_id(proposal.id).publish_agreed)


def _improvement_state(k) -> Case:
    proposal = _improvement(k.make_account("mentor").person)
    k.login_as("coordinator")
    return Case(f"/proposals/{proposal.id}/state", {"action": "accept", "answer": "Принято."},
                lambda: ImprovementProposal.get_by_id(proposal.id).status)


def _filed_complaint(k):
    """A complaint its mentee filed about an active pair of the first format: (complaint, mentor's account)."""
    w = World(k.school)
    mentor = k.make_account("mentor")
    mentee = k.make_account("mentee")
    pair = w.active_pair(mentor=mentor.person, mentee=mentee.person)
    return Complaint.create(school=k.school, mentorship=pair, filed_by=mentee.person_id, filed_as="mentee",
                            text="Встречи срываются"), mentor, mentee, pair


def _file_complaint(k) -> Case:
    _, _, mentee, pair = _filed_complaint(k)
    k.login(mentee.login)
    return Case("/complaints/new", {"pair": str(pair.id), "text": "Встречи срываются второй месяц"},
                lambda: Complaint.select().count())


def _explain_complaint(k) -> Case:
    complaint, mentor, _, _ = _filed_complaint(k)
    k.login(mentor.login)
    return Case(f"/complaints/{complaint.id}/explain", {"explanation": "Болел."},
                lambda: Complaint.get_by_id(complaint.id).status)


def _decide_complaint(k) -> Case:
    complaint, _, _, _ = _filed_complaint(k)
    k.login_as("coordinator")
    return Case(f"/complaints/{complaint.id}/decide", {"outcome": "upheld", "decision": "Обоснована."},
                lambda: Complaint.get_by_id(complaint.id).status)
# --- recognition (s9, s6) ----------------------------------------------------------------------------------------

def _competition(k) -> Competition:
    from portal.services import years
    return Competition.create(school=k.school, kind="mentor_of_year", year=years.school_year(date.today()))


def _mentor_in_first_format(k) -> Person:
    mentor = k.make_person(kind="staff", birth_date=ADULT)
    BaseMembership.create(mentoring_format=MentoringFormat.of_school(k.school).first(), person=mentor, base="mentor",
                          status="active")
    return mentor


def _create_competition(k) -> Case:
    k.login_as("coordinator")
    return Case("/recognition/competitions", {"kind": "best_pair", "year": str(date.today().year)},
                lambda: Competition.select().count())


def _nominate_for_competition(k) -> Case:
    competition, mentor = _competition(k), _mentor_in_first_format(k)
    k.login_as("coordinator")
    return Case(f"/recognition/competitions/{competition.id}/nominate",
                {"nominee": str(mentor.id), "reason": "Ведёт кружок."}, lambda: Nomination.select().count())


def _decide(k) -> Case:
    competition = _competition(k)
    row = Nomination.create(competition=competition, nominee=_mentor_in_first_format(k), nominator_role="coordinator",
                            reason="Лучший.")
    k.login_as("coordinator")
    return Case(f"/recognition/competitions/{competition.id}/decide", {f"place-{row.id}": "1"},
                lambda: (Competition.get_by_id(competition.id).status, IssuedDocument.select().count()))


def _new_event(k) -> Case:
    k.login_as("coordinator")
    return Case("/recognition/events", {"kind": "forum", "title": "Форум", "held_on": date.today().isoformat(),
                                        "place": "Актовый зал"}, lambda: SchoolEvent.select().count())


def _add_participant(k) -> Case:
    event = SchoolEvent.create(school=k.school, kind="forum", title="Форум", held_on=date.today(), place="Зал")
    person = _mentor_in_first_format(k)
    k.login_as("coordinator")
    return Case(f"/recognition/events/{event.id}/participants", {"person": str(person.id)},
                lambda: EventParticipant.select().count())


def _record_contest(k) -> Case:
    mentor = _mentor_in_first_format(k)
    k.login_as("coordinator")
    return Case("/recognition/contests", {"person": str(mentor.id), "level": "federal", "contest": "Наставник",
                                          "year": str(date.today().year), "outcome": "pending"},
                lambda: ContestNomination.select().count())


def _contest_outcome(k) -> Case:
    row = ContestNomination.create(school=k.school, person=_mentor_in_first_format(k), level="regional",
                                   contest="Наставник года", year=date.today().year)
    k.login_as("coordinator")
    return Case(f"/recognition/contests/{row.id}/outcome", {"outcome": "winner"},
                lambda: ContestNomination.get_by_id(row.id).outcome)
# --- recognition and the methodical bank (s9, 3.2) ---------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _material(author: Person, **fields):
    from portal.models import BankMaterial
    from portal.services import uploads
    stored = uploads.store(author.school_id, author, "план.pdf", PDF)
    return BankMaterial.create(school=author.school_id, author=author, title="План встреч", topic="адаптация",
                               file=stored, public_token=f"csrf{author.id}", **fields)


def _public_profile(k) -> Case:
    from portal.models import PublicProfile
    person = k.login_as("mentor").person
    return Case("/motivation/profile", {"text": "Учу шахматам"},
                lambda: PublicProfile.select().where(PublicProfile.person == person).count())


def _honour_add(k) -> Case:
    from portal.models import HonourEntry
    mentor = k.make_account("mentor").person
    k.login_as("coordinator")
    return Case("/motivation/honour", {"person": str(mentor.id), "year": str(date.today().year),
                                       "title": "Наставник года"}, lambda: HonourEntry.select().count())


def _honour_remove(k) -> Case:
    from portal.models import HonourEntry
    mentor = k.make_account("mentor").person
    entry = HonourEntry.create(school=mentor.school_id, person=mentor, year=date.today().year, title="Наставник года")
    k.login_as("coordinator")
    return Case(f"/motivation/honour/{entry.id}/remove", {}, lambda: HonourEntry.select().count())


def _material_new(k) -> Case:
    from portal.models import BankMaterial
    k.login_as("mentor")
    return Case("/motivation/bank/new", Upload(PDF, "план.pdf", title="План встреч", topic="адаптация",
                                               publish_agreed="y"), lambda: BankMaterial.select().count())


def _material_agreement(k) -> Case:
    from portal.models import BankMaterial
    material = _material(k.login_as("mentor").person)
    return Case(f"/motivation/bank/{material.id}/agreement", {"publish_agreed": "y"},
                lambda: BankMaterial.get_by_id(material.id).publish_agreed)


def _material_review(k) -> Case:
    from portal.models import BankMaterial
    material = _material(k.make_account("mentor").person, publish_agreed=True)
    k.login_as("coordinator")
    return Case(f"/motivation/bank/{material.id}/review", {"action": "publish"},
                lambda: BankMaterial.get_by_id(material.id).status)


def _pupil_of_7a(k) -> Person:
    return k.make_person(birth_date=MINOR, school_class=_class_of(k))


def _propose_pupil(k) -> Case:
    k.login_as("class_teacher")
    pupil = _pupil_of_7a(k)
    return Case(f"/class-teacher/pupils/{pupil.id}/propose",
                {"mentoring_format": str(_first_format(k).id), "base": "mentee", "category": "gifted", "note": ""},
                lambda: BaseProposal.select().where(BaseProposal.person == pupil).count())


def _pending_proposal(k) -> BaseProposal:
    """A class teacher's proposal for the first format; then its curator signs in."""
    teacher = k.make_account("class_teacher")
    proposal = class_teachers.propose(class_teachers.scope_of(teacher), _pupil_of_7a(k).id, _first_format(k).id,
                                      "mentee", "gifted", "")
    k.login_as("curator")
    return proposal


def _accept_proposal(k) -> Case:
    proposal = _pending_proposal(k)
    return Case(f"/staff/bases/proposals/{proposal.id}/accept", {},
                lambda: (BaseProposal.get_by_id(proposal.id).status, BaseMembership.select().count()))


def _decline_proposal(k) -> Case:
    proposal = _pending_proposal(k)
    return Case(f"/staff/bases/proposals/{proposal.id}/decline", {"reason": "Уже в кружке"},
                lambda: BaseProposal.get_by_id(proposal.id).status)


def _programme(k) -> Case:
    k.login_as("curator")
    fmt = _first_format(k)
    return Case(f"/staff/formats/{fmt.id}/programme",
                {"title": "П", "starts_on": "2026-09-01", "ends_on": "2027-05-31"},
                lambda: Programme.select().where(Programme.mentoring_format == fmt).count())


def _next_year(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    starts = w.programme.ends_on + timedelta(days=1)
    return Case(f"/staff/formats/{w.fmt.id}/next-year",
                {"next-starts_on": starts.isoformat(), "next-ends_on": (starts + timedelta(days=300)).isoformat()},
                lambda: Programme.select().where(Programme.mentoring_format == w.fmt).count())


def _draft(k) -> Programme:
    k.login_as("coordinator")
    w = _world(k)
    starts = w.programme.ends_on + timedelta(days=1)
    return Programme.create(mentoring_format=w.fmt, title="Следующий год", starts_on=starts,
                            ends_on=starts + timedelta(days=300), published_at=None)


def _draft_edit(k) -> Case:
    draft = _draft(k)
    return Case(f"/staff/programmes/{draft.id}", {"title": "Другое название", "starts_on": draft.starts_on.isoformat(),
                                                  "ends_on": draft.ends_on.isoformat()},
                lambda: Programme.get_by_id(draft.id).title)


def _draft_discard(k) -> Case:
    draft = _draft(k)
    return Case(f"/staff/programmes/{draft.id}/discard", {},
                lambda: Programme.select().where(Programme.id == draft.id).exists())


def _carry_pair(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    pair = w.active_pair()
    old = Programme.create(mentoring_format=w.fmt, title="Прошлый год",
                           starts_on=w.programme.starts_on - timedelta(days=400),
                           ends_on=w.programme.starts_on - timedelta(days=1))
    Mentorship.update(programme=old).where(Mentorship.id == pair.id).execute()
    return Case(f"/staff/pairs/{pair.id}/carry", {}, lambda: _status(pair))


def _proposals_mentee(k) -> Case:
    k.login_as("curator")
    w = _world(k)
    mentee, mentor = w.member("mentee"), w.member("mentor")
    url = f"/staff/formats/{w.fmt.id}/proposals/{mentee.id}"
    return Case(url, {"mentors": [str(mentor.id)]},
                lambda: Proposal.select().where(Proposal.mentee == mentee).count())


def _proposals_withdraw(k) -> Case:
    k.login_as("curator")
    w = _world(k)
    proposal = matching.propose(w.scope, w.fmt.id, w.member("mentee").id, [w.member("mentor").id])[0]
    return Case(f"/staff/proposals/{proposal.id}/withdraw", {}, lambda: Proposal.get_by_id(proposal.id).status)


def _status(pair) -> str:
    return Mentorship.get_by_id(pair.id).status


def _order_new(k) -> Case:
    k.login_as("coordinator")
    pair = _world(k).pair()
    return Case("/coordinator/orders/new", {"mentorships": [str(pair.id)]},
                lambda: (Order.select().count(), _status(pair)))


def _order_add(k) -> Case:
    k.login_as("coordinator")
    order = Order.create(school=k.school, kind="pairs", title=orders.PAIRS_TITLE)
    pair = _world(k).pair()
    return Case(f"/coordinator/orders/{order.id}/items", {"mentorships": [str(pair.id)]},
                lambda: (OrderItem.select().where(OrderItem.order == order).count(), _status(pair)))


def _order_item_remove(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    pair = w.pair()
    order = w.draft(pair)
    return Case(f"/coordinator/orders/{order.id}/items/{pair.id}/remove", {},
                lambda: (OrderItem.select().where(OrderItem.order == order).count(), _status(pair)))


def _order_merge(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    first = w.pair(capacity=2)
    second = w.pair(mentor=Person.get_by_id(first.mentor_id))
    order = w.draft(first, second)
    return Case(f"/coordinator/orders/{order.id}/merge/{second.id}", {},
                lambda: (OrderItem.select().where(OrderItem.order == order).count(), _status(first), _status(second)))


def _order_delete(k) -> Case:
    k.login_as("coordinator")
    order = Order.create(school=k.school, kind="pairs", title=orders.PAIRS_TITLE)
    return Case(f"/coordinator/orders/{order.id}/delete", {},
                lambda: Order.select().where(Order.id == order.id).exists())


def _order_register(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    pair = w.pair()
    order = w.draft(pair)
    return Case(f"/coordinator/orders/{order.id}/register",
                {"number": "45-о", "dated_on": (date.today() - timedelta(days=1)).isoformat()},
                lambda: (Order.get_by_id(order.id).status, Order.get_by_id(order.id).number, _status(pair)))


def _order_correct(k) -> Case:
    k.login_as("coordinator")
    pair = _world(k).active_pair()
    order = OrderItem.get(OrderItem.mentorship == pair).order
    return Case(f"/coordinator/orders/{order.id}/correct", {},
                lambda: Order.select().where(Order.corrects.is_null(False)).count())


def _order_changes_new(k) -> Case:
    k.login_as("coordinator")
    w = _world(k)
    pair = w.active_pair()
    Mentorship.update(status="ended", status_changed_at=utcnow()).where(Mentorship.id == pair.id).execute()
    return Case("/coordinator/orders/changes/new", {},
                lambda: (Order.select().where(Order.kind == "changes").count(), OrderItem.select().count()))


def _order_appointment_remove(k) -> Case:
    k.login_as("coordinator")
    order = Order.create(school=k.school, kind="appointment", title=orders.KIND_TITLES["appointment"])
    appointment = Appointment.create(order=order, person=k.make_person(kind="staff", birth_date=ADULT),
                                     mentoring_format=_first_format(k))
    return Case(f"/coordinator/orders/{order.id}/appointments/{appointment.id}/remove", {},
                lambda: Appointment.select().where(Appointment.id == appointment.id).count())


def _typed_order(k, **fields) -> Order:
    """A draft of the introduction order (4.1) with its typed fields filled."""
    values = {"school_year": orders.kinds.year_choices()[0], "starts_on": "2026-09-01", "basis": orders.kinds.BASIS}
    return Order.create(school=k.school, kind="introduction", title=orders.KIND_TITLES["introduction"],
                        details=json.dumps(values, ensure_ascii=False), **fields)


def _order_new_kind(k) -> Case:
    k.login_as("coordinator")
    return Case("/coordinator/orders/new/introduction",
                {"school_year": str(orders.kinds.year_choices()[0]), "starts_on": "2026-09-01", "basis": "Основание"},
                lambda: Order.select().count())


def _order_details(k) -> Case:
    k.login_as("coordinator")
    order = _typed_order(k)
    return Case(f"/coordinator/orders/{order.id}/details",
                {"school_year": str(orders.kinds.year_choices()[0]), "starts_on": "2026-10-01", "basis": "Основание"},
                lambda: Order.get_by_id(order.id).details)


def _order_scan(k) -> Case:
    k.login_as("coordinator")
    order = _typed_order(k, status="registered", number="3-од", dated_on=date.today() - timedelta(days=1))
    return Case(f"/coordinator/orders/{order.id}/scan", Upload(b"%PDF-1.4\n%%EOF\n", "scan.pdf", field="scan"),
                lambda: Order.get_by_id(order.id).scan_id)


def _choose(k) -> Case:
    mentee = k.login_as("mentee")
    proposal = _world(k).proposal(mentee=mentee.person)
    k.client.get("/mentee/choice")
    return Case(f"/mentee/choice/{proposal.id}", {},
                lambda: (Mentorship.select().count(), Proposal.get_by_id(proposal.id).status))


def _acknowledgements(person) -> int:
    return Acknowledgement.select().where(Acknowledgement.person == person).count()


def _acknowledge_programme(role):
    def case(k) -> Case:
        account = k.login_as(role)
        w = _world(k)
        w.member(role, account.person, acknowledge=False)
        return Case(f"/{role}/programmes/{w.programme.id}/acknowledge", {},
                    lambda: _acknowledgements(account.person))
    return case


def _confirm_pair(k) -> Case:
    mentor = k.login_as("mentor")
    pair = _world(k).pair(mentor=mentor.person, confirm=False)
    return Case(f"/mentor/pairs/{pair.id}/confirm", {}, lambda: _status(pair))


def _decline_pair(k) -> Case:
    mentor = k.login_as("mentor")
    pair = _world(k).pair(mentor=mentor.person, confirm=False)
    k.client.get(f"/mentor/pairs/{pair.id}/decline")
    return Case(f"/mentor/pairs/{pair.id}/decline", {"reason": ""}, lambda: _status(pair))


def _end_pair(k) -> Case:
    k.login_as("coordinator")
    pair = _world(k).active_pair()
    k.client.get(f"/staff/pairs/{pair.id}/end")
    return Case(f"/staff/pairs/{pair.id}/end", {"reason": "mentee_request", "text": "Переезд"},
                lambda: _status(pair))


def _end_requests(pair) -> int:
    return AuditEvent.select().where((AuditEvent.action == "mentorship.end_requested")
                                     & (AuditEvent.object_id == pair.id)).count()


def _mentor_end_request(k) -> Case:
    _, pair = _mentors_pair(k)
    k.client.get(f"/mentor/pairs/{pair.id}/end-request")
    return Case(f"/mentor/pairs/{pair.id}/end-request", {"text": "Не сработались"}, lambda: _end_requests(pair))


def _mentee_end_request(k) -> Case:
    mentee = k.login_as("mentee")
    pair = _world(k).active_pair(mentee=mentee.person)
    k.client.get(f"/mentee/pairs/{pair.id}/end-request")
    return Case(f"/mentee/pairs/{pair.id}/end-request", {"text": "Не сработались"}, lambda: _end_requests(pair))


def _parents_child(k):
    """The logged-in parent's child (a minor mentee under 14), and the world it lives in."""
    parent = k.login_as("parent")
    w = _world(k)
    child = w.student("mentee")
    Guardianship.create(parent=parent.person, child=child, confirmed_at=utcnow())
    return w, child


def _parent_end_request(k) -> Case:
    w, child = _parents_child(k)
    pair = w.active_pair(mentee=child)
    url = f"/parent/children/{child.id}/pairs/{pair.id}/end-request"
    k.client.get(url)
    return Case(url, {"text": "Переходит в другую школу"}, lambda: _end_requests(pair))


def _parent_chooses(k) -> Case:
    """A parent chooses the mentor for a child under 14 (s8, representation.py)."""
    w, child = _parents_child(k)
    proposal = w.proposal(mentee=child)
    url = f"/parent/children/{child.id}/choice/{proposal.id}"
    k.client.get(url)
    return Case(url, {}, lambda: Proposal.get_by_id(proposal.id).status)


def _confirmations(meeting) -> int:
    return MeetingConfirmation.select().where(MeetingConfirmation.meeting == meeting).count()


def _plans(pair) -> int:
    return Plan.select().where(Plan.mentorship == pair).count()


def _mentee_confirm_meeting(k) -> Case:
    mentee = k.login_as("mentee")
    w = _world(k)
    meeting = w.meeting(w.active_pair(mentee=mentee.person))
    return Case(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "confirmed"}, lambda: _confirmations(meeting))


def _mentee_confirm_plan(k) -> Case:
    mentee = k.login_as("mentee")
    w = _world(k)
    plan = w.plan(w.active_pair(mentee=mentee.person), by="mentor")
    return Case(f"/mentee/plans/{plan.id}/confirm", {}, lambda: Plan.get_by_id(plan.id).mentee_confirmed_at)


def _mentee_propose_plan(k) -> Case:
    mentee = k.login_as("mentee")
    pair = _world(k).active_pair(mentee=mentee.person)
    return Case(f"/mentee/pairs/{pair.id}/plan", {"goals": "Цели", "planned_meetings": "5", "tasks": ""},
                lambda: _plans(pair))


def _parent_confirm_meeting(k) -> Case:
    parent = k.login_as("parent")
    w = _world(k)
    child = w.student("mentee")
    Guardianship.create(parent=parent.person, child=child, confirmed_at=utcnow())
    meeting = w.meeting(w.active_pair(mentee=child))
    return Case(f"/parent/children/{child.id}/meetings/{meeting.id}/confirm", {"verdict": "confirmed"},
                lambda: _confirmations(meeting))


def _mentors_pair(k):
    mentor = k.login_as("mentor")
    w = _world(k)
    return w, w.active_pair(mentor=mentor.person)


def _log_meeting(k) -> Case:
    _, pair = _mentors_pair(k)
    k.client.get(f"/mentor/pairs/{pair.id}")
    return Case(f"/mentor/pairs/{pair.id}/meetings", dict(MEETING_FORM),
                lambda: Meeting.select().where(Meeting.mentorship == pair).count())


def _correct_meeting(k) -> Case:
    w, pair = _mentors_pair(k)
    meeting = w.meeting(pair)
    k.client.get(f"/mentor/meetings/{meeting.id}/correct")
    return Case(f"/mentor/meetings/{meeting.id}/correct",
                {"held_on": meeting.held_on.isoformat(), "duration_minutes": "60", "format": "online",
                 "topic": "Знакомство и цели"},
                lambda: Meeting.select().where(Meeting.mentorship == pair).count())


def _mentor_propose_plan(k) -> Case:
    _, pair = _mentors_pair(k)
    return Case(f"/mentor/pairs/{pair.id}/plan",
                {"goals": "Цели", "planned_meetings": "8", "tasks-0-title": "Урок", "tasks-0-due_on": ""},
                lambda: _plans(pair))


def _mentor_confirm_plan(k) -> Case:
    w, pair = _mentors_pair(k)
    plan = w.plan(pair, by="mentee")
    return Case(f"/mentor/plans/{plan.id}/confirm", {}, lambda: Plan.get_by_id(plan.id).mentor_confirmed_at)


def _task_done(k) -> Case:
    w, pair = _mentors_pair(k)
    task = w.plan(pair).tasks.get()
    return Case(f"/mentor/tasks/{task.id}/done", {}, lambda: PlanTask.get_by_id(task.id).done_at)


def _report(k) -> Case:
    w, pair = _mentors_pair(k)
    w.completed(pair)
    k.client.get(f"/mentor/pairs/{pair.id}/report")
    return Case(f"/mentor/pairs/{pair.id}/report", dict(REPORT_FORM),
                lambda: FinalReport.select().where(FinalReport.mentorship == pair).count())


# --- monitoring (issue 6): rounds of a format and the questionnaires of a pair ----------------------

def _rounds(fmt_id) -> int:
    return MonitoringRound.select().where(MonitoringRound.mentoring_format == fmt_id).count()


def _format_monitoring(k) -> Case:
    k.login_as("curator")
    fmt = _first_format(k)
    k.client.get(f"/staff/formats/{fmt.id}/monitoring")
    return Case(f"/staff/formats/{fmt.id}/monitoring", {"kind": "intermediate"}, lambda: _rounds(fmt.id))


def _close_monitoring_round(k) -> Case:
    k.login_as("curator")
    w = _world(k)
    monitoring_round = monitoring.open_round(w.scope, w.fmt.id, "intermediate")
    k.client.get(f"/staff/monitoring/rounds/{monitoring_round.id}/close")
    return Case(f"/staff/monitoring/rounds/{monitoring_round.id}/close", {},
                lambda: MonitoringRound.get_by_id(monitoring_round.id).closed_at)


def _monitoring_open_round(k) -> Case:
    _, pair = _mentors_pair(k)
    k.client.get("/mentor/monitoring")
    return Case(f"/mentor/monitoring/rounds/{pair.mentoring_format_id}/open", {"kind": "intermediate"},
                lambda: _rounds(pair.mentoring_format_id))


def _entry_answers(questionnaire) -> dict:
    return {monitoring.field_name(q): "Спокойнее отношусь к новому" if q.answer_type == "text"
            else monitoring.SCALES[q.answer_type][-1][0] for q in monitoring.questions_of(questionnaire.id)}


def _monitoring_answer(role):
    """The entry questionnaire, due to both sides of the actor's pair after its first meeting."""
    def case(k) -> Case:
        account = k.login_as(role)
        w = _world(k)
        pair = w.active_pair(**{role: account.person})
        w.meeting(pair)
        questionnaire = monitoring.current_questionnaires(k.school.id)["entry"]
        url = f"/{role}/monitoring/{questionnaire.id}?pair={pair.id}"
        k.client.get(url)
        return Case(url, _entry_answers(questionnaire),
                    lambda: Response.select().where(Response.respondent == account.person_id).count())
    return case


def _publish_questionnaire(k) -> Case:
    k.login_as("coordinator")
    k.client.get("/coordinator/questionnaires/process/new")
    return Case("/coordinator/questionnaires/process/new",
                posted(k.school, "process", step="publish", extra=[("", "frequency", "Встречи начинаются вовремя")]),
                lambda: Questionnaire.select().count())


def _mail_setting(k) -> Case:
    account = k.login_as("mentor")
    k.client.get("/inbox/")
    return Case("/inbox/mail", {}, lambda: Person.get_by_id(account.person_id).mail_off)


def _unsubscribe(k) -> Case:
    """The link at the foot of a mail: no login, the token of the visitor's own session."""
    from portal.services import mail
    person = k.make_person(kind="staff", birth_date=ADULT, email="someone@example.org")
    url = f"/mail/unsubscribe/{mail.unsubscribe_token(k.app.secret_key, person.id)}"
    k.client.get(url)
    return Case(url, {}, lambda: Person.get_by_id(person.id).mail_off)


def _forgot(k) -> Case:
    """«Забыли пароль?» with mail configured: a post without its token mails nothing."""
    k.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_SECURITY="none", MAIL_SENDER="n@example.org",
                        PORTAL_URL="https://portal.example")
    account = k.make_account("mentor")
    Person.update(email="m@example.org").where(Person.id == account.person_id).execute()
    k.client.get("/password/forgot")
    return Case("/password/forgot", {"login": account.login},
                lambda: Invitation.select().where(Invitation.account == account.id).count())


def _verify(k) -> Case:
    """/verify's upload: anyone may post, with the token of their own session (no login)."""
    consent = consents.accept_esign_agreement(k.make_account("mentor"), PASSWORD, True)
    code = IssuedDocument.get(IssuedDocument.consent == consent.id).code
    k.client.get(f"/verify/{code}")
    return Case(f"/verify/{code}", Upload(b"%PDF-1.4 a copy", "copy.pdf"),
                lambda: AuditEvent.select().where(AuditEvent.action == "document.checked").count())


def _low_vision(k) -> Case:
    """The «версия для слабовидящих» switch: anyone, no login; what it changes is a cookie."""
    k.client.get("/login")
    return Case("/display", {"low_vision": "1", "next": "/login"},
                lambda: k.client.raw.get_cookie("low_vision") is not None)


def _issue_agreement(k) -> Case:
    k.login_as("coordinator")
    person = k.make_person(kind="external", birth_date=ADULT)
    k.client.get(f"/staff/people/{person.id}/agreement")
    return Case(f"/staff/people/{person.id}/agreement", {},
                lambda: IssuedDocument.select().where(IssuedDocument.person == person.id).count())


def _target_model(k) -> Case:
    k.login_as("coordinator")
    k.client.get("/documents/")
    return Case("/documents/target-model", Upload(b"%PDF-1.4\n%%EOF\n", "Целевая модель.pdf", note="Первая редакция"),
                lambda: TargetModelVersion.select().count())


def _record_signed(k) -> Case:
    k.login_as("coordinator")
    person = k.make_person(kind="external", birth_date=ADULT)
    k.client.get(f"/staff/people/{person.id}/agreement")
    return Case(f"/staff/people/{person.id}/agreement/signed",
                Upload(b"%PDF-1.4\n%%EOF\n", "скан.pdf", field="scan", number="17", signed_on="2026-09-01"),
                lambda: SignedAgreement.select().where(SignedAgreement.person == person.id).count())



# --- «Школа наставников» (s10, s6, 3.2) ------------------------------------------------------------------------

def _training_group(k, **kw):
    from tests.training.helpers import group
    return group(k.school.id, **kw)


def _new_training_programme(k) -> Case:
    k.login_as("coordinator")
    return Case("/training/programmes/new", {"title": "Школа молодого наставника", "hours": "24",
                                             "min_attendance": "75"}, lambda: TrainingProgramme.select().count())


def _training_material(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/programmes/{made.programme_id}/materials", Upload(SCAN_PDF, "Памятка.pdf"),
                lambda: TrainingMaterial.select().count())


def _training_group_added(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/programmes/{made.programme_id}/groups",
                {"title": "Группа 2", "trainer": str(made.trainer_id), "is_open": "y"},
                lambda: TrainingGroup.select().count())


def _training_session(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/groups/{made.id}/sessions", {"held_on": "01.10.2026", "starts_at": "15:00",
                                                         "topic": "Обратная связь"},
                lambda: TrainingSession.select().count())


def _training_enrol(k) -> Case:
    made = _training_group(k)
    mentor = k.make_account("mentor")
    k.login_as("coordinator")
    return Case(f"/training/groups/{made.id}/enrol", {"person": str(mentor.person_id)},
                lambda: TrainingEnrolment.select().count())


def _training_join(k) -> Case:
    made = _training_group(k)
    k.login_as("mentor")
    return Case(f"/training/groups/{made.id}/join", {}, lambda: TrainingEnrolment.select().count())


def _training_enrolled(k):
    from tests.training.helpers import coordinator_of
    made = _training_group(k, sessions=1)
    return made, training.enrol(coordinator_of(k.school.id), made.id, k.make_account("mentor").person_id)


def _training_attendance(k) -> Case:
    made, enrolment = _training_enrolled(k)
    session = TrainingSession.get(TrainingSession.group == made.id)
    k.login_as("coordinator")
    return Case(f"/training/sessions/{session.id}/attendance", {"present": str(enrolment.id)},
                lambda: [a.present for a in TrainingAttendance.select()])


def _training_complete(k) -> Case:
    from tests.training.helpers import attend
    made, enrolment = _training_enrolled(k)
    attend(made, enrolment, 1)
    k.login_as("coordinator")
    return Case(f"/training/groups/{made.id}/complete", {},
                lambda: TrainingEnrolment.get_by_id(enrolment.id).certificate_id)


def _training_programme_edited(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/programmes/{made.programme_id}/edit",
                {"title": "Школа молодого наставника", "hours": "24", "min_attendance": "75"},
                lambda: TrainingProgramme.get_by_id(made.programme_id).title)


def _training_programme_deleted(k) -> Case:
    from tests.training.helpers import coordinator_of
    bare = training.create_programme(coordinator_of(k.school.id), training.ProgrammeData("Черновик", 8, "", 75))
    k.login_as("coordinator")
    return Case(f"/training/programmes/{bare.id}/delete", {}, lambda: TrainingProgramme.select().count())


def _training_group_edited(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/groups/{made.id}/edit", {"title": "Группа «Весна»", "trainer": str(made.trainer_id)},
                lambda: TrainingGroup.get_by_id(made.id).title)


def _training_group_deleted(k) -> Case:
    made = _training_group(k)
    k.login_as("coordinator")
    return Case(f"/training/groups/{made.id}/delete", {}, lambda: TrainingGroup.select().count())


def _training_session_edited(k) -> Case:
    made = _training_group(k, sessions=1)
    session = TrainingSession.get(TrainingSession.group == made.id)
    k.login_as("coordinator")
    return Case(f"/training/sessions/{session.id}/edit", {"held_on": "14.10.2026", "starts_at": "16:30",
                                                          "topic": "Обратная связь"},
                lambda: TrainingSession.get_by_id(session.id).topic)


def _training_session_deleted(k) -> Case:
    made = _training_group(k, sessions=1)
    session = TrainingSession.get(TrainingSession.group == made.id)
    k.login_as("coordinator")
    return Case(f"/training/sessions/{session.id}/delete", {}, lambda: TrainingSession.select().count())


def _external_course(k) -> Case:
    k.login_as("mentor")
    return Case("/training/courses/new", Upload(SCAN_PDF, "удостоверение.pdf", title="Наставничество в образовании",
                                                provider="Академия Минпросвещения России", hours="36",
                                                completed_on=date.today().isoformat()),
                lambda: ExternalCourse.select().count())


CASES: dict[str, Callable] = {
    "public.verify": _verify,
    "public.display": _low_vision,
    "public.unsubscribe": _unsubscribe,
    "inbox.mail_setting": _mail_setting,
    "staff.agreement": _issue_agreement,
    "staff.agreement_signed": _record_signed,
    "registry.upload_target_model": _target_model,
    "auth.login": _login,
    "auth.logout": _logout,
    "auth.password": _password,
    "auth.invitation": _invitation,
    "auth.forgot": _forgot,
    "auth.switch_role": _switch_role,
    "auth.acknowledge": _acknowledge,
    "auth.login_code": _login_code,
    "auth.second_factor_enable": _second_factor_enable,
    "auth.second_factor_disable": _second_factor_disable,
    "auth.recovery_codes": _recovery_codes,
    "coordinator.second_factor_requirement": _second_factor_requirement,
    "coordinator.issue_invitation": _issue_invitation,
    "coordinator.new_consent_text": _new_consent_text,
    "coordinator.destroy": _destroy,
    "consent.esign": _esign,
    "consent.sign": _sign,
    "consent.withdraw": _withdraw,
    "inbox.read_all": _read_all,
    "staff.new_person": _new_person,
    "staff.import_people": _import_people,
    "staff.import_commit": _import_commit,
    "staff.link_parent": _link_parent,
    "staff.person_email": _person_email,
    "coordinator.confirm_guardianship": _confirm_guardianship,
    "coordinator.reject_guardianship": _reject_guardianship,
    "staff.unlink_parent": _unlink_parent,
    "staff.invite": _invite,
    "staff.nominate": _nominate,
    "staff.edit_member": _edit_member,
    "staff.remove_member": _remove_member,
    "coordinator.new_format": _new_format,
    "coordinator.edit_format": _edit_format,
    "coordinator.deactivate_format": _deactivate_format,
    "coordinator.activate_format": _activate_format,
    "coordinator.appoint_curator": _appoint_curator,
    "coordinator.remove_curator": _remove_curator,
    "coordinator.change_coordinator": _change_coordinator,
    "coordinator.class_teachers_page": _grant_class_teacher,
    "coordinator.remove_class_teacher": _remove_class_teacher,
    "coordinator.psychologists_page": _grant_psychologist,
    "coordinator.remove_psychologist": _remove_psychologist,
    "support.ask": _ask_for_support,
    "support.contact": _support_change("contact", "Позвонила"),
    "support.close": _support_change("close", "Помощь оказана"),
    "staff.roadmap_fill": _roadmap_fill,
    "staff.roadmap_new": _roadmap_new,
    "staff.roadmap_event": _roadmap_edit,
    "staff.roadmap_status": _roadmap_status,
    "staff.roadmap_delete": _roadmap_delete,
    "recognition.create": _create_competition,
    "recognition.nominate": _nominate_for_competition,
    "recognition.decide": _decide,
    "recognition.events": _new_event,
    "recognition.add_participant": _add_participant,
    "recognition.contests": _record_contest,
    "recognition.contest_outcome": _contest_outcome,
    "proposals.new": _propose_improvement,
    "complaints.new": _file_complaint,
    "complaints.explain": _explain_complaint,
    "complaints.decide": _decide_complaint,
    "proposals.agreement": _improvement_agreement,
    "proposals.change_state": _improvement_state,
    "motivation.profile": _public_profile,
    "motivation.honour_board": _honour_add,
    "motivation.honour_remove": _honour_remove,
    "motivation.material_new": _material_new,
    "motivation.material_agreement": _material_agreement,
    "motivation.material_review": _material_review,
    "class_teacher.propose": _propose_pupil,
    "staff.accept_base_proposal": _accept_proposal,
    "staff.decline_base_proposal": _decline_proposal,
    "staff.programme": _programme,
    "staff.next_year": _next_year,
    "staff.programme_year": _draft_edit,
    "staff.programme_change": _draft_discard,
    "staff.pair_carry": _carry_pair,
    "staff.proposals_mentee": _proposals_mentee,
    "staff.proposals_withdraw": _proposals_withdraw,
    "coordinator.order_new": _order_new,
    "coordinator.order_add": _order_add,
    "coordinator.order_item_remove": _order_item_remove,
    "coordinator.order_merge": _order_merge,
    "coordinator.order_delete": _order_delete,
    "coordinator.order_register": _order_register,
    "coordinator.order_correct": _order_correct,
    "coordinator.order_changes_new": _order_changes_new,
    "coordinator.order_appointment_remove": _order_appointment_remove,
    "coordinator.order_new_kind": _order_new_kind,
    "coordinator.order_details": _order_details,
    "coordinator.order_scan": _order_scan,
    "mentee.choose": _choose,
    "mentee.acknowledge": _acknowledge_programme("mentee"),
    "mentor.acknowledge": _acknowledge_programme("mentor"),
    "mentor.confirm": _confirm_pair,
    "mentor.decline": _decline_pair,
    "staff.pair_end": _end_pair,
    "mentor.end_request": _mentor_end_request,
    "mentee.end_request": _mentee_end_request,
    "parent.end_request": _parent_end_request,
    "parent.choose": _parent_chooses,
    "mentee.confirm_meeting": _mentee_confirm_meeting,
    "mentee.confirm_plan": _mentee_confirm_plan,
    "mentee.propose_plan": _mentee_propose_plan,
    "parent.confirm_meeting": _parent_confirm_meeting,
    "mentor.log_meeting": _log_meeting,
    "mentor.correct_meeting": _correct_meeting,
    "mentor.propose_plan": _mentor_propose_plan,
    "mentor.confirm_plan": _mentor_confirm_plan,
    "mentor.task_done": _task_done,
    "mentor.report": _report,
    "staff.format_monitoring": _format_monitoring,
    "staff.close_monitoring_round": _close_monitoring_round,
    "mentor.monitoring_open_round": _monitoring_open_round,
    "mentor.monitoring_answer": _monitoring_answer("mentor"),
    "mentee.monitoring_answer": _monitoring_answer("mentee"),
    "coordinator.publish_questionnaire": _publish_questionnaire,
    "training.new_programme": _new_training_programme,
    "training.add_material": _training_material,
    "training.add_group": _training_group_added,
    "training.add_session": _training_session,
    "training.enrol": _training_enrol,
    "training.join": _training_join,
    "training.attendance": _training_attendance,
    "training.complete": _training_complete,
    "training.edit_programme": _training_programme_edited,
    "training.delete_programme": _training_programme_deleted,
    "training.edit_group": _training_group_edited,
    "training.delete_group": _training_group_deleted,
    "training.edit_session": _training_session_edited,
    "training.delete_session": _training_session_deleted,
    "training.new_course": _external_course,
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# Write routes that take no CSRF token on purpose, each with why and the test that shows what else guards it.
EXEMPT = {
    # RFC 8058: the mail program posts `List-Unsubscribe=One-Click` without the portal's cookies; the signed
    # token in the address is the proof, and any other post changes nothing
    # (mail/test_mail_worker.py::test_a_mail_programs_one_click_unsubscribes_without_a_session).
    "public.unsubscribe_one_click",
}


def test_every_write_route_has_a_case(app):
    writes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS}
    missing = sorted(writes - set(CASES) - EXEMPT)
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
    response = client.raw.post(f"/coordinator/accounts/{target.id}/invitation", data={"reason": "забыл пароль"},
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
