"""Guardianship (4.11): the school, not the parent, establishes a parent's authority to sign for a child.

Only staff create a link, checked against the roster; a curator's link waits for the coordinator."""
import re
from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from portal.db import atomic_write, lock_row
from portal.formatting import agree, by_sex
from portal.models import Account, Guardianship, Person, SchoolClass
from portal.models.base import utcnow
from portal.models.people import SEX_CHOICES
from portal.services import NotAllowed, ServiceError, accounts, asking, audit
from portal.services.staff import StaffScope
from portal.services.people.listing import GUARDIAN_BASES, _CONTROL, clean


# --- guardianship (4.11: the school, not the parent, establishes authority) ----------------------

@dataclass
class NewParent:
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""
    sex: str = ""
    phone: str = ""


_PHONE = re.compile(r"^[0-9+()\- ]{5,50}$")
_NAME = re.compile(r"^[A-Za-zА-Яа-яЁё' .\-]+$")


def _check_new_parent(data: NewParent) -> dict:
    fields = {"surname": clean(data.surname), "first_name": clean(data.first_name),
              "patronymic": clean(data.patronymic), "phone": clean(data.phone, 50)}
    for name, message in (("surname", "Укажите фамилию родителя."), ("first_name", "Укажите имя родителя.")):
        if not fields[name]:
            raise ServiceError(message, field=name)
    for name in ("surname", "first_name", "patronymic"):
        if fields[name] and not _NAME.match(fields[name]):
            raise ServiceError("Только буквы, дефис и пробел.", field=name)
    if data.sex not in dict(SEX_CHOICES):
        raise ServiceError("Укажите пол: он нужен, чтобы верно склонять имя в документах.", field="sex")
    if fields["phone"] and not _PHONE.match(fields["phone"]):
        raise ServiceError("Телефон — цифры, «+», скобки и дефисы, например +7 (4852) 12-34-56.", field="phone")
    return {**fields, "sex": data.sex}


DOCUMENT_LIMIT = 300
REASON_LIMIT = 300


def _one_line(text: str | None, limit: int) -> str:
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit + 1]


def _document(text: str | None, required: bool) -> str:
    """What the staff member saw (DECISIONS.md: the coordinator confirms «with the document seen»)."""
    document = _one_line(text, DOCUMENT_LIMIT)
    if len(document) > DOCUMENT_LIMIT:
        raise ServiceError(f"Не длиннее {DOCUMENT_LIMIT} символов.", field="document")
    if required and not document:
        raise ServiceError("Укажите документ, который вы видели: вид, серию и номер, дату.", field="document")
    return document


def _check_child(child: Person, today: date | None) -> None:
    if child.kind != "student":
        raise ServiceError("Родителя можно связать только с обучающимся.")
    if child.destroyed_at is not None:
        raise ServiceError("Данные этого обучающегося уничтожены.")
    if child.birth_date is None:
        raise ServiceError("У обучающегося не указана дата рождения: нельзя проверить, что он несовершеннолетний.")
    if not child.is_minor(today):
        raise ServiceError(f"{child.full_name} — {by_sex(child, 'совершеннолетний', 'совершеннолетняя')}: "
                           f"согласие {by_sex(child, 'он подписывает сам', 'она подписывает сама')}, "
                           "законный представитель не нужен.")


def _grant_parent_role(scope: StaffScope, parent: Person, ip: str) -> None:
    account = Account.get_or_none(Account.person == parent)
    if account is not None:
        accounts.grant_role(scope.person, account, "parent", ip=ip)


