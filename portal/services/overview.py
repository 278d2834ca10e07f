"""What each role's home page shows, in a fixed number of queries whatever the school's size."""
from collections import defaultdict

from peewee import JOIN, fn

from portal.models import (
    Account, BaseMembership, Guardianship, MentoringFormat, Mentorship, MentorshipMember, Person, Programme,
    RoleGrant, SchoolClass,
)
from portal.models.mentorship import MENTORSHIP_STATES
from portal.models.people import PERSON_KIND_COUNTS
from portal.services import carrying, pairing
from portal.services.orders.reading import period_over


def _count_by(query, key_field) -> dict:
    return {row[0]: row[1] for row in query.select(key_field, fn.COUNT(1)).group_by(key_field).tuples()}


def school_at_a_glance(school) -> dict:
    """The coordinator's first screen: people, formats with their curators, pairs by status."""
    people = _count_by(Person.select().where(Person.school == school), Person.kind)
    formats = list(MentoringFormat.of_school(school))
    curators = defaultdict(list)
    for grant in (RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
                  .where((RoleGrant.role == "curator") & (Account.school == school))):
        curators[grant.mentoring_format_id].append(grant.account.person)
    members = defaultdict(lambda: defaultdict(int))
    for format_id, base, count in (BaseMembership.select(BaseMembership.mentoring_format, BaseMembership.base,
                                                         fn.COUNT(1))
                                   .join(MentoringFormat).where(MentoringFormat.school == school)
                                   .where(BaseMembership.status != "left")
                                   .group_by(BaseMembership.mentoring_format, BaseMembership.base).tuples()):
        members[format_id][base] = count
    pairs = defaultdict(lambda: defaultdict(int))
    for format_id, status, count in (Mentorship.select(Mentorship.mentoring_format, Mentorship.status, fn.COUNT(1))
                                     .join(MentoringFormat).where(MentoringFormat.school == school)
                                     .group_by(Mentorship.mentoring_format, Mentorship.status).tuples()):
        pairs[format_id][status] = count
    totals = defaultdict(int)
    for by_status in pairs.values():
        for status, count in by_status.items():
            totals[status] += count
    accounts = Account.select().where(Account.school == school).count()
    return {
        "people": [(title, people.get(kind, 0)) for kind, title in PERSON_KIND_COUNTS.items()],
        "accounts": accounts,
        "formats": [{"format": f, "curators": curators[f.id], "members": members[f.id], "pairs": pairs[f.id]}
                    for f in formats],
        "pairs_by_status": [(title, totals.get(status, 0)) for status, title in MENTORSHIP_STATES],
        "pairs_total": sum(totals.values()),
    }


def curated_formats(account) -> list[dict]:
    """The curator's formats with their bases, pairs by status and the mentees still without a pair."""
    formats = list(MentoringFormat.select().join(RoleGrant)
                   .where((RoleGrant.account == account) & (RoleGrant.role == "curator")).order_by(MentoringFormat.id))
    if not formats:
        return []
    ids = [f.id for f in formats]
    bases = defaultdict(lambda: defaultdict(int))
    for format_id, base, status, count in (
            BaseMembership.select(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status,
                                  fn.COUNT(1))
            .where(BaseMembership.mentoring_format.in_(ids))
            .group_by(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status).tuples()):
        bases[format_id][(base, status)] = count
    pairs = defaultdict(list)
    mentorships = (Mentorship.select(Mentorship, Person).join(Person)
                   .where(Mentorship.mentoring_format.in_(ids)).order_by(Person.surname))
    members = (MentorshipMember.select(MentorshipMember, Person).join(Person))
    for m in mentorships.prefetch(members):
        pairs[m.mentoring_format_id].append(m)
    paired = pairing.mentees_with_pair(ids)
    waiting = defaultdict(list)
    for membership in (BaseMembership.select(BaseMembership, Person).join(Person)
                       .where(BaseMembership.mentoring_format.in_(ids) & (BaseMembership.base == "mentee")
                              & (BaseMembership.status == "active"))
                       .order_by(Person.surname)):
        if (membership.mentoring_format_id, membership.person_id) not in paired:
            waiting[membership.mentoring_format_id].append(membership.person)
    programmes = Programme.current_of(ids)
    unfinished = dict(Mentorship.select(Mentorship.mentoring_format, fn.COUNT(Mentorship.id)).join(Programme)
                      .where(Mentorship.mentoring_format.in_(ids) & Mentorship.status.in_(carrying.UNFINISHED)
                             & period_over(Programme))
                      .group_by(Mentorship.mentoring_format).tuples())
    return [{"format": f, "bases": bases[f.id], "pairs": pairs[f.id], "waiting": waiting[f.id],
             "programme": programmes.get(f.id), "unfinished": unfinished.get(f.id, 0),
             "year_over": f.id in programmes and period_over(programmes[f.id])} for f in formats]


def mentorships_of_mentor(person) -> list[Mentorship]:
    query = (Mentorship.select(Mentorship, MentoringFormat).join(MentoringFormat)
             .where(Mentorship.mentor == person).order_by(Mentorship.created_at.desc()))
    members = MentorshipMember.select(MentorshipMember, Person).join(Person)
    return list(query.prefetch(members))


def mentorships_of_mentee(person) -> list[Mentorship]:
    query = (Mentorship.select(Mentorship, MentoringFormat, Person, Programme)
             .join(MentorshipMember).switch(Mentorship)
             .join(MentoringFormat).switch(Mentorship)
             .join(Person).switch(Mentorship)
             .join(Programme, JOIN.LEFT_OUTER)
             .where(MentorshipMember.mentee == person).order_by(Mentorship.created_at.desc()))
    return list(query)


def children_of(parent) -> list[dict]:
    """Only children the school linked to this parent; each with their pairs."""
    links = list(Guardianship.select(Guardianship, Person, SchoolClass)
                 .join(Person, on=Guardianship.child).join(SchoolClass, JOIN.LEFT_OUTER)
                 .where((Guardianship.parent == parent) & Guardianship.confirmed_at.is_null(False))
                 .order_by(Person.first_name))
    child_ids = [link.child_id for link in links]
    pairs = defaultdict(list)
    if child_ids:
        for member in (MentorshipMember.select(MentorshipMember, Mentorship, MentoringFormat, Person)
                       .join(Mentorship).join(MentoringFormat).switch(Mentorship).join(Person)
                       .where(MentorshipMember.mentee.in_(child_ids))):
            pairs[member.mentee_id].append(member.mentorship)
    return [{"child": link.child, "link": link, "pairs": pairs[link.child_id]} for link in links]


def accounts_of_school(school):
    return (Account.select(Account, Person).join(Person)
            .where(Account.school == school).order_by(Person.surname, Person.first_name))
