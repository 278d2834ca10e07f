"""Who may see which pair, meeting, plan or task: one fetcher per aggregate, «not found» for anyone else's."""
from peewee import JOIN, fn

from portal.models.base import KeptSelect
from portal.models import (
    Guardianship, Meeting, MentoringFormat, Mentorship, MentorshipMember, Person, Plan, PlanTask, Programme,
)
from portal.services import NotAllowed


Mentor = Person.alias()


def _pairs_with_people():
    """Pairs with their format, mentor and programme joined: one query."""
    return (Mentorship.select(Mentorship, MentoringFormat, Mentor, Programme)
            .join(MentoringFormat).switch(Mentorship)
            .join(Mentor, on=(Mentorship.mentor == Mentor.id), attr="mentor").switch(Mentorship)
            .join(Programme, JOIN.LEFT_OUTER))


def _member(mentorship_id, person_id):
    return MentorshipMember.select().where((MentorshipMember.mentorship == mentorship_id)
                                           & (MentorshipMember.mentee == person_id)
                                           & MentorshipMember.left_at.is_null())


def _pair_graph(pair: Mentorship, fmt: MentoringFormat, mentor: Person, programme: Programme | None) -> Mentorship:
    """A row of `_pairs_with_people` put together as the join reads it: the pair with its format, mentor, programme."""
    pair.mentoring_format, pair.mentor = fmt, mentor
    if programme is not None:
        pair.programme = programme
    return pair


# Asked by every page of the mentor's pair: the four-table join's text is kept (models.base.KeptSelect).
_MENTOR_PAIR = KeptSelect(lambda pair_id, mentor_id: _pairs_with_people().where(
    (Mentorship.id == pair_id) & (Mentorship.mentor == mentor_id)).limit(1))


def mentorship_of_mentor(mentor: Person, mentorship_id: int) -> Mentorship:
    """The mentor's own pair with its format, mentor and programme joined; anyone else's is «not found».

    The one fetcher of the mentor's pair: the cycle, the pair page, the report and the mentor's answer to a
    choice (pairing) all ask here, so another mentor's pair is the same 404 everywhere."""
    found = _MENTOR_PAIR.models(mentorship_id, mentor.id)
    if not found:
        raise NotAllowed("Нет такой пары.")
    return _pair_graph(*found[0])


# The names the mentor's pair was fetched by before there was one fetcher (issue 11): the same function.
mentorship_for_mentor = pair_for_mentor = mentorship_of_mentor


def mentorship_for_participant(person: Person, mentorship_id: int) -> tuple[Mentorship, str]:
    """The pair and the person's side in it ("mentor" or "mentee"); anyone else gets «not found»."""
    mentorship = Mentorship.get_or_none(Mentorship.id == mentorship_id)
    if mentorship is not None and mentorship.mentor_id == person.id:
        return mentorship, "mentor"
    if mentorship is not None and MentorshipMember.select().where(
            (MentorshipMember.mentorship == mentorship) & (MentorshipMember.mentee == person)
            & MentorshipMember.left_at.is_null()).exists():
        return mentorship, "mentee"
    raise NotAllowed("Нет такой пары.")


def mentorship_for_mentee(person: Person, mentorship_id: int) -> Mentorship:
    """The mentee's own pair; anyone else's is «not found»."""
    found = _pairs_with_people().where((Mentorship.id == mentorship_id)
                                       & fn.EXISTS(_member(Mentorship.id, person.id))).first()
    if found is None:
        raise NotAllowed("Нет такой пары.")
    return found


def child_of_parent(parent: Person, child_id: int) -> Person:
    """A child the school linked to this parent (a confirmed guardianship), else «not found»."""
    child = (Person.select().join(Guardianship, on=(Guardianship.child == Person.id))
             .where((Person.id == child_id) & (Guardianship.parent == parent)
                    & Guardianship.confirmed_at.is_null(False)).first())
    if child is None:
        raise NotAllowed("Нет такого ребёнка.")
    return child