def link_parent(scope: StaffScope, child_id: int, *, parent_id: int | None = None, new_parent: NewParent | None = None,
                basis: str = "родитель", document: str = "", ip: str = "", today: date | None = None) -> Guardianship:
    """Link a parent to a minor student of the staff member's reach.

    The coordinator's link counts at once, with the document they saw. A curator's link waits
    («ожидает подтверждения», DECISIONS.md "Who may change whom"): guardianship decides who signs for a
    child, so one staff member never completes it alone; until the coordinator confirms it, the parent
    neither sees the child nor signs, and gets no parent role.
    """
    child = scope.circle_person(child_id)
    _check_child(child, today)
    if basis not in GUARDIAN_BASES:
        raise ServiceError("Выберите основание из списка.", field="basis")
    document = _document(document, required=scope.is_coordinator)
    if parent_id:
        parent = Person.get_or_none((Person.id == parent_id) & (Person.school == scope.school_id)
                                    & Person.destroyed_at.is_null())
        if parent is None or parent.kind != "parent":
            raise ServiceError("Такого родителя нет в списке школы.", field="parent_id")
        fields = None
    elif new_parent is not None and (new_parent.surname or new_parent.first_name):
        fields = _check_new_parent(new_parent)
        parent = None
    else:
        raise ServiceError("Выберите родителя из списка школы или введите его данные.", field="parent_id")
    with atomic_write():
        lock_row(Person, child.id)
        if parent is None:
            parent = Person.create(school=scope.school_id, kind="parent", **fields)
            audit.record("person.created", actor=scope.person, obj=parent, ip=ip, kind="parent", by_hand=True)
        existing = Guardianship.get_or_none((Guardianship.parent == parent) & (Guardianship.child == child))
        if existing is not None and existing.confirmed_at is not None:
            raise ServiceError(f"{parent.full_name} уже {agree(parent, 'связан(а)')} с этим ребёнком.",
                               field="parent_id")
        if existing is not None and existing.status == "pending" and not scope.is_coordinator:
            raise ServiceError(f"{parent.full_name}: связь уже ожидает подтверждения координатора.",
                               field="parent_id")
        now = utcnow()
        if scope.is_coordinator:
            values = {"basis": basis, "document": document, "status": "confirmed", "confirmed_by": scope.person,
                      "confirmed_at": now, "rejection_reason": ""}
        else:
            values = {"basis": basis, "document": document, "status": "pending", "requested_by": scope.person,
                      "requested_at": now, "confirmed_by": None, "confirmed_at": None, "rejection_reason": ""}
        if existing is not None:  # a link removed or rejected earlier: the same row, its history kept
            Guardianship.update(**values).where(Guardianship.id == existing.id).execute()
            link = Guardianship.get_by_id(existing.id)
        else:
            link = Guardianship.create(parent=parent, child=child, **values)
        if scope.is_coordinator:
            audit.record("guardianship.linked", actor=scope.person, obj=link, ip=ip, parent=parent.id, child=child.id,
                         basis=basis, document=document, confirmed_at_once=True)
            _grant_parent_role(scope, parent, ip)
            asking.ask_pending_consents(parent, child)
        else:
            audit.record("guardianship.requested", actor=scope.person, obj=link, ip=ip, parent=parent.id,
                         child=child.id, basis=basis, document=document)
    return link


def _links():
    """Guardianship links with the parent, the child (and class), who confirmed and who asked, in one query."""
    parent, child, confirmer, requester = Person.alias(), Person.alias(), Person.alias(), Person.alias()
    return (Guardianship.select(Guardianship, parent, child, SchoolClass, confirmer, requester)
            .join(parent, on=(Guardianship.parent == parent.id), attr="parent").switch(Guardianship)
            .join(child, on=(Guardianship.child == child.id), attr="child")
            .join(SchoolClass, JOIN.LEFT_OUTER, on=(child.school_class == SchoolClass.id), attr="school_class")
            .switch(Guardianship)
            .join(confirmer, JOIN.LEFT_OUTER, on=(Guardianship.confirmed_by == confirmer.id), attr="confirmed_by")
            .switch(Guardianship)
            .join(requester, JOIN.LEFT_OUTER, on=(Guardianship.requested_by == requester.id), attr="requested_by")
            .order_by(Guardianship.id))


