"""Signing (4.11): the e-signature agreement, a consent signed with a simple electronic signature, and what
signing opens: the member waiting for it, the pair suspended for it."""
from peewee import JOIN

from portal.db import atomic_write, lock_row
from portal.models import (
    Account, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Guardianship, MentoringFormat, Mentorship,
    Person,
)
from portal.models.base import utcnow
from portal.services import NotAllowed, ServiceError, audit, passwords
from portal.services.consent.gate import (
    bases_opened_by, has_esign_agreement, kinds_for, may_take_part, _mentorships_of, _participants, required_kind,
    signs_online, subject_for_signer, valid_consents,
)
from portal.services.consent.issuing import _issue
from portal.services.consent.texts import (
    current_documents, _has_control_characters, KIND_TITLES, public_fields_of, SigningDetails,
)


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
        lock_row(Person, person.id)
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
    public_fields = _public_fields(kind, details.public_fields)
    if not agree:
        raise ServiceError("Отметьте, что вы прочитали текст и даёте согласие.", field="agree")
    if not passwords.verify_password(account.password_hash, password):
        raise ServiceError("Пароль введён неверно: подпись не поставлена.", field="password")
    document = current_documents(signer.school_id)[kind]
    with atomic_write():
        lock_row(Person, subject.id)
        existing = valid_consents([subject.id]).get((subject.id, kind))
        if existing is not None:
            return existing  # a double click or a second tab: still one signature
        consent = Consent.create(
            document=document, subject=subject, signer=signer, text_sha256=document.sha256,
            identity_document=details.identity_document.strip(), address=details.address.strip(),
            subject_document=details.subject_document.strip(), subject_address=details.subject_address.strip(),
            public_fields=public_fields, ip=ip, user_agent=user_agent)
        audit.record("consent.signed", actor=signer, obj=consent, ip=ip, kind=kind, subject=subject.id,
                     version=document.version, sha256=document.sha256)
        _issue(consent, signer, subject, basis, ip=ip)
        _activate(subject, kind, signer, ip)
    return consent


def _public_fields(kind: str, codes: str) -> str:
    """A consent to dissemination names its fields (152-ФЗ art. 10.1 p. 9: the subject chooses what is
    disseminated); the name is always among them, since a page can show nobody without it."""
    if kind != "dissemination":
        return ""
    return ",".join(public_fields_of("name," + (codes or "")))


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


def _latest_consents(subject_ids) -> tuple[dict, dict]:
    """(subject, kind) → the newest consent in force, and → the newest withdrawn one: one query for both."""
    valid, withdrawn = {}, {}
    if not subject_ids:
        return valid, withdrawn
    for c in (Consent.select(Consent, ConsentDocument, ConsentWithdrawal).join(ConsentDocument).switch(Consent)
              .join(ConsentWithdrawal, JOIN.LEFT_OUTER, on=(ConsentWithdrawal.consent == Consent.id),
                    attr="withdrawal")
              .where(Consent.subject.in_(subject_ids)).order_by(Consent.signed_at, Consent.id)):
        withdrawal = getattr(c, "withdrawal", None)
        key = (c.subject_id, c.document.kind)
        if withdrawal is not None and withdrawal.id is not None:
            withdrawn[key] = c
        else:
            valid[key] = c
    return valid, withdrawn


def may_open(person: Person, consent: Consent) -> bool:
    """A signed consent holds its signer's passport and address: its signer opens it, and its adult subject;
    a child's other parent does not, nor the minor the parent signed for."""
    return consent.signer_id == person.id or (consent.subject_id == person.id and not person.is_minor())


def signing_overview(signer: Person) -> list[dict]:
    """For the signer themself (if adult) and each confirmed child: every consent signed, needed, withdrawn or
    optional; and what is waiting — the consents a nomination to a base needs and nobody has signed yet, each
    with the forms it would open."""
    children = list(Person.select(Person).join(Guardianship, on=Guardianship.child)
                    .where((Guardianship.parent == signer) & Guardianship.confirmed_at.is_null(False)
                           & Person.destroyed_at.is_null())
                    .order_by(Person.first_name))
    subjects = ([signer] if not signer.is_minor() else []) + [c for c in children if c.is_minor()]
    ids = [s.id for s in subjects]
    nominated = {}
    for membership in (BaseMembership.select(BaseMembership.person, BaseMembership.base, MentoringFormat.name)
                       .join(MentoringFormat)
                       .where(BaseMembership.person.in_(ids) & (BaseMembership.status != "left"))
                       .order_by(MentoringFormat.id).tuples()):
        person_id, base, format_name = membership
        nominated.setdefault(person_id, []).append((base, format_name))
    valid, withdrawn = _latest_consents(ids)
    rows = []
    for subject in subjects:
        needed = {}
        for base, format_name in nominated.get(subject.id, ()):
            needed.setdefault(required_kind(subject, base), []).append({"base": base, "format": format_name})
        items = []
        for kind in kinds_for(signer, subject):
            consent = valid.get((subject.id, kind))
            earlier = withdrawn.get((subject.id, kind)) if consent is None else None
            state = ("signed" if consent else "needed" if kind in needed else "withdrawn" if earlier
                     else "optional")
            shown = consent or earlier
            items.append({"kind": kind, "title": KIND_TITLES[kind], "state": state, "consent": consent,
                          "withdrawn": earlier, "withdrawal": earlier.withdrawal if earlier else None,
                          "for": needed.get(kind, []),
                          "opens": shown is not None and may_open(signer, shown)})
        rows.append({"subject": subject, "self": subject.id == signer.id, "items": items,
                     "waiting": [item for item in items if item["state"] == "needed"],
                     "bases": sorted({base for base, _ in nominated.get(subject.id, ())})})
    return rows
