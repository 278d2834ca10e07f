"""The curator's help in proposing mentors (s8, 4.12, 4.13): who may be offered to a mentee, in what order, and why.

The portal ranks; the curator decides. A candidate's place in the list is explained in words, and
everyone who may not be offered is listed apart with the reason, so nobody disappears silently.
The fit is deliberately simple and predictable: words of the mentee's needs against words of what
the mentor can help with, compared by their first letters («математике» meets «математика»).
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from peewee import JOIN, IntegrityError

from portal.db import atomic_write
from portal.formatting import agree, quoted
from portal.ids import parse_id
from portal.models import (
    Acknowledgement, BaseMembership, MembershipCategory, MentoringFormat, Person,
    Proposal, SchoolClass,
)
from portal.models.base import utcnow
from portal.models.mentorship import PROPOSAL_STATUSES
from portal.services import NotAllowed, ServiceError, agreements, audit, notifications, pairing
from portal.services import consent as consents
from portal.services.bases import require_open
from portal.services.staff import StaffScope

PROPOSAL_TITLES = dict(PROPOSAL_STATUSES)
WORD = re.compile(r"[a-zа-я0-9]+")
CLASS_NUMBER = re.compile(r"\s*(\d+)")
MIN_WORD = 4
STEM = 5
# Words that say nothing about a subject («нужна помощь», «может помочь»).
STOP_STEMS = frozenset(w[:STEM] for w in (
    "может", "можно", "нужно", "нужна", "нужен", "нужны", "помощь", "помочь", "помогает", "очень", "также",
    "который", "которая", "чтобы", "этого", "этому", "будет", "более", "есть", "хочет", "хочется", "свой", "своих",
    "своей", "всех", "всем", "просто", "другое",
))
FIT_POINTS = 10          # per shared word: the fit outweighs everything else
MAX_FREE_POINTS = 3      # more free places breaks ties, up to this many


def stems(text: str) -> dict[str, str]:
    """Lowercase words of at least four letters, keyed by their first five (ё as е): stem → the word as written."""
    found = {}
    for word in WORD.findall((text or "").lower().replace("ё", "е")):
        if len(word) >= MIN_WORD and not word.isdigit() and word[:STEM] not in STOP_STEMS:
            found.setdefault(word[:STEM], word)
    return found


def class_number(school_class: SchoolClass | None) -> int | None:
    """«10А» → 10; a class without a number says nothing about age."""
    match = CLASS_NUMBER.match(school_class.name) if school_class is not None else None
    return int(match.group(1)) if match else None


def students_only(fmt: MentoringFormat) -> bool:
    """«Ученик – ученик»: a student mentor must be older than the mentee."""
    return fmt.mentor_kind == "student" and fmt.mentee_kind == "student"


@dataclass
class Candidate:
    membership: BaseMembership              # with person and class joined
    categories: list[str]
    free: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)    # why this rank, in words
    excluded: list[str] = field(default_factory=list)   # why not offered at all
    proposal: Proposal | None = None                     # an earlier proposal of this mentor to this mentee

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def already_open(self) -> bool:
        return self.proposal is not None and self.proposal.status == "open"


@dataclass
class Ranking:
    fmt: MentoringFormat
    mentee: BaseMembership                   # the mentee's membership, person and class joined
    mentee_categories: list[str]
    offered: list[Candidate]                 # best fit first
    excluded: list[Candidate]
    proposals: list[Proposal]                # every proposal to this mentee in this format, mentor joined
    blockers: list[str]                      # why the mentee cannot be given proposals now
    programme: object = None
    mentee_acknowledged: bool = False

    @property
    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.status == "open"]

    def allowed_ids(self) -> set[int]:
        return {c.person.id for c in self.offered}


# --- the mentor pool: what holds for every mentee of the format ------------------------------------

def _mentor_pool(fmt: MentoringFormat, extra_gate=()) -> tuple[list[Candidate], dict, object, set[int]]:
    """The format's mentor base (not those who left) with categories, free places, consent and acknowledgement.

    Six queries whatever the base size; `extra_gate` (person, base) pairs ride along in the one gate call.
    Returns the candidates with their format-wide exclusions, the gate, the programme and who acknowledged it.
    """
    memberships = list(BaseMembership.select(BaseMembership, Person, SchoolClass)
                       .join(Person).join(SchoolClass, JOIN.LEFT_OUTER)
                       .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentor")
                              & (BaseMembership.status != "left"))
                       .order_by(Person.surname, Person.first_name, Person.patronymic, BaseMembership.id))
    categories = {m.id: [] for m in memberships}
    for c in (MembershipCategory.select().join(BaseMembership)
              .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentor")
                     & (BaseMembership.status != "left")).order_by(MembershipCategory.id)):
        categories[c.membership_id].append(c.title)
    taken = pairing.taken_places([m.person_id for m in memberships], fmt.id)
    gate = consents.participation_gate([(m.person, "mentor") for m in memberships] + list(extra_gate))
    programme = pairing.programme_of(fmt.id)
    acknowledged = _acknowledged(fmt, programme)
    signed = agreements.with_signed_agreement(m.person_id for m in memberships if m.person.kind == "external")
    pool = []
    for m in memberships:
        candidate = Candidate(m, categories[m.id], max(0, m.capacity - taken.get(m.person_id, 0)))
        if m.status != "active":
            candidate.excluded.append("ещё не участвует в базе: ожидает согласия на обработку персональных данных")
        elif not gate[(m.person_id, "mentor")]:
            whose = "родителя" if consents.required_kind(m.person, "mentor") != "adult_self" else "самого наставника"
            candidate.excluded.append(f"нет действующего согласия {whose} на обработку персональных данных")
        if programme is None:
            candidate.excluded.append("у формы ещё нет программы наставничества")
        elif m.person_id not in acknowledged:
            candidate.excluded.append(agree(m.person, "не ознакомлен(а) с программой формы (п. 4.12 Положения)"))
        if m.person.kind == "external" and m.person_id not in signed:
            candidate.excluded.append(agreements.NOT_SIGNED)
        if candidate.free <= 0:
            candidate.excluded.append(f"нет свободных мест (занято {taken.get(m.person_id, 0)} из {m.capacity})")
        pool.append(candidate)
    return pool, gate, programme, acknowledged


def _acknowledged(fmt: MentoringFormat, programme) -> set[int]:
    """Everyone in the format's bases who has read its current programme: one query."""
    if programme is None:
        return set()
    in_bases = BaseMembership.select(BaseMembership.person).where(BaseMembership.mentoring_format == fmt)
    return {row[0] for row in Acknowledgement.select(Acknowledgement.person)
            .where((Acknowledgement.programme == programme) & Acknowledgement.person.in_(in_bases)).tuples()}