def guardianship_for(scope: StaffScope, link_id: int) -> Guardianship:
    """A confirmed link of a child within the staff member's reach, with both people; else «not found»."""
    query = _links().where((Guardianship.id == link_id) & Guardianship.confirmed_at.is_null(False))
    if not scope.is_coordinator:
        query = query.where(Guardianship.child.in_(scope.circle()))
    link = query.first()
    if link is None or link.child.school_id != scope.school_id:
        raise NotAllowed("Нет такой связи.")
    return link


def unlink_parent(scope: StaffScope, link_id: int, ip: str = "") -> Guardianship:
    """The parent can no longer sign for the child. The row stays, «removed»: signed consents print its basis."""
    link = guardianship_for(scope, link_id)
    with atomic_write():
        lock_row(Person, link.child.id)
        changed = (Guardianship.update(confirmed_at=None, confirmed_by=None, status="removed")
                   .where((Guardianship.id == link.id) & Guardianship.confirmed_at.is_null(False)).execute())
        if changed:
            audit.record("guardianship.removed", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                         child=link.child.id, basis=link.basis)
    return link


# --- the coordinator's confirmation of a curator's link ------------------------------------------

def pending_links(scope: StaffScope) -> list[Guardianship]:
    """Every link waiting for the coordinator, oldest first, in one query."""
    if not scope.is_coordinator:
        raise NotAllowed("Связи подтверждает координатор.")
    child = Person.alias()
    return list(_links().where((Guardianship.status == "pending") & Guardianship.child.in_(
        child.select(child.id).where(child.school == scope.school_id))))


def pending_link(scope: StaffScope, link_id: int) -> Guardianship:
    """A link of this school waiting for the coordinator; for anyone else, or anything else, «not found»."""
    if not scope.is_coordinator:
        raise NotAllowed("Связи подтверждает координатор.")
    link = _links().where((Guardianship.id == link_id) & (Guardianship.status == "pending")).first()
    if link is None or link.child.school_id != scope.school_id:
        raise NotAllowed("Нет такого запроса.")
    return link


def confirm_link(scope: StaffScope, link_id: int, document: str, ip: str = "",
                 today: date | None = None) -> Guardianship:
    """The coordinator confirms a curator's link, naming the document they saw; from now on it counts."""
    link = pending_link(scope, link_id)
    document = _document(document, required=True)
    _check_child(link.child, today)
    with atomic_write():
        lock_row(Person, link.child.id)
        changed = (Guardianship.update(status="confirmed", confirmed_by=scope.person, confirmed_at=utcnow(),
                                       document=document)
                   .where((Guardianship.id == link.id) & (Guardianship.status == "pending")).execute())
        if not changed:
            raise ServiceError("Этот запрос уже рассмотрен. Обновите страницу.")
        audit.record("guardianship.confirmed", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                     child=link.child.id, basis=link.basis, document=document,
                     requested_by=link.requested_by.id if link.requested_by else None)
        _grant_parent_role(scope, link.parent, ip)
        asking.ask_pending_consents(link.parent, link.child)  # from now on this parent signs for the child
    return Guardianship.get_by_id(link.id)


def reject_link(scope: StaffScope, link_id: int, reason: str, ip: str = "") -> Guardianship:
    """The coordinator turns a curator's link down, saying why; the parent never gained anything."""
    link = pending_link(scope, link_id)
    reason = _one_line(reason, REASON_LIMIT)
    if not reason:
        raise ServiceError("Укажите, почему связь не подтверждена.", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ServiceError(f"Не длиннее {REASON_LIMIT} символов.", field="reason")
    with atomic_write():
        lock_row(Person, link.child.id)
        changed = (Guardianship.update(status="rejected", rejection_reason=reason)
                   .where((Guardianship.id == link.id) & (Guardianship.status == "pending")).execute())
        if not changed:
            raise ServiceError("Этот запрос уже рассмотрен. Обновите страницу.")
        audit.record("guardianship.rejected", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                     child=link.child.id, reason=reason)
    return link
