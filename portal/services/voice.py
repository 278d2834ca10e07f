"""Participants' proposals to the administration (s6, s8, s9; DECISIONS.md "Voice, support, training, motivation").

Mentors, mentees, parents — for their child, as representative (s8) — and staff write a proposal; the coordinator
reviews and answers it. Every change of a proposal's state (under review, accepted, declined, published, taken
down) goes through `change_state`, which checks that the actor is the school's coordinator, refuses a step the
state does not allow, and writes the audit record and the author's notification in the same transaction. The
author's agreement to publish is the author's own choice (`set_agreement`), changeable at any time: taking it
back takes a published proposal down at once.

The published page shows the text, the topic, the form and the answer, and of the author only the role: the
agreement covers the proposal, not the person's name on a page every participant reads.
"""
from dataclasses import dataclass

from peewee import JOIN, fn

from portal.db import atomic_write
from portal.ids import parse_id
from portal.models import Account, Guardianship, ImprovementProposal, MentoringFormat, Person, RoleGrant, StoredFile
from portal.models.base import utcnow
from portal.models.voice import AUTHOR_ROLES, PROPOSAL_STATES, PROPOSAL_TOPICS
from portal.services import NotAllowed, ServiceError, audit, notifications, representation, uploads, years
from portal.services.bases import checked_text
from portal.services.staff import StaffScope

TOPIC_TITLES = dict(PROPOSAL_TOPICS)
STATE_TITLES = dict(PROPOSAL_STATES)
ROLE_TITLES = dict(AUTHOR_ROLES)
WRITER_ROLES = tuple(ROLE_TITLES)
MAX_TEXT = 4000
MAX_ANSWER = 2000
# What the coordinator may do from each state: action -> (the states it starts from, the state it leads to).
ACTIONS = {
    "review": (("new",), "review"),
    "accept": (("new", "review"), "accepted"),
    "decline": (("new", "review"), "declined"),
    "publish": (("accepted",), "accepted"),
    "unpublish": (("accepted",), "accepted"),
}
# Why a step the proposal's state does not allow is refused: publishing needs an accepted proposal; any other step
# comes too late, the proposal has already gone past it.
REFUSED_STEP = {"publish": "Опубликовать можно только принятое предложение.",
                "unpublish": "Снять с публикации можно только опубликованное предложение."}
ALREADY = {"review": "Предложение уже рассматривается.",
           "accepted": "Предложение уже принято.", "declined": "Предложение уже отклонено."}
ACTION_DONE = {"review": "Предложение взято на рассмотрение.", "accept": "Предложение принято, автор увидит ответ.",
               "decline": "Предложение отклонено, автор увидит ответ.",
               "publish": "Предложение опубликовано для всех участников.",
               "unpublish": "Предложение снято с публикации."}


def role_to_write_as(held: list[str], current: str | None) -> str | None:
    """The role a person writes in: the one they act in now, else the first of theirs that may write."""
    if current in WRITER_ROLES and current in held:
        return current
    return next((role for role in held if role in WRITER_ROLES), None)


def children_of(parent: Person) -> list[Person]:
    """The children the school linked to this parent (a confirmed link) whom they may write for as representative
    (representation: a minor today). One query."""
    linked = (Person.select().join(Guardianship, on=(Guardianship.child == Person.id))
              .where((Guardianship.parent == parent) & Guardianship.confirmed_at.is_null(False)
                     & Person.destroyed_at.is_null())
              .order_by(Person.surname, Person.first_name, Person.id))
    return [child for child in linked if representation.acts_for(child, "propose")]


def formats_of(school_id: int) -> list[MentoringFormat]:
    """The school's forms of mentoring a proposal may name."""
    return list(MentoringFormat.of_school(school_id).where(MentoringFormat.is_active == True))  # noqa: E712


@dataclass
class ProposalData:
    """What the author's form hands over, unchecked: the service checks every field."""
    topic: str = ""
    format_id: str | int | None = None
    text: str = ""
    child_id: str | int | None = None
    publish_agreed: bool = False
    file_name: str = ""
    file_data: bytes | None = None