def mentorship_for_parent(parent: Person, child_id: int, mentorship_id: int) -> tuple[Mentorship, Person]:
    """The pair of the parent's linked child, and the child; any other is «not found»."""
    child = child_of_parent(parent, child_id)
    return mentorship_for_mentee(child, mentorship_id), child


def meeting_for(person: Person, meeting_id: int, child: Person | None = None) -> Meeting:
    """A held meeting of the person's own pair — or of their linked child's pair when `child` is given."""
    member = child or person
    meeting = (Meeting.select().where((Meeting.id == meeting_id) & (Meeting.status == "held")
                                      & fn.EXISTS(_member(Meeting.mentorship, member.id))).first())
    if meeting is None:
        raise NotAllowed("Нет такой встречи.")
    return meeting


_MENTEES = KeptSelect(lambda pair_id: MentorshipMember.select(Person).join(Person)
                      .where((MentorshipMember.mentorship == pair_id) & MentorshipMember.left_at.is_null())
                      .order_by(Person.surname, Person.first_name))


def mentees_of(mentorship_id: int) -> list[Person]:
    """The pair's current mentees, by name."""
    return [person for person, in _MENTEES.models(mentorship_id)]


# The pair page asks for its pair and the pair's mentees together: one query, a row a current mentee (one
# row with none when it has none yet).
_MENTOR_PAIR_WITH_MENTEES = KeptSelect(lambda pair_id, mentor_id: _pairs_with_people().select_extend(Person)
                                       .join(MentorshipMember, JOIN.LEFT_OUTER,
                                             on=((MentorshipMember.mentorship == Mentorship.id)
                                                 & MentorshipMember.left_at.is_null()))
                                       .join(Person, JOIN.LEFT_OUTER, on=(MentorshipMember.mentee == Person.id))
                                       .where((Mentorship.id == pair_id) & (Mentorship.mentor == mentor_id))
                                       .order_by(Person.surname, Person.first_name))


def mentorship_of_mentor_with_mentees(mentor: Person, mentorship_id: int) -> tuple[Mentorship, list[Person]]:
    """`mentorship_of_mentor` and `mentees_of` in one query: the mentor's own pair (anyone else's is «not
    found»), with its format, mentor and programme joined, and its current mentees by name."""
    found = _MENTOR_PAIR_WITH_MENTEES.models(mentorship_id, mentor.id)
    if not found:
        raise NotAllowed("Нет такой пары.")
    return _pair_graph(*found[0][:4]), [row[4] for row in found if row[4] is not None]


def meeting_of_mentor(mentor: Person, meeting_id: int) -> tuple[Meeting, int | None]:
    """A meeting of the mentor's own pair, and the id of the version that replaced it (None if current)."""
    Later = Meeting.alias()
    meeting = (Meeting.select(Meeting, Later.id.alias("replaced_by")).join(Mentorship)
               .switch(Meeting).join(Later, JOIN.LEFT_OUTER, on=(Later.supersedes == Meeting.id))
               .where((Meeting.id == meeting_id) & (Mentorship.mentor == mentor)).objects().first())
    if meeting is None:
        raise NotAllowed("Нет такой встречи.")
    return meeting, meeting.replaced_by


def plan_for_mentee(person: Person, plan_id: int) -> tuple[Plan, Mentorship]:
    """A version of the plan of the mentee's own pair, with the pair; any other is «not found»."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotAllowed("Нет такого плана.")
    return plan, mentorship_for_mentee(person, plan.mentorship_id)


def plan_of_mentor(mentor: Person, plan_id: int) -> Plan:
    plan = (Plan.select(Plan).join(Mentorship)
            .where((Plan.id == plan_id) & (Mentorship.mentor == mentor)).first())
    if plan is None:
        raise NotAllowed("Нет такого плана.")
    return plan


def task_of_mentor(mentor: Person, task_id: int) -> PlanTask:
    task = (PlanTask.select(PlanTask, Plan).join(Plan).join(Mentorship)
            .where((PlanTask.id == task_id) & (Mentorship.mentor == mentor)).first())
    if task is None:
        raise NotAllowed("Нет такой задачи.")
    return task
