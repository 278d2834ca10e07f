"""The consent gate (4.10, 4.11): signing, withdrawal, destruction — and one answer to «may this person take part?».

Every later feature asks `may_take_part` (or `participation_gate` for a list) before it proposes,
pairs, logs or surveys anyone: without a valid consent (for a minor, a parent's) the answer is no.
"""
import hashlib
import operator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from pathlib import Path
from string import Template

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, db, is_sqlite
from portal.documents.consent import consent_html
from portal.models import (
    Account, Answer, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, FinalReport, Guardianship,
    Invitation, IssuedDocument, Meeting, MeetingConfirmation, MembershipCategory, MentoringFormat, Mentorship, MentorshipMember,
    Person, Plan, PlanTask, Proposal, Response, RoleGrant, School,
)
from portal.models.accounts import STAFF_ROLES
from portal.models.base import utcnow
from portal.models.consent import CONSENT_KINDS
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued, passwords

TEXTS = Path(__file__).resolve().parent.parent / "data" / "consents"
KIND_TITLES = dict(CONSENT_KINDS)
# Which consent lets a person into which base: a minor needs a parent's, an adult signs for themself.
MINOR_KIND_FOR_BASE = {"mentee": "parent_mentee", "mentor": "parent_mentor"}
PARTICIPATION_KINDS = ("adult_self", "parent_mentee", "parent_mentor")
DESTRUCTION_DAYS = 30
PRE_ACTIVE = ("proposed", "chosen", "confirmed", "in_order")
MIN_TEXT_LENGTH = 50
BLANK = "________________"

# What render_text fills in, explained for the coordinator who edits a text.
PLACEHOLDERS = (
    ("operator", "полное наименование школы — оператора персональных данных"),
    ("operator_short", "краткое наименование школы"),
    ("operator_address", "адрес школы"),
    ("subject", "ФИО субъекта персональных данных в именительном падеже: «Иванов Пётр Сергеевич»"),
    ("subject_genitive", "ФИО субъекта в родительном падеже: «(несовершеннолетнего) Иванова Петра Сергеевича»"),
    ("minor", "«несовершеннолетнего» или «несовершеннолетней» — по полу субъекта"),
    ("residing", "«проживающего» или «проживающей» — по полу субъекта"),
    ("subject_birth_date", "дата рождения субъекта"),
    ("subject_document", "документ, удостоверяющий личность субъекта (вводит подписывающий)"),
    ("subject_address", "адрес проживания субъекта (вводит подписывающий)"),
    ("representative", "ФИО законного представителя, который подписывает согласие"),
    ("representative_document", "документ, удостоверяющий личность подписывающего"),
    ("representative_address", "адрес проживания подписывающего"),
    ("authority_basis", "основание полномочий представителя, как его подтвердила школа («родитель», «опекун»); "
                        "при подписании за себя — «лично»"),
    ("signer_name", "ФИО подписывающего: самого участника или законного представителя"),
    ("acting_for", "«в отношении себя —» или «как законный представитель» — для текстов, которые подписывают "
                   "и за себя, и за ребёнка"),
)
PLACEHOLDER_NAMES = frozenset(name for name, _ in PLACEHOLDERS)
# The items of 152-ФЗ art. 9 p. 4 a text must carry; each entry lists placeholders that satisfy it.
_OPERATOR = (("operator",), ("operator_address",))
_SUBJECT = (("subject", "subject_genitive"), ("subject_document",), ("subject_address",))
_REPRESENTATIVE = (("representative", "signer_name"), ("representative_document",), ("representative_address",),
                   ("authority_basis",))
REQUIRED_PLACEHOLDERS = {
    "adult_self": _OPERATOR + _SUBJECT,
    "parent_mentee": _OPERATOR + _SUBJECT + _REPRESENTATIVE,
    "parent_mentor": _OPERATOR + _SUBJECT + _REPRESENTATIVE,
    "dissemination": _OPERATOR + _SUBJECT + _REPRESENTATIVE,
    "esign_agreement": (("operator",), ("signer_name",)),
}

