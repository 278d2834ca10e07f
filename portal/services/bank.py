"""The methodical bank «методическая копилка» (3.2, s9): materials and programmes shared as best practice.

A mentor, a curator or the coordinator adds a material (title, form, topic, description, file); the
coordinator reviews it and publishes it only while its author agrees («согласен на публикацию»). Published,
every signed-in participant of the school reads and downloads it; on the public page only where the author
ticked a separate «можно показывать всем, без входа». Past years' programmes are offered beside them as best
practices. Every download goes through uploads.hand_out, so it is audited."""
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, fn

from portal.db import atomic_write
from portal.ids import parse_id
from portal.models import Account, BankMaterial, MentoringFormat, Person, Programme, RoleGrant, StoredFile
from portal.models.base import utcnow
from portal.models.motivation import BANK_STATES
from portal.services import NotAllowed, ServiceError, audit, notifications, uploads
from portal.services.public_pages import clean_text as _text, new_token

STATE_TITLES = dict(BANK_STATES)
ADDER_ROLES = ("mentor", "curator", "coordinator")
MAX_TITLE = 200
MAX_TOPIC = 100
MAX_DESCRIPTION = 4000
# The coordinator's steps: action → (states it starts from, the state it leads to).
ACTIONS = {"publish": (("new", "declined"), "published"), "decline": (("new", "published"), "declined")}
ACTION_DONE = {"publish": "Материал опубликован в методической копилке.",
               "decline": "Материал возвращён автору и не виден участникам."}


@dataclass
class MaterialData:
    title: str = ""
    format_id: str | None = None
    topic: str = ""
    description: str = ""
    publish_agreed: bool = False
    public_agreed: bool = False
    file_name: str = ""
    file_data: bytes | None = None


def formats_of(school_id: int) -> list[MentoringFormat]:
    return list(MentoringFormat.of_school(school_id))


def _coordinators(school_id: int) -> list[int]:
    return [row[0] for row in Account.select(Account.person).join(RoleGrant)
            .where((RoleGrant.role == "coordinator") & (Account.school == school_id)).tuples()]


def submit(person: Person, roles, data: MaterialData, ip: str = "") -> BankMaterial:
    """A material goes to the coordinator for review; nothing is saved if any field is wrong."""
    if not set(roles) & set(ADDER_ROLES):
        raise NotAllowed("Материалы в копилку добавляют наставники и кураторы.")
    title = _text(data.title, "title", MAX_TITLE, "Укажите название материала.")
    mentoring_format = None
    if data.format_id not in (None, ""):
        format_id = parse_id(data.format_id)
        mentoring_format = next((f for f in formats_of(person.school_id) if f.id == format_id), None)
        if mentoring_format is None:
            raise ServiceError("Выберите форму наставничества из списка.", field="mentoring_format")
    topic = _text(data.topic, "topic", MAX_TOPIC, "Укажите тему, по ней материал найдут.")
    description = _text(data.description, "description", MAX_DESCRIPTION)
    if data.public_agreed and not data.publish_agreed:
        raise ServiceError("Показать материал всем без входа можно только вместе с согласием на публикацию.",
                           field="public_agreed")
    with atomic_write():
        stored = uploads.store(person.school_id, person, data.file_name, data.file_data, field="file", ip=ip,
                               purpose="methodical bank")
        material = BankMaterial.create(school=person.school_id, author=person, title=title,
                                       mentoring_format=mentoring_format, topic=topic, description=description,
                                       file=stored, publish_agreed=bool(data.publish_agreed),
                                       public_agreed=bool(data.public_agreed), public_token=new_token())
        audit.record("bank.submitted", actor=person, obj=material, ip=ip, title=title, topic=topic,
                     publish_agreed=material.publish_agreed, public_agreed=material.public_agreed)
        notifications.notify(_coordinators(person.school_id), "bank.submitted", obj=material, details=title)
    return material