def _older(mentor: Person, mentee: Person) -> tuple[bool | None, str]:
    """Is the student mentor older? By class number first, then by birth date; None when nothing tells."""
    mentor_class, mentee_class = class_number(mentor.school_class), class_number(mentee.school_class)
    if mentor_class is not None and mentee_class is not None:
        words = f"учится в {mentor.school_class.name}, наставляемый — в {mentee.school_class.name}"
        return mentor_class > mentee_class, words
    if mentor.birth_date and mentee.birth_date:
        return mentor.birth_date < mentee.birth_date, "по дате рождения"
    return None, "не указаны класс или дата рождения"


def _judge(candidate: Candidate, fmt: MentoringFormat, mentee: BaseMembership, mentee_stems: dict) -> Candidate:
    """This mentee's view of a pooled candidate: a fresh copy with its own score, reasons and exclusions."""
    judged = Candidate(candidate.membership, candidate.categories, candidate.free,
                       excluded=list(candidate.excluded))
    mentor = candidate.person
    if mentor.id == mentee.person_id:
        judged.excluded.insert(0, "это сам наставляемый")
    if students_only(fmt) and mentor.kind == "student":
        older, words = _older(mentor, mentee.person)
        if older is False:
            judged.excluded.append(f"не старше наставляемого ({words})")
        elif older:
            judged.reasons.append(f"старше наставляемого ({words})")
        else:
            judged.reasons.append(f"проверьте сами, что наставник старше: {words}")
    offer = stems(" ".join([candidate.membership.can_help_with] + candidate.categories))
    shared = [offer[s] for s in mentee_stems if s in offer]
    judged.score = FIT_POINTS * len(shared) + min(candidate.free, MAX_FREE_POINTS)
    if shared:
        judged.reasons.insert(0, "может помочь с тем, что нужно: " + ", ".join(f"«{w}»" for w in shared))
    else:
        judged.reasons.insert(0, "совпадений с потребностями наставляемого не найдено")
    capacity = candidate.membership.capacity
    judged.reasons.insert(1, f"свободных мест: {candidate.free} из {capacity}")
    return judged


def _order(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: -c.score)  # stable: ties keep the alphabetical order


# --- one mentee ------------------------------------------------------------------------------------

def _known_id(value) -> int:
    """An id beyond the column's range finds nothing (SQLite would overflow): «not found», as in a URL."""
    number = parse_id(value)
    if number is None:
        raise NotAllowed("Нет такой записи.")
    return number


def _mentee_membership(fmt: MentoringFormat, mentee_id) -> BaseMembership:
    mentee_id = _known_id(mentee_id)
    found = (BaseMembership.select(BaseMembership, Person, SchoolClass)
             .join(Person).join(SchoolClass, JOIN.LEFT_OUTER)
             .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentee")
                    & (BaseMembership.person == mentee_id)).first())
    if found is None or found.person.destroyed_at is not None:
        raise NotAllowed("Нет такого наставляемого.")
    return found