# What destruction erases and what stays as evidence (DECISIONS.md, «Retention after withdrawal»).
ERASED = (
    "фамилия, имя, отчество — человек обозначается как «Участник №…»",
    "телефон, электронная почта, должность и место работы",
    "категории участия, в том числе сведения о здоровье и трудной жизненной ситуации",
    "документы и адреса, введённые при подписании согласий",
    "свободный текст об участнике: «чем может помочь», «что нужно», заметки встреч, планы, отчёты, ответы анкет",
)
ERASED_PARTLY = (
    "категории участия и свободный текст в базе, к которой относилось отозванное согласие",
    "документы и адреса, введённые при подписании отозванного согласия",
    "заметки встреч, планы и отчёты пар, в которых человек участвовал по этому согласию",
)
KEPT = (
    "запись о подписании и отзыве согласия: вид, редакция текста и её SHA-256, дата, время и IP-адрес — "
    "доказательство, что согласие было и было отозвано",
    "обезличенный номер участника, пол, даты и количества — для анонимной статистики",
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def required_kind(person: Person, base: str, on: date | None = None) -> str:
    return MINOR_KIND_FOR_BASE[base] if person.is_minor(on) else "adult_self"


def bases_opened_by(kind: str) -> tuple[str, ...]:
    return {"adult_self": ("mentor", "mentee"), "parent_mentee": ("mentee",),
            "parent_mentor": ("mentor",)}.get(kind, ())


# --- consent texts -------------------------------------------------------------------------------

def seed_documents(school: School, actor: Person | None = None) -> None:
    """Version 1 of every consent text for a new school, from the portal's standard wording."""
    for kind, title in CONSENT_KINDS:
        if not ConsentDocument.select().where((ConsentDocument.school == school)
                                              & (ConsentDocument.kind == kind)).exists():
            body = (TEXTS / f"{kind}.txt").read_text(encoding="utf-8")
            ConsentDocument.create(school=school, kind=kind, version=1, title=title.capitalize(), body=body,
                                   sha256=sha256(body), created_by=actor)


def current_documents(school_id: int) -> dict[str, ConsentDocument]:
    """The newest version of each kind, in one query."""
    latest = (ConsentDocument.select(ConsentDocument.kind, fn.MAX(ConsentDocument.version).alias("v"))
              .where(ConsentDocument.school == school_id).group_by(ConsentDocument.kind))
    docs = (ConsentDocument.select()
            .join(latest, on=((ConsentDocument.kind == latest.c.kind) & (ConsentDocument.version == latest.c.v)))
            .where(ConsentDocument.school == school_id))
    return {d.kind: d for d in docs}


def text_versions(school_id: int) -> list[dict]:
    """Every kind with its current version and the older ones, with signatures per version: two queries."""
    Author = Person.alias()
    documents = (ConsentDocument.select(ConsentDocument, Author).join(Author, JOIN.LEFT_OUTER,
                                                                      on=ConsentDocument.created_by)
                 .where(ConsentDocument.school == school_id).order_by(ConsentDocument.version.desc()))
    signatures = dict(Consent.select(Consent.document, fn.COUNT(Consent.id)).join(ConsentDocument)
                      .where(ConsentDocument.school == school_id).group_by(Consent.document).tuples())
    by_kind = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    return [{"kind": kind, "title": title, "current": by_kind[kind][0], "older": by_kind[kind][1:],
             "signatures": signatures}
            for kind, title in CONSENT_KINDS if kind in by_kind]


def _is_coordinator(person: Person, school_id: int) -> bool:
    return (RoleGrant.select().join(Account)
            .where((Account.person == person) & (Account.school == school_id) & (RoleGrant.role == "coordinator")
                   & (Account.is_active == True)).exists())  # noqa: E712


def _has_control_characters(text: str) -> bool:
    """NUL and friends never belong in a document (PostgreSQL refuses NUL outright)."""
    return any((ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 for ch in text)


def placeholder_guide(kind: str) -> list[tuple[str, str, bool]]:
    """(name, meaning, needed by 152-ФЗ art. 9 p. 4 for this kind) for the text editor's help."""
    needed = {name for alternatives in REQUIRED_PLACEHOLDERS.get(kind, ()) for name in alternatives}
    return [(name, meaning, name in needed) for name, meaning in PLACEHOLDERS]


def _check_text(kind: str, body: str) -> None:
    """A text that lost an item 152-ФЗ art. 9 p. 4 requires, or names an unknown placeholder, is refused."""
    if _has_control_characters(body):
        raise ServiceError("Текст содержит недопустимые символы.", field="body")
    if len(body) < MIN_TEXT_LENGTH:
        raise ServiceError(f"Текст согласия слишком короткий (нужно не меньше {MIN_TEXT_LENGTH} знаков).",
                           field="body")
    used = set(Template(body).get_identifiers())
    unknown = sorted(used - PLACEHOLDER_NAMES)
    if unknown:
        raise ServiceError("Неизвестные подстановки: " + ", ".join(f"${name}" for name in unknown)
                           + ". Используйте только перечисленные ниже.", field="body")
    for alternatives in REQUIRED_PLACEHOLDERS[kind]:
        if not used & set(alternatives):
            raise ServiceError(f"В тексте нет подстановки ${alternatives[0]}: без неё согласие не содержит "
                               "сведений, которых требует ч. 4 ст. 9 Федерального закона № 152-ФЗ.", field="body")


def new_version(actor: Person, kind: str, title: str, body: str, ip: str = "") -> ConsentDocument:
    """The school edits a text by publishing a new version; signed consents keep pointing at theirs."""
    if kind not in KIND_TITLES:
        raise ServiceError("Неизвестный вид согласия.", field="kind")
    if not _is_coordinator(actor, actor.school_id):
        raise NotAllowed("Тексты согласий публикует координатор.")
    title = " ".join(title.split())
    # Browsers send CRLF; paragraphs are split on blank lines and the hash must not depend on the OS.
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise ServiceError("Укажите заголовок документа.", field="title")
    if len(title) > 300:
        raise ServiceError("Заголовок не длиннее 300 знаков.", field="title")
    if _has_control_characters(title):
        raise ServiceError("Заголовок содержит недопустимые символы.", field="title")
    _check_text(kind, body)
    with atomic_write():
        current = current_documents(actor.school_id).get(kind)
        if current is not None and current.body.strip() == body and current.title == title:
            raise ServiceError("Текст не изменился: новая редакция не нужна.", field="body")
        try:
            with db.atomic():
                document = ConsentDocument.create(school=actor.school_id, kind=kind,
                                                  version=(current.version if current else 0) + 1, title=title,
                                                  body=body, sha256=sha256(body), created_by=actor)
        except IntegrityError:  # another coordinator published the same version a moment ago
            raise ServiceError("Только что опубликована другая редакция. Обновите страницу.", field="body")
        audit.record("consent_text.published", actor=actor, obj=document, ip=ip, kind=kind,
                     version=document.version, sha256=document.sha256)
    return document


@dataclass
class SigningDetails:
    identity_document: str = ""
    address: str = ""
    subject_document: str = ""
    subject_address: str = ""


def render_text(document: ConsentDocument, school: School, signer: Person, subject: Person,
                details: SigningDetails, basis: str = "") -> str:
    """The consent with the people's data filled in; unknown placeholders stay visible, never fail."""
    blank = BLANK
    self_signed = signer.id == subject.id
    values = {
        "operator": school.name,
        "operator_short": school.short_name,
        "operator_address": school.address or blank,
        "representative": full_name(signer),
        "representative_document": details.identity_document or blank,
        "representative_address": details.address or blank,
        "authority_basis": basis or ("лично" if self_signed else "родитель"),
        "signer_name": full_name(signer),
        "acting_for": "в отношении себя —" if self_signed else "как законный представитель",
        "subject": full_name(subject),
        # A pseudonym («Участник №7») is not a name and is not declined.
        "subject_genitive": subject.full_name if subject.destroyed_at else full_name(subject, "genitive"),
        "minor": "несовершеннолетней" if subject.sex == "f" else "несовершеннолетнего",
        "residing": "проживающей" if subject.sex == "f" else "проживающего",
        "subject_birth_date": subject.birth_date.strftime("%d.%m.%Y") if subject.birth_date else blank,
        "subject_document": (details.identity_document if self_signed else details.subject_document) or blank,
        "subject_address": (details.address if self_signed else details.subject_address) or blank,
    }
    return Template(document.body).safe_substitute(values)


# --- the gate ------------------------------------------------------------------------------------

def valid_consents(subject_ids) -> dict[tuple[int, str], Consent]:
    """(subject, kind) → the newest consent not withdrawn, for many people in one query."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    rows = (Consent.select(Consent, ConsentDocument).join(ConsentDocument).switch(Consent)
            .join(ConsentWithdrawal, JOIN.LEFT_OUTER)
            .where(Consent.subject.in_(subject_ids) & ConsentWithdrawal.id.is_null())
            .order_by(Consent.signed_at))
    return {(c.subject_id, c.document.kind): c for c in rows}


def consented_kinds(subject_ids) -> set[tuple[int, str]]:
    """(subject, kind) of every consent not withdrawn — just the keys, read as tuples: the gate runs over
    whole bases on the dashboard and the exports, where building each consent as an object is the cost."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return set()
    return set(Consent.select(Consent.subject, ConsentDocument.kind).join(ConsentDocument).switch(Consent)
               .join(ConsentWithdrawal, JOIN.LEFT_OUTER)
               .where(Consent.subject.in_(subject_ids) & ConsentWithdrawal.id.is_null()).tuples())


def participation_gate(people_and_bases, on: date | None = None) -> dict[tuple[int, str], bool]:
    """For each (person, base): may they take part? One query whatever the number of people."""
    pairs = list(people_and_bases)
    valid = consented_kinds({p.id for p, _ in pairs})
    return {(p.id, base): (p.id, required_kind(p, base, on)) in valid for p, base in pairs}


def may_take_part(person: Person, base: str, on: date | None = None) -> bool:
    """The one question every later feature asks: no valid consent (for a minor, a parent's) — no."""
    return participation_gate([(person, base)], on)[(person.id, base)]


def require_participation(person: Person, base: str) -> None:
    if not may_take_part(person, base):
        raise ServiceError(f"{full_name(person)}: нет действующего согласия на обработку персональных данных.")


# --- who may sign for whom -----------------------------------------------------------------------

def guardianship(parent: Person, child: Person) -> Guardianship | None:
    return Guardianship.get_or_none((Guardianship.parent == parent) & (Guardianship.child == child)
                                    & Guardianship.confirmed_at.is_null(False))


def subject_for_signer(signer: Person, subject_id: int) -> tuple[Person, str]:
    """The subject a signer may act for, with the basis of authority; anyone else is «not found»."""
    subject = Person.get_or_none((Person.id == subject_id) & (Person.school == signer.school_id)
                                 & Person.destroyed_at.is_null())
    if subject is None:
        raise NotAllowed("Нет такого участника.")
    if subject.id == signer.id:
        return subject, "лично"
    link = guardianship(signer, subject)
    if link is None or not subject.is_minor():
        raise NotAllowed("Подписывать согласие за этого человека вы не можете.")
    return subject, link.basis


def signs_online(person: Person) -> bool:
    """Only a known adult signs: a student whose birth date the school has not entered may be a minor."""
    unknown_age = person.birth_date is None and person.kind == "student"
    return not (person.is_minor() or unknown_age)


def kinds_for(signer: Person, subject: Person) -> list[str]:
    """The consents this signer can give for this subject."""
    if not signs_online(signer):
        return []
    if signer.id == subject.id:
        return ["adult_self", "dissemination"]
    return ["parent_mentee", "parent_mentor", "dissemination"]


def has_esign_agreement(person: Person) -> bool:
    return (Consent.select().join(ConsentDocument)
            .where((Consent.signer == person) & (ConsentDocument.kind == "esign_agreement")).exists())


# --- signing and withdrawing ---------------------------------------------------------------------

def _lock_person(person_id: int) -> None:
    """Serialise signatures about one person, so a double click signs once (SQLite: IMMEDIATE does it)."""
    if not is_sqlite():
        list(Person.select(Person.id).where(Person.id == person_id).for_update())


def accept_esign_agreement(account: Account, password: str, agree: bool, ip: str = "", user_agent: str = "") -> Consent:
    """63-ФЗ art. 6 p. 2: the agreement that makes a password-confirmed click a written signature."""
    person = account.person
    if not signs_online(person):
        raise NotAllowed("За несовершеннолетнего документы подписывает родитель (законный представитель).")
    if not agree:
        raise ServiceError("Подтвердите согласие с условиями соглашения.", field="agree")
    if not passwords.verify_password(account.password_hash, password):
        raise ServiceError("Пароль введён неверно.", field="password")
    document = current_documents(person.school_id)["esign_agreement"]
    with atomic_write():
        _lock_person(person.id)
        existing = (Consent.select().join(ConsentDocument)
                    .where((Consent.signer == person) & (ConsentDocument.kind == "esign_agreement")).first())
        if existing:
            return existing
        consent = Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256,
                                 ip=ip, user_agent=user_agent)
        audit.record("esign_agreement.accepted", actor=person, obj=consent, ip=ip, version=document.version)
        _issue(consent, person, person, "лично", ip=ip)
    return consent


def sign(account: Account, subject_id: int, kind: str, *, password: str, agree: bool, details: SigningDetails,
         ip: str = "", user_agent: str = "") -> Consent:
    """A simple electronic signature: re-entered password, a ticked agreement, the identity details typed."""
    signer = account.person
    subject, basis = subject_for_signer(signer, subject_id)
    if kind not in kinds_for(signer, subject):
        raise NotAllowed("Такое согласие здесь не подписывается.")
    if not has_esign_agreement(signer):
        raise ServiceError("Сначала примите соглашение об использовании простой электронной подписи.")
    _check_details(signer, subject, kind, details)
    if not agree:
        raise ServiceError("Отметьте, что вы прочитали текст и даёте согласие.", field="agree")
    if not passwords.verify_password(account.password_hash, password):
        raise ServiceError("Пароль введён неверно: подпись не поставлена.", field="password")
    document = current_documents(signer.school_id)[kind]
    with atomic_write():
        _lock_person(subject.id)
        existing = valid_consents([subject.id]).get((subject.id, kind))
        if existing is not None:
            return existing  # a double click or a second tab: still one signature
        consent = Consent.create(
            document=document, subject=subject, signer=signer, text_sha256=document.sha256,
            identity_document=details.identity_document.strip(), address=details.address.strip(),
            subject_document=details.subject_document.strip(), subject_address=details.subject_address.strip(),
            ip=ip, user_agent=user_agent)
        audit.record("consent.signed", actor=signer, obj=consent, ip=ip, kind=kind, subject=subject.id,
                     version=document.version, sha256=document.sha256)
        _issue(consent, signer, subject, basis, ip=ip)
        _activate(subject, kind, signer, ip)
    return consent


# --- the signed document: frozen at signing (DECISIONS.md «What a signed document is») ---------------

def _issue(consent: Consent, signer: Person, subject: Person, basis: str, ip: str = "",
           late: bool = False) -> IssuedDocument:
    """The consent exactly as signed — names, the school's details, the identity details typed, the
    authority the school confirmed — frozen with its SHA-256 and a verification code, in the signing's
    transaction. A later change of any of these changes nothing the signer was given."""
    school = School.get_by_id(consent.document.school_id)
    details = SigningDetails(consent.identity_document, consent.address, consent.subject_document,
                             consent.subject_address)
    data = {"consent": consent, "signer": signer, "subject": subject, "school": school,
            "self_signed": signer.id == subject.id, "basis": basis or "родитель",
            "text": render_text(consent.document, school, signer, subject, details, basis)}
    kind = consent.document.kind
    return issued.issue(school_id=school.id, kind="esign_agreement" if kind == "esign_agreement" else "consent",
                        title=KIND_TITLES[kind].capitalize(), issued_at=consent.signed_at,
                        actor=None if late else signer, ip=ip, frozen_late=late, consent=consent.id,
                        render=lambda verification: consent_html(dict(data, verification=verification)))


def freeze_late(consent: Consent) -> IssuedDocument:
    """A consent signed before documents were frozen: frozen now from what it renders today, marked so.

    Inside the caller's transaction (flask db-upgrade, or the first download of an old consent)."""
    signer = Person.get_by_id(consent.signer_id)
    subject = Person.get_by_id(consent.subject_id)
    if signer.id == subject.id:
        basis = "лично"
    else:
        link = Guardianship.get_or_none((Guardianship.parent == signer) & (Guardianship.child == subject))
        basis = link.basis if link else ""
    return _issue(consent, signer, subject, basis, late=True)


def issued_document(consent: Consent) -> IssuedDocument:
    """The frozen document of a consent the caller may see (consent_for / esign_agreement_of)."""
    found = issued.of(consent=consent.id)
    if found is None:
        with atomic_write():
            found = issued.of(consent=consent.id) or freeze_late(consent)
    return found


def consent_pdf(consent: Consent) -> bytes:
    """Always the PDF of the frozen document: the same bytes at every download."""
    return issued.pdf_bytes(issued_document(consent))


def esign_agreement(person: Person) -> Consent | None:
    """The person's own e-signature agreement, if accepted."""
    return (Consent.select(Consent, ConsentDocument).join(ConsentDocument)
            .where((Consent.signer == person) & (ConsentDocument.kind == "esign_agreement"))
            .order_by(Consent.id).first())


def esign_agreement_for(account: Account, consent_id: int) -> Consent:
    """The e-signature agreement the account itself accepted; anyone else's is «not found»."""
    consent = esign_agreement(account.person)
    if consent is None or consent.id != consent_id:
        raise NotAllowed("Нет такого соглашения.")
    return consent


def _check_details(signer: Person, subject: Person, kind: str, details: SigningDetails) -> None:
    """152-ФЗ art. 9 p. 4: the subject's (and the representative's) document and address go into every consent."""
    if kind == "esign_agreement":
        return
    for name, value in vars(details).items():
        if _has_control_characters(value):
            raise ServiceError("Поле содержит недопустимые символы.", field=name)
    if len(details.identity_document.strip()) < 6:
        raise ServiceError("Укажите документ, удостоверяющий личность: вид, серию, номер, кем и когда выдан.",
                           field="identity_document")
    if len(details.address.strip()) < 6:
        raise ServiceError("Укажите адрес проживания.", field="address")
    if signer.id != subject.id:
        if len(details.subject_document.strip()) < 6:
            raise ServiceError("Укажите документ ребёнка: свидетельство о рождении или паспорт.",
                               field="subject_document")
        if len(details.subject_address.strip()) < 6:
            raise ServiceError("Укажите адрес проживания ребёнка.", field="subject_address")


def _activate(subject: Person, kind: str, actor: Person, ip: str) -> None:
    """A member waiting for this consent becomes active; a pair suspended for it resumes with the member."""
    bases = bases_opened_by(kind)
    if not bases:
        return
    waiting = list(BaseMembership.select().where((BaseMembership.person == subject)
                                                 & (BaseMembership.status == "awaiting_consent")
                                                 & BaseMembership.base.in_(bases)))
    for membership in waiting:
        BaseMembership.update(status="active").where(BaseMembership.id == membership.id).execute()
        audit.record("base.member_activated", actor=actor, obj=membership, ip=ip, person=subject.id)
    for mentorship in _mentorships_of(subject, ("suspended",), bases):
        if all(may_take_part(p, base) for p, base in _participants(mentorship)):
            Mentorship.update(status="active", status_changed_at=utcnow()).where(
                Mentorship.id == mentorship.id).execute()
            audit.record("mentorship.resumed", actor=actor, obj=mentorship, ip=ip, reason="consent signed")
            # The withdrawal took the person out of the format's base; the resumed pair brings them back.
            base = "mentor" if mentorship.mentor_id == subject.id else "mentee"
            BaseMembership.update(status="active", left_at=None).where(
                (BaseMembership.person == subject) & (BaseMembership.base == base)
                & (BaseMembership.mentoring_format == mentorship.mentoring_format_id)
                & (BaseMembership.status == "left")).execute()


def _pair_ids(person: Person, bases=("mentor", "mentee")):
    """The pairs a person is in as mentor and/or mentee, as a subquery."""
    as_mentee = MentorshipMember.select(MentorshipMember.mentorship).where(MentorshipMember.mentee == person)
    condition = {"mentor": Mentorship.mentor == person, "mentee": Mentorship.id.in_(as_mentee)}
    return Mentorship.select(Mentorship.id).where(reduce(operator.or_, (condition[b] for b in bases)))


def _mentorships_of(person: Person, statuses, bases=("mentor", "mentee")) -> list[Mentorship]:
    return list(Mentorship.select().where(Mentorship.id.in_(_pair_ids(person, bases))
                                          & Mentorship.status.in_(statuses)))


def _participants(mentorship: Mentorship):
    yield mentorship.mentor, "mentor"
    for member in MentorshipMember.select(MentorshipMember, Person).join(Person).where(
            (MentorshipMember.mentorship == mentorship) & MentorshipMember.left_at.is_null()):
        yield member.mentee, "mentee"


def consent_for(account: Account, consent_id: int) -> Consent:
    """A consent the account signed or is the adult subject of; anything else is «not found».

    A minor with an account must not withdraw the parent's consent nor read the parent's passport on its PDF.
    """
    person = account.person
    consent = (Consent.select(Consent, ConsentDocument).join(ConsentDocument)
               .where((Consent.id == consent_id) & ((Consent.signer == person) | (Consent.subject == person)))
               .first())
    if consent is None or consent.document.kind == "esign_agreement":
        raise NotAllowed("Нет такого согласия.")
    if consent.signer_id != person.id and person.is_minor():
        raise NotAllowed("Нет такого согласия.")
    return consent


def _bases_lost(subject: Person, consent: Consent) -> tuple[str, ...]:
    """The bases this consent opens that no other valid consent of the subject keeps open."""
    others = {key: c for key, c in valid_consents([subject.id]).items() if c.id != consent.id}
    return tuple(base for base in bases_opened_by(consent.document.kind)
                 if (subject.id, required_kind(subject, base)) not in others)


def withdraw(account: Account, consent_id: int, ip: str = "", user_agent: str = "") -> ConsentWithdrawal:
    """Withdrawal takes effect at once: out of the bases, pairs suspended, destruction due in 30 days."""
    consent = consent_for(account, consent_id)
    actor = account.person
    kind = consent.document.kind
    with atomic_write():
        _lock_person(consent.subject_id)
        existing = ConsentWithdrawal.get_or_none(ConsentWithdrawal.consent == consent)
        if existing is not None:
            return existing
        subject = Person.get_by_id(consent.subject_id)
        bases = _bases_lost(subject, consent)
        withdrawal = ConsentWithdrawal.create(
            consent=consent, withdrawn_by=actor, ip=ip, user_agent=user_agent,
            destruction_due_on=date.today() + timedelta(days=DESTRUCTION_DAYS))
        audit.record("consent.withdrawn", actor=actor, obj=consent, ip=ip, kind=kind, subject=consent.subject_id)
        if bases:
            _leave(subject, bases, actor, ip)
    return withdrawal


def _leave(subject: Person, bases, actor: Person, ip: str) -> None:
    """Out of the bases; pairs in that role suspended (active) or cancelled (not yet active); proposals withdrawn."""
    now = utcnow()
    BaseMembership.update(status="left", left_at=now).where(
        (BaseMembership.person == subject) & BaseMembership.base.in_(bases)
        & (BaseMembership.status != "left")).execute()
    for mentorship in _mentorships_of(subject, ("active",) + PRE_ACTIVE, bases):
        new_status = "suspended" if mentorship.status == "active" else "cancelled"
        Mentorship.update(status=new_status, status_changed_at=now,
                          ended_reason="" if new_status == "suspended" else "отзыв согласия").where(
            Mentorship.id == mentorship.id).execute()
        audit.record(f"mentorship.{new_status}", actor=actor, obj=mentorship, ip=ip, reason="consent withdrawn")
    as_role = {"mentor": Proposal.mentor == subject, "mentee": Proposal.mentee == subject}
    Proposal.update(status="withdrawn").where(reduce(operator.or_, (as_role[b] for b in bases))
                                              & (Proposal.status == "open")).execute()
    audit.record("base.member_left", actor=actor, obj=subject, ip=ip, bases=list(bases))


def withdrawal_of(consent: Consent) -> ConsentWithdrawal | None:
    return ConsentWithdrawal.get_or_none(ConsentWithdrawal.consent == consent)


def withdrawal_effects(consent: Consent) -> dict:
    """What a withdrawal will do, shown before the person confirms it."""
    subject = Person.get_by_id(consent.subject_id)
    bases = _bases_lost(subject, consent)
    memberships = (BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
                   .where((BaseMembership.person == subject) & BaseMembership.base.in_(bases)
                          & (BaseMembership.status != "left"))) if bases else []
    pairs = _mentorships_of(subject, ("active",) + PRE_ACTIVE, bases) if bases else []
    return {"memberships": list(memberships), "pairs": pairs, "days": DESTRUCTION_DAYS}


def signing_overview(signer: Person) -> list[dict]:
    """For the signer themself (if adult) and each confirmed child: every consent signed, needed or optional."""
    children = list(Person.select(Person).join(Guardianship, on=Guardianship.child)
                    .where((Guardianship.parent == signer) & Guardianship.confirmed_at.is_null(False)
                           & Person.destroyed_at.is_null())
                    .order_by(Person.first_name))
    subjects = ([signer] if not signer.is_minor() else []) + [c for c in children if c.is_minor()]
    ids = [s.id for s in subjects]
    nominated = {}
    for membership in BaseMembership.select(BaseMembership.person, BaseMembership.base).where(
            BaseMembership.person.in_(ids) & (BaseMembership.status != "left")):
        nominated.setdefault(membership.person_id, set()).add(membership.base)
    valid = valid_consents(ids)
    rows = []
    for subject in subjects:
        needed = {required_kind(subject, base) for base in nominated.get(subject.id, ())}
        items = []
        for kind in kinds_for(signer, subject):
            consent = valid.get((subject.id, kind))
            state = "signed" if consent else ("needed" if kind in needed else "optional")
            items.append({"kind": kind, "title": KIND_TITLES[kind], "state": state, "consent": consent})
        rows.append({"subject": subject, "self": subject.id == signer.id, "items": items,
                     "bases": sorted(nominated.get(subject.id, ()))})
    return rows


# --- destruction ---------------------------------------------------------------------------------

def _withdrawals(school_id: int):
    """A school's withdrawals that destruction covers, with the subject and who withdrew; one query.

    Withdrawing the consent to dissemination only takes the person off the public pages: nothing to destroy.
    """
    WithdrawnBy = Person.alias()
    return (ConsentWithdrawal.select(ConsentWithdrawal, Consent, ConsentDocument, Person, WithdrawnBy)
            .join(Consent).join(ConsentDocument).switch(Consent).join(Person, on=Consent.subject)
            .switch(ConsentWithdrawal).join(WithdrawnBy, on=ConsentWithdrawal.withdrawn_by)
            .where((ConsentDocument.school == school_id) & (ConsentDocument.kind != "dissemination")))


def destruction_list(school_id: int):
    """«Данные к уничтожению»: withdrawals whose data are not yet destroyed, soonest first."""
    return (_withdrawals(school_id).where(ConsentWithdrawal.destroyed_at.is_null())
            .order_by(ConsentWithdrawal.destruction_due_on, ConsentWithdrawal.id))


def _reasons_to_keep_name(person_ids) -> dict[int, str]:
    """Why a person's name must survive a destruction: the portal still holds them on another ground."""
    ids = list(person_ids)
    if not ids:
        return {}
    reasons = {}
    for person_id, in (RoleGrant.select(Account.person).join(Account)
                       .where(Account.person.in_(ids) & RoleGrant.role.in_(list(STAFF_ROLES))).tuples()):
        reasons.setdefault(person_id, "сотрудник с ролью координатора или куратора")
    for person_id, kind in valid_consents(ids):
        if kind in PARTICIPATION_KINDS:
            reasons.setdefault(person_id, "участвует в программе по другому действующему согласию")
    for person_id, in (Consent.select(Consent.signer).join(ConsentWithdrawal, JOIN.LEFT_OUTER)
                       .where(Consent.signer.in_(ids) & (Consent.subject != Consent.signer)
                              & ConsentWithdrawal.id.is_null()).tuples()):
        reasons.setdefault(person_id, "законный представитель: действует подписанное им согласие за ребёнка")
    return reasons


def destruction_plan(school_id: int, withdrawal_id: int | None = None, on: date | None = None) -> list[dict]:
    """Each pending withdrawal with its deadline and what destroying it erases and keeps; three or four queries."""
    on = on or date.today()
    query = destruction_list(school_id)
    if withdrawal_id is not None:
        query = query.where(ConsentWithdrawal.id == withdrawal_id)
    rows = list(query)
    keep = _reasons_to_keep_name({w.consent.subject_id for w in rows})
    plan = []
    for w in rows:
        kept_because = keep.get(w.consent.subject_id)
        plan.append({"withdrawal": w, "subject": w.consent.subject, "consent": w.consent,
                     "title": KIND_TITLES[w.consent.document.kind], "withdrawn_by": w.withdrawn_by,
                     "due_on": w.destruction_due_on, "overdue": w.destruction_due_on < on,
                     "days_left": (w.destruction_due_on - on).days, "kept_because": kept_because,
                     "erased": ERASED_PARTLY if kept_because else ERASED, "kept": KEPT})
    return plan


def destroy(actor: Person | None, withdrawal_id: int, school_id: int, ip: str = "") -> Person:
    """Erase what the withdrawal covers; the evidence of consent and withdrawal stays, pseudonymous.

    Names, contacts, categories, identity details and free text go; dates and counts stay for
    anonymous statistics. A person the portal still holds on another ground (another valid consent,
    a child they sign for, a staff role) keeps their name and loses only what the withdrawn consent
    covered. `actor` None is the `flask destroy-due` command. A second click changes nothing.
    """
    if actor is not None and not _is_coordinator(actor, school_id):
        raise NotAllowed("Данные уничтожает координатор.")
    with atomic_write():
        withdrawal = _withdrawals(school_id).where(ConsentWithdrawal.id == withdrawal_id).first()
        if withdrawal is None:
            raise NotAllowed("Нет такой записи.")
        if withdrawal.destroyed_at is None:
            _destroy(actor, withdrawal, ip)
    return Person.get_by_id(withdrawal.consent.subject_id)


def _destroy(actor: Person | None, withdrawal: ConsentWithdrawal, ip: str) -> int:
    """Inside the caller's transaction; returns how many withdrawals it closed."""
    consent = withdrawal.consent
    subject = consent.subject
    blank_identity = {"identity_document": "", "address": "", "subject_document": "", "subject_address": ""}
    kept_because = _reasons_to_keep_name([subject.id]).get(subject.id)
    if kept_because:
        bases = _bases_lost(subject, consent)
        if bases:
            _erase_base_data(subject, bases)
        Consent.update(**blank_identity).where(Consent.id == consent.id).execute()
        issued.erase(IssuedDocument.consent == consent.id)
        closed = [withdrawal.id]
    else:
        _pseudonymise(subject, actor, ip)
        withdrawn = ConsentWithdrawal.select(ConsentWithdrawal.consent)
        blanked = (Consent.subject == subject) | ((Consent.signer == subject) & Consent.id.in_(withdrawn))
        Consent.update(**blank_identity).where(blanked).execute()
        # The frozen documents carry the same names and details: erased too, their codes and hashes kept.
        issued.erase(IssuedDocument.consent.in_(Consent.select(Consent.id).where(blanked))
                     | (IssuedDocument.person == subject))
        # Nothing is left to destroy for the person's other withdrawals either.
        closed = [row[0] for row in ConsentWithdrawal.select(ConsentWithdrawal.id).join(Consent).where(
            (Consent.subject == subject) & ConsentWithdrawal.destroyed_at.is_null()).tuples()]
    ConsentWithdrawal.update(destroyed_at=utcnow()).where(ConsentWithdrawal.id.in_(closed)).execute()
    audit.record("personal_data.destroyed", actor=actor, obj=withdrawal, school=consent.document.school_id, ip=ip,
                 subject=subject.id, pseudonymised=not kept_because, withdrawals=closed)
    return len(closed)


def _erase_base_data(person: Person, bases) -> None:
    """Categories and free text of the person's memberships in these bases and of their pairs in that role."""
    memberships = BaseMembership.select(BaseMembership.id).where(
        (BaseMembership.person == person) & BaseMembership.base.in_(list(bases)))
    MembershipCategory.delete().where(MembershipCategory.membership.in_(memberships)).execute()
    BaseMembership.update(can_help_with="", needs="", self_description="").where(
        BaseMembership.id.in_(memberships)).execute()
    as_role = {"mentor": Proposal.mentor == person, "mentee": Proposal.mentee == person}
    Proposal.update(reason="").where(reduce(operator.or_, (as_role[b] for b in bases))).execute()
    pairs = _pair_ids(person, bases)
    meetings = Meeting.select(Meeting.id).where(Meeting.mentorship.in_(pairs))
    Meeting.update(topic="", notes="", next_steps="").where(Meeting.id.in_(meetings)).execute()
    MeetingConfirmation.update(comment="").where(MeetingConfirmation.meeting.in_(meetings)).execute()
    plans = Plan.select(Plan.id).where(Plan.mentorship.in_(pairs))
    Plan.update(goals="").where(Plan.id.in_(plans)).execute()
    PlanTask.update(title="").where(PlanTask.plan.in_(plans)).execute()
    FinalReport.update(work_done="", results="", conclusions="", proposals="").where(
        FinalReport.mentorship.in_(pairs)).execute()
    issued.erase(IssuedDocument.report.in_(FinalReport.select(FinalReport.id).where(FinalReport.mentorship.in_(pairs))))
    Answer.update(text="").where(Answer.response.in_(
        Response.select(Response.id).where(Response.mentorship.in_(pairs)))).execute()


def _pseudonymise(person: Person, actor: Person | None, ip: str) -> None:
    """«Участник №<id>»: the row stays so the evidence points somewhere, nothing in it names anyone."""
    now = utcnow()
    Person.update(surname=f"Участник №{person.id}", first_name="", patronymic="", phone="", email="",
                  position="", organisation="", destroyed_at=now).where(Person.id == person.id).execute()
    _erase_base_data(person, ("mentor", "mentee"))
    BaseMembership.update(status="left", left_at=now).where(
        (BaseMembership.person == person) & (BaseMembership.status != "left")).execute()
    Answer.update(text="").where(Answer.response.in_(Response.select(Response.id).where(
        (Response.respondent == person) | (Response.about == person)))).execute()
    Proposal.update(status="withdrawn").where(((Proposal.mentee == person) | (Proposal.mentor == person))
                                              & (Proposal.status == "open")).execute()
    # A pair waiting for this person's consent can never resume: their data are gone.
    for mentorship in _mentorships_of(person, ("active", "suspended") + PRE_ACTIVE):
        Mentorship.update(status="cancelled", status_changed_at=now,
                          ended_reason="данные участника уничтожены").where(Mentorship.id == mentorship.id).execute()
        audit.record("mentorship.cancelled", actor=actor, obj=mentorship, school=person.school_id, ip=ip,
                     reason="personal data destroyed")
    # The login may spell the name, and nobody is left to use the account.
    for account_id, in Account.select(Account.id).where(Account.person == person).tuples():
        Invitation.update(revoked_at=now).where((Invitation.account == account_id) & Invitation.used_at.is_null()
                                                & Invitation.revoked_at.is_null()).execute()
        Account.update(login=f"~udaleno-{account_id}", is_active=False, password_hash="",
                       session_version=Account.session_version + 1).where(Account.id == account_id).execute()


def destroy_due(today: date | None = None) -> int:
    """The command behind `flask destroy-due`: everything past its deadline, each with an audit record.

    Returns how many withdrawals were closed; rows not yet due stay on the list, unless the same
    person's data went with a due one.
    """
    today = today or date.today()
    due = (ConsentWithdrawal.select(ConsentWithdrawal.id, ConsentDocument.school).join(Consent)
           .join(ConsentDocument)
           .where(ConsentWithdrawal.destroyed_at.is_null() & (ConsentWithdrawal.destruction_due_on <= today)
                  & (ConsentDocument.kind != "dissemination"))
           .order_by(ConsentWithdrawal.destruction_due_on, ConsentWithdrawal.id).tuples())
    count = 0
    for withdrawal_id, school_id in list(due):
        with atomic_write():
            withdrawal = (_withdrawals(school_id).where((ConsentWithdrawal.id == withdrawal_id)
                                                        & ConsentWithdrawal.destroyed_at.is_null()).first())
            if withdrawal is not None:  # an earlier row of the same person may have closed it
                count += _destroy(None, withdrawal, "")
    return count