def _text(value, field: str, limit: int, required: str) -> str:
    """A proposal and its answer keep their lines (services.bases.checked_text)."""
    return checked_text(value, field, limit, required, lines=True)


def _checked(person: Person, role: str, data: ProposalData) -> dict:
    """The proposal's fields, each checked, with the Russian message beside the field that is wrong."""
    child = None
    if role == "parent":
        child_id = parse_id(data.child_id)
        child = next((c for c in children_of(person) if c.id == child_id), None)
        if child is None:
            raise ServiceError("Выберите ребёнка, за которого пишете предложение.", field="child")
    if data.topic not in TOPIC_TITLES:
        raise ServiceError("Выберите, о чём предложение.", field="topic")
    mentoring_format = None
    if data.format_id not in (None, ""):
        format_id = parse_id(data.format_id)
        mentoring_format = next((f for f in formats_of(person.school_id) if f.id == format_id), None)
        if mentoring_format is None:
            raise ServiceError("Выберите форму наставничества из списка.", field="mentoring_format")
    text = _text(data.text, "text", MAX_TEXT, "Напишите, что вы предлагаете.")
    return dict(on_behalf_of=child, topic=data.topic, mentoring_format=mentoring_format, text=text,
                publish_agreed=bool(data.publish_agreed))


def submit(person: Person, role: str | None, data: ProposalData, ip: str = "") -> ImprovementProposal:
    """A proposal written in `role` (role_to_write_as); a file goes with it through the uploads module. Nothing is
    saved when any field is wrong; the school's coordinators are told in the same transaction."""
    if role not in WRITER_ROLES:
        raise NotAllowed("Предложения пишут участники, родители и сотрудники.")
    fields = _checked(person, role, data)
    with atomic_write():
        if data.file_data:
            fields["attachment"] = uploads.store(person.school_id, person, data.file_name, data.file_data,
                                                 field="file", ip=ip, purpose="proposal")
        proposal = ImprovementProposal.create(school=person.school_id, author=person, author_role=role, **fields)
        audit.record("improvement.submitted", actor=person, obj=proposal, school=person.school_id, ip=ip,
                     role=role, topic=proposal.topic, child=getattr(fields["on_behalf_of"], "id", None),
                     mentoring_format=getattr(fields["mentoring_format"], "id", None),
                     attachment=proposal.attachment_id, publish_agreed=proposal.publish_agreed)
        notifications.notify(_coordinators(person.school_id), "improvement.submitted", obj=proposal,
                             details=f"{ROLE_TITLES[role].capitalize()}: {TOPIC_TITLES[proposal.topic]}")
    return proposal


def _coordinators(school_id: int) -> list[int]:
    return [row[0] for row in Account.select(Account.person).join(RoleGrant)
            .where((RoleGrant.role == "coordinator") & (Account.school == school_id)).tuples()]


# --- reading ---------------------------------------------------------------------------------------------------

def _query():
    """Proposals with their author, the child written for, the form and the file: one query, however many."""
    author, child = Person.alias(), Person.alias()
    return (ImprovementProposal.select(ImprovementProposal, author, child, MentoringFormat, StoredFile)
            .join_from(ImprovementProposal, author, on=(ImprovementProposal.author == author.id), attr="author")
            .join_from(ImprovementProposal, child, JOIN.LEFT_OUTER, on=(ImprovementProposal.on_behalf_of == child.id),
                       attr="on_behalf_of")
            .join_from(ImprovementProposal, MentoringFormat, JOIN.LEFT_OUTER, attr="mentoring_format")
            .join_from(ImprovementProposal, StoredFile, JOIN.LEFT_OUTER, attr="attachment"))


def _newest(query):
    return query.order_by(ImprovementProposal.created_at.desc(), ImprovementProposal.id.desc())


def mine(person: Person) -> list[ImprovementProposal]:
    """What the person wrote, and what a parent wrote for them (s8: the mentee sees who acted for them)."""
    return list(_newest(_query().where((ImprovementProposal.author == person.id)
                                       | (ImprovementProposal.on_behalf_of == person.id))))