# --- reading ------------------------------------------------------------------------------------------------

def _query():
    """Materials with their author, form and file: one query however many."""
    return (BankMaterial.select(BankMaterial, Person, MentoringFormat, StoredFile)
            .join_from(BankMaterial, Person, on=(BankMaterial.author == Person.id), attr="author")
            .join_from(BankMaterial, MentoringFormat, JOIN.LEFT_OUTER, attr="mentoring_format")
            .join_from(BankMaterial, StoredFile, attr="file"))


def _published():
    return (BankMaterial.status == "published") & (BankMaterial.publish_agreed == True)  # noqa: E712


def is_published(material: BankMaterial) -> bool:
    return material.status == "published" and material.publish_agreed


def is_public(material: BankMaterial) -> bool:
    return is_published(material) and material.public_agreed


def readable(person: Person, material_id, is_coordinator: bool = False) -> BankMaterial:
    """The one fetcher: a published material of the person's school, their own, or (coordinator) any of the
    school's. Anything else is «not found»."""
    material_id = parse_id(material_id)
    condition = _published() | (BankMaterial.author == person.id)
    if is_coordinator:
        condition = BankMaterial.id.is_null(False)
    found = (_query().where((BankMaterial.id == material_id) & (BankMaterial.school == person.school_id)
                            & condition).first() if material_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого материала.")
    return found


@dataclass(frozen=True)
class Search:
    format_id: int | None = None
    topic: str = ""

    def as_args(self) -> dict:
        return {"format": self.format_id or "", "topic": self.topic}


def parse_search(school_id: int, format_arg, topic_arg) -> Search:
    """A filter never errors: an unknown form is «all forms»; the topic is matched as typed."""
    format_id = parse_id(format_arg)
    known = {f.id for f in formats_of(school_id)}
    topic = topic_arg.strip()[:MAX_TOPIC] if isinstance(topic_arg, str) else ""
    return Search(format_id if format_id in known else None, topic)


def _searched(query, search: Search):
    if search.format_id is not None:
        query = query.where(BankMaterial.mentoring_format == search.format_id)
    if search.topic:
        needle = search.topic.lower()
        query = query.where(fn.LOWER(BankMaterial.topic).contains(needle)
                            | fn.LOWER(BankMaterial.title).contains(needle))
    return query


def published(school_id: int, search: Search = Search()) -> list[BankMaterial]:
    """What every participant reads, the newest first: one query."""
    return list(_searched(_query().where((BankMaterial.school == school_id) & _published()), search)
                .order_by(BankMaterial.published_at.desc(), BankMaterial.id.desc()))


def topics(school_id: int) -> list[str]:
    """The topics of published materials, for the search's suggestions."""
    return [t for t, in BankMaterial.select(BankMaterial.topic).distinct()
            .where((BankMaterial.school == school_id) & _published()).order_by(BankMaterial.topic).tuples()]


def mine(person: Person) -> list[BankMaterial]:
    return list(_query().where(BankMaterial.author == person.id).order_by(BankMaterial.id.desc()))


def for_review(actor: Person) -> list[BankMaterial]:
    """The coordinator's list: everything of the school, waiting ones first."""
    _require_coordinator(actor)
    return list(_query().where(BankMaterial.school == actor.school_id)
                .order_by((BankMaterial.status != "new"), BankMaterial.id.desc()))


def public(school_id: int) -> list[BankMaterial]:
    """The public page: published materials whose authors ticked the public one too."""
    return [m for m in published(school_id) if m.public_agreed]


def past_programmes(school_id: int, today: date | None = None) -> list[Programme]:
    """Programmes of finished years, offered as best practices (3.2): one query."""
    today = today or date.today()
    return list(Programme.published().select(Programme, MentoringFormat).join(MentoringFormat)
                .where((MentoringFormat.school == school_id) & (Programme.ends_on < today))
                .order_by(Programme.ends_on.desc(), Programme.id.desc()))


def past_programme(person: Person, programme_id, today: date | None = None) -> Programme:
    programme_id = parse_id(programme_id)
    found = next((p for p in past_programmes(person.school_id, today) if p.id == programme_id), None)
    if found is None:
        raise NotAllowed("Нет такой программы.")
    return found


# --- changes ------------------------------------------------------------------------------------------------

def _is_coordinator(person: Person) -> bool:
    return (RoleGrant.select().join(Account)
            .where((Account.person == person) & (RoleGrant.role == "coordinator")
                   & (Account.is_active == True)).exists())  # noqa: E712


def _require_coordinator(actor: Person) -> None:
    if not _is_coordinator(actor):
        raise NotAllowed("Материалы копилки публикует координатор.")


def review(actor: Person, material_id, action: str, ip: str = "") -> BankMaterial:
    """The coordinator publishes a material (only with its author's agreement) or returns it; the author is told."""
    _require_coordinator(actor)
    material = readable(actor, material_id, is_coordinator=True)
    if action not in ACTIONS:
        raise ServiceError("Выберите действие.")
    starts, new = ACTIONS[action]
    if material.status not in starts:
        raise ServiceError("Материал уже " + STATE_TITLES[material.status] + ".")
    if action == "publish" and not material.publish_agreed:
        raise ServiceError("Автор не согласился на публикацию: опубликовать материал нельзя.")
    now = utcnow()
    with atomic_write():
        unchanged = (BankMaterial.id == material.id) & (BankMaterial.status == material.status)
        if action == "publish":  # the author may have just taken the agreement back
            unchanged &= BankMaterial.publish_agreed == True  # noqa: E712
        changed = BankMaterial.update(status=new, reviewed_by=actor.id, updated_at=now,
                                      published_at=now if new == "published" else None).where(unchanged).execute()
        if not changed:
            raise ServiceError("Материал только что изменили. Обновите страницу.")
        audit.record(f"bank.{action}", actor=actor, obj=material, ip=ip, was=material.status, status=new)
        notifications.notify([material.author_id], "bank.reviewed", obj=material,
                             details=f"«{material.title}»: {STATE_TITLES[new]}")
    return readable(actor, material.id, is_coordinator=True)


def set_agreement(person: Person, material_id, publish_agreed: bool, public_agreed: bool,
                  ip: str = "") -> BankMaterial:
    """The author's two ticks; taken back, the material leaves the bank (or the public page) at once."""
    material = readable(person, material_id)
    if material.author_id != person.id:
        raise NotAllowed("Согласие на публикацию даёт автор материала.")
    publish_agreed, public_agreed = bool(publish_agreed), bool(public_agreed) and bool(publish_agreed)
    with atomic_write():
        BankMaterial.update(publish_agreed=publish_agreed, public_agreed=public_agreed, updated_at=utcnow()).where(
            BankMaterial.id == material.id).execute()
        audit.record("bank.agreement", actor=person, obj=material, ip=ip, publish_agreed=publish_agreed,
                     public_agreed=public_agreed)
    return readable(person, material.id)


# --- downloads ----------------------------------------------------------------------------------------------

def download(person: Person, material_id, is_coordinator: bool = False, ip: str = "") -> uploads.Download:
    material = readable(person, material_id, is_coordinator)
    return uploads.hand_out(material.file, person, ip=ip, action="bank.downloaded", obj=material)


def public_download(token: str, ip: str = "") -> uploads.Download:
    """A public material by its random token; anything not public is «not found»."""
    token = (token or "")[:32]
    material = _query().where((BankMaterial.public_token == token) & _published()
                              & (BankMaterial.public_agreed == True)).first()  # noqa: E712
    if material is None:
        raise NotAllowed("Нет такого материала.")
    return uploads.hand_out(material.file, None, ip=ip, action="bank.downloaded_publicly", obj=material)