def rank_candidates(scope: StaffScope, format_id, mentee_id) -> Ranking:
    """The format's mentor base ranked for this mentee, the excluded apart: eleven queries whatever the base size."""
    fmt = scope.check_format(int(format_id))
    mentee = _mentee_membership(fmt, mentee_id)
    mentee_categories = [c.title for c in MembershipCategory.select()
                         .where(MembershipCategory.membership == mentee).order_by(MembershipCategory.id)]
    pool, gate, programme, acknowledged = _mentor_pool(fmt, extra_gate=[(mentee.person, "mentee")])
    proposals = list(Proposal.select(Proposal, Person).join(Person, on=Proposal.mentor)
                     .where((Proposal.mentoring_format == fmt) & (Proposal.mentee == mentee.person_id))
                     .order_by(Proposal.rank.desc(), Proposal.id))
    earlier = {p.mentor_id: p for p in proposals}
    mentee_stems = stems(" ".join([mentee.needs] + mentee_categories))
    offered, excluded = [], []
    for candidate in pool:
        judged = _judge(candidate, fmt, mentee, mentee_stems)
        judged.proposal = earlier.get(judged.person.id)
        if judged.already_open:
            judged.reasons.append("уже предложен этому наставляемому")
        elif judged.proposal is not None:
            judged.reasons.append(f"предлагался раньше: {PROPOSAL_TITLES[judged.proposal.status]}")
        (excluded if judged.excluded else offered).append(judged)
    blockers = []
    if mentee.status == "left":
        blockers.append("наставляемый выбыл из базы наставляемых")
    elif mentee.status != "active":
        blockers.append("наставляемый ещё не участвует в базе: ожидает согласия на обработку персональных данных")
    elif not gate[(mentee.person_id, "mentee")]:
        blockers.append("у наставляемого нет действующего согласия на обработку персональных данных")
    if pairing.current_pair(mentee.person, fmt.id) is not None:
        blockers.append("у наставляемого уже есть наставник в этой форме")
    return Ranking(fmt=fmt, mentee=mentee, mentee_categories=mentee_categories, offered=_order(offered),
                   excluded=excluded, proposals=proposals, blockers=blockers, programme=programme,
                   mentee_acknowledged=mentee.person_id in acknowledged)


def _mentor_ids(mentor_ids) -> list[int]:
    ids = []
    for value in mentor_ids or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ServiceError("Отметьте наставников из списка.", field="mentors") from None
    return list(dict.fromkeys(ids))


def propose(scope: StaffScope, format_id, mentee_id, mentor_ids, ip: str = "") -> list[Proposal]:
    """Offer the mentee several mentors at once (s8); an open proposal stays as it is, a closed one reopens.

    Only candidates of the ranked list may be offered, so the rules of the ranking are the rules of proposing.
    """
    ids = _mentor_ids(mentor_ids)
    if not ids:
        raise ServiceError("Отметьте хотя бы одного наставника.", field="mentors")
    try:
        with atomic_write():
            ranking = rank_candidates(scope, format_id, mentee_id)
            require_open(scope.check_format(int(format_id)))
            if ranking.blockers:
                raise ServiceError("Предложить наставников нельзя: " + "; ".join(ranking.blockers) + ".",
                                   field="mentors")
            by_id = {c.person.id: c for c in ranking.offered}
            refused = [i for i in ids if i not in by_id]
            names = [c.person.full_name for c in ranking.excluded if c.person.id in refused]
            if names:
                raise ServiceError("Этих наставников предложить нельзя: " + ", ".join(names)
                                   + ". Причины — в списке «Не предлагаются».", field="mentors")
            if refused:  # not in this format's mentor base at all: a stale or forged form
                raise ServiceError("Отметьте наставников из списка кандидатов.", field="mentors")
            made = []
            for mentor_id in ids:
                candidate = by_id[mentor_id]
                if candidate.already_open:
                    continue
                made.append(_offer(scope, ranking, candidate, ip))
            if made:  # one item for the round of proposals: its object is the mentee, whose choice it asks
                notifications.notify([ranking.mentee.person_id], "proposal.made", obj=ranking.mentee.person,
                                     details=f"Форма {quoted(ranking.fmt.name)}, "
                                             f"новых кандидатов в наставники: {len(made)}")
    except IntegrityError:  # another curator proposed the same mentor a moment ago
        raise ServiceError("Кто-то только что изменил предложения этому наставляемому. Обновите страницу.",
                           field="mentors") from None
    return made