def readable(person: Person, proposal_id, is_coordinator: bool = False) -> ImprovementProposal:
    """The one fetcher: the author's proposal, one written for the person, or — for the coordinator — any of the
    school's. Anything else (another school's, a colleague's) is «not found»."""
    proposal_id = parse_id(proposal_id)
    condition = (ImprovementProposal.author == person.id) | (ImprovementProposal.on_behalf_of == person.id)
    if is_coordinator:
        condition |= ImprovementProposal.school == person.school_id
    found = (_query().where((ImprovementProposal.id == proposal_id) & condition).first()
             if proposal_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого предложения.")
    return found


def is_published(proposal: ImprovementProposal) -> bool:
    return proposal.status == "accepted" and proposal.publish_agreed and proposal.published_at is not None


def published(school_id: int) -> list[ImprovementProposal]:
    """Accepted proposals the coordinator published with the author's agreement, the newest answer first."""
    return list(_query().where((ImprovementProposal.school == school_id) & (ImprovementProposal.status == "accepted")
                               & (ImprovementProposal.publish_agreed == True)  # noqa: E712
                               & ImprovementProposal.published_at.is_null(False))
                .order_by(ImprovementProposal.published_at.desc(), ImprovementProposal.id.desc()))


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    format_id: int | None = None
    topic: str | None = None

    def as_args(self) -> dict:
        return {"state": self.state or "", "format": self.format_id or "", "topic": self.topic or ""}


def parse_filters(scope: StaffScope, state, format_arg, topic) -> Filters:
    """Unknown or foreign values fall back to «all»: a filter never errors."""
    format_id = parse_id(format_arg)
    return Filters(state if state in STATE_TITLES else None,
                   format_id if format_id in scope.format_ids else None,
                   topic if topic in TOPIC_TITLES else None)


def _coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Предложения рассматривает координатор.")


def for_review(scope: StaffScope, filters: Filters) -> list[ImprovementProposal]:
    """The school's proposals for the coordinator, narrowed by state, form and topic: one query."""
    _coordinator(scope)
    query = _query().where(ImprovementProposal.school == scope.school_id)
    if filters.state:
        query = query.where(ImprovementProposal.status == filters.state)
    if filters.format_id:
        query = query.where(ImprovementProposal.mentoring_format == filters.format_id)
    if filters.topic:
        query = query.where(ImprovementProposal.topic == filters.topic)
    return list(_newest(query))


def counts(school_id: int, year: int | None = None) -> dict[str, int]:
    """How many of the school's proposals stand in each state — of those written in the school year `year`, when
    given (the year's report): one query."""
    query = ImprovementProposal.select(ImprovementProposal.status, fn.COUNT(ImprovementProposal.id)).where(
        ImprovementProposal.school == school_id)
    if year is not None:
        start, end = years.window(year)
        query = query.where((ImprovementProposal.created_at >= start) & (ImprovementProposal.created_at < end))
    found = dict(query.group_by(ImprovementProposal.status).tuples())
    return {code: found.get(code, 0) for code in STATE_TITLES}


def dashboard_rows(school_id: int) -> list[tuple]:
    """(state, form id, author's name, topic, role, written at) of each of the school's proposals, for the
    dashboard's lists behind its counts: one query."""
    return [(status, format_id, " ".join(n for n in names if n), TOPIC_TITLES[topic], ROLE_TITLES[role], created)
            for status, format_id, topic, role, created, *names in (
                ImprovementProposal.select(ImprovementProposal.status, ImprovementProposal.mentoring_format,
                                           ImprovementProposal.topic, ImprovementProposal.author_role,
                                           ImprovementProposal.created_at, Person.surname, Person.first_name,
                                           Person.patronymic)
                .join(Person, on=(ImprovementProposal.author == Person.id))
                .where(ImprovementProposal.school == school_id)
                .order_by(ImprovementProposal.created_at.desc(), ImprovementProposal.id.desc()).tuples())]


# --- changes ---------------------------------------------------------------------------------------------------

def change_state(scope: StaffScope, proposal_id, action: str, answer: str = "", ip: str = "") -> ImprovementProposal:
    """The coordinator's one door for every change of a proposal's state: take it under review, accept or decline it
    with an answer the author reads (and is notified of), publish an accepted one the author agreed to show, or
    take it down. A step the state does not allow is refused with the reason; nothing half-changes."""
    _coordinator(scope)
    proposal = readable(scope.person, proposal_id, is_coordinator=True)
    if action not in ACTIONS:
        raise ServiceError("Выберите действие.")
    starts, new = ACTIONS[action]
    if proposal.status not in starts:
        raise ServiceError(REFUSED_STEP.get(action) or ALREADY[proposal.status])
    now = utcnow()
    changes = {"status": new, "updated_at": now}
    if action in ("accept", "decline"):
        changes.update(answer=_text(answer, "answer", MAX_ANSWER, "Напишите ответ автору: его прочтёт автор."),
                       answered_by=scope.person.id, answered_at=now)
    elif action == "publish":
        if not proposal.publish_agreed:
            raise ServiceError("Автор не согласился на публикацию: опубликовать предложение нельзя.")
        if proposal.published_at is not None:
            raise ServiceError("Предложение уже опубликовано.")
        changes["published_at"] = now
    elif action == "unpublish":
        if proposal.published_at is None:
            raise ServiceError("Предложение не опубликовано.")
        changes["published_at"] = None
    with atomic_write():
        unchanged = ((ImprovementProposal.id == proposal.id) & (ImprovementProposal.status == proposal.status)
                     & (ImprovementProposal.published_at.is_null() if proposal.published_at is None
                        else ImprovementProposal.published_at == proposal.published_at))
        if action == "publish":  # the author may have just taken the agreement back
            unchanged &= ImprovementProposal.publish_agreed == True  # noqa: E712
        changed = ImprovementProposal.update(**changes).where(unchanged).execute()
        if not changed:
            if action == "publish" and not ImprovementProposal.get_by_id(proposal.id).publish_agreed:
                raise ServiceError("Автор только что отозвал согласие на публикацию: опубликовать предложение нельзя.")
            raise ServiceError("Предложение только что изменили. Обновите страницу.")
        audit.record(f"improvement.{action}", actor=scope.person, obj=proposal, school=scope.school_id, ip=ip,
                     was=proposal.status, status=new, answer=changes.get("answer", ""))
        if action in ("accept", "decline"):
            notifications.notify([proposal.author_id], "improvement.answered", obj=proposal,
                                 details=f"{STATE_TITLES[new].capitalize()}: {changes['answer']}")
    return readable(scope.person, proposal.id, is_coordinator=True)


def set_agreement(person: Person, proposal_id, agreed: bool, ip: str = "") -> ImprovementProposal:
    """The author agrees to show the proposal to every participant once accepted, or takes it back; taken back,
    a published proposal leaves the published page at once."""
    proposal = readable(person, proposal_id)
    if proposal.author_id != person.id:
        raise NotAllowed("Согласие на публикацию даёт автор предложения.")
    agreed = bool(agreed)
    if agreed == proposal.publish_agreed:
        return proposal
    changes = {"publish_agreed": agreed, "updated_at": utcnow()}
    if not agreed:
        changes["published_at"] = None
    with atomic_write():
        ImprovementProposal.update(**changes).where(ImprovementProposal.id == proposal.id).execute()
        audit.record("improvement.agreement", actor=person, obj=proposal, school=person.school_id, ip=ip,
                     publish_agreed=agreed, was_published=proposal.published_at is not None)
    return readable(person, proposal.id)


def attachment(person: Person, proposal_id, is_coordinator: bool = False, ip: str = "") -> uploads.Download:
    """The proposal's file for whoever may read the proposal; audited."""
    proposal = readable(person, proposal_id, is_coordinator)
    if proposal.attachment_id is None:
        raise NotAllowed("У предложения нет файла.")
    return uploads.hand_out(proposal.attachment, person, ip=ip, action="improvement.file_downloaded", obj=proposal)
