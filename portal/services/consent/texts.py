"""Consent texts (4.11): the school's versions of each kind, their checks against 152-ФЗ art. 9 p. 4,
and the text with the people's data filled in."""
import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, db
from portal.models import Account, Consent, ConsentDocument, Person, RoleGrant, School
from portal.models.consent import CONSENT_KINDS, PUBLIC_FIELDS
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit


TEXTS = Path(__file__).resolve().parents[2] / "data" / "consents"
KIND_TITLES = dict(CONSENT_KINDS)
PUBLIC_FIELD_TITLES = dict(PUBLIC_FIELDS)


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
    ("public_fields", "перечень сведений, которые подписывающий разрешил показывать на публичных страницах "
                      "(согласие на распространение)"),
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


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    # A consent to dissemination: the PUBLIC_FIELDS codes ticked, comma-separated.
    public_fields: str = ""


def public_fields_of(codes: str) -> list[str]:
    """The known field codes of a stored list, in the order of PUBLIC_FIELDS."""
    given = set((codes or "").split(","))
    return [code for code, _ in PUBLIC_FIELDS if code in given]


def public_fields_text(codes: str) -> str:
    """The fields a consent to dissemination names, in Russian, for its text."""
    named = public_fields_of(codes)
    if not named:
        return "сведения, отмеченные при подписании (" + "; ".join(t for _, t in PUBLIC_FIELDS) + ")"
    return "; ".join(PUBLIC_FIELD_TITLES[code] for code in named)


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
        "public_fields": public_fields_text(details.public_fields),
    }
    text = Template(document.body).safe_substitute(values)
    if document.kind == "dissemination" and "public_fields" not in set(Template(document.body).get_identifiers()):
        # A wording older than the list of fields: the signed text still names what it allows.
        text += ("\n\nПеречень персональных данных, разрешённых для распространения на публичных страницах: "
                 + values["public_fields"] + ".")
    return text