def _offer(scope: StaffScope, ranking: Ranking, candidate: Candidate, ip: str) -> Proposal:
    reason = "; ".join(candidate.reasons)
    fields = {"status": "open", "rank": candidate.score, "reason": reason, "proposed_by": scope.person,
              "proposed_at": utcnow()}
    if candidate.proposal is not None:  # declined, withdrawn, or chosen in a pair that has since ended
        Proposal.update(mentorship=None, **fields).where(Proposal.id == candidate.proposal.id).execute()
        proposal = Proposal.get_by_id(candidate.proposal.id)
    else:
        proposal = Proposal.create(mentoring_format=ranking.fmt, mentee=ranking.mentee.person_id,
                                   mentor=candidate.person.id, **fields)
    audit.record("proposal.created", actor=scope.person, obj=proposal, school=scope.school_id, ip=ip,
                 format=ranking.fmt.id, mentee=ranking.mentee.person_id, mentor=candidate.person.id,
                 rank=candidate.score, reopened=candidate.proposal is not None)
    return proposal


def proposal_in_scope(scope: StaffScope, proposal_id: int) -> Proposal:
    """A proposal of a format in reach, with mentor, mentee and format joined; anything else is «not found»."""
    proposal_id = _known_id(proposal_id)
    Mentee = Person.alias()
    found = (Proposal.select(Proposal, Person, Mentee, MentoringFormat)
             .join(Person, on=Proposal.mentor).switch(Proposal).join(Mentee, on=Proposal.mentee)
             .switch(Proposal).join(MentoringFormat)
             .where(Proposal.id == proposal_id).first())
    if found is None or found.mentoring_format_id not in scope.format_ids:
        raise NotAllowed("Нет такого предложения.")
    return found


def withdraw_proposal(scope: StaffScope, proposal_id: int, ip: str = "") -> Proposal:
    """The curator takes back an open proposal; a chosen one is the mentor's and mentee's business now."""
    proposal = proposal_in_scope(scope, proposal_id)
    with atomic_write():
        changed = (Proposal.update(status="withdrawn")
                   .where((Proposal.id == proposal.id) & (Proposal.status == "open")).execute())
        if not changed:
            raise ServiceError("Это предложение уже не открыто: наставляемый выбрал наставника или его отозвали.")
        audit.record("proposal.withdrawn", actor=scope.person, obj=proposal, school=scope.school_id, ip=ip,
                     format=proposal.mentoring_format_id, mentee=proposal.mentee_id, mentor=proposal.mentor_id)
    return proposal_in_scope(scope, proposal.id)


# --- the queue -------------------------------------------------------------------------------------

@dataclass
class QueueRow:
    membership: BaseMembership       # the mentee, person and class joined
    open_proposals: int
    fitting: int                     # mentors who could be proposed now

    @property
    def waits_for_mentor(self) -> bool:
        """No proposal and nobody to propose: the visible queue of s8 / REQUIREMENTS."""
        return self.open_proposals == 0 and self.fitting == 0


def queue(scope: StaffScope, format_id) -> dict:
    """Active, consenting mentees of the format without a pair, with their open proposals and fitting mentors.

    Ten queries whatever the size of the bases: the mentor pool is built once and judged per mentee in memory.
    """
    fmt = scope.check_format(int(format_id))
    mentees = list(BaseMembership.select(BaseMembership, Person, SchoolClass)
                   .join(Person).join(SchoolClass, JOIN.LEFT_OUTER)
                   .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentee")
                          & (BaseMembership.status == "active"))
                   .order_by(Person.surname, Person.first_name, Person.patronymic, BaseMembership.id))
    pool, gate, programme, _ = _mentor_pool(fmt, extra_gate=[(m.person, "mentee") for m in mentees])
    paired = {mentee_id for _, mentee_id in pairing.mentees_with_pair([fmt.id])}
    open_pairs = set(Proposal.select(Proposal.mentee, Proposal.mentor)
                     .where((Proposal.mentoring_format == fmt) & (Proposal.status == "open")).tuples())
    counts = Counter(mentee_id for mentee_id, _ in open_pairs)
    available = [c for c in pool if not c.excluded]
    rows, without_consent = [], 0
    for m in mentees:
        if not gate[(m.person_id, "mentee")]:
            without_consent += 1
            continue
        if m.person_id in paired:
            continue
        fitting = sum(1 for c in available if (m.person_id, c.person.id) not in open_pairs
                      and not _judge(c, fmt, m, {}).excluded)
        rows.append(QueueRow(m, counts.get(m.person_id, 0), fitting))
    waiting = [r for r in rows if r.waits_for_mentor]
    return {"fmt": fmt, "waiting": waiting, "rows": [r for r in rows if not r.waits_for_mentor],
            "without_consent": without_consent, "programme": programme, "mentors_available": len(available)}
