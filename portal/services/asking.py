"""Who is asked to do what when a person comes into a base: sign the consent, read the programme.

Several services bring a person to these tasks (a nomination, a parent's link confirmed, a programme
approved), so the question «who must be asked, and is the task still open?» has one home here. Each
function writes its notifications through `notifications.notify`, inside the caller's transaction.
"""
from portal.formatting import quoted, short_name
from portal.models import Acknowledgement, BaseMembership, Guardianship, MentoringFormat, Person, Programme
from portal.services import notifications
from portal.services.consent.gate import may_take_part, signs_online

BASE_PREPOSITIONAL = {"mentor": "базе наставников", "mentee": "базе наставляемых"}


def consent_signers(person: Person) -> list[Person]:
    """Who can sign this person's consent online: the adult themself, or for a minor each parent whose
    link the school confirmed. A student of unknown age signs on paper only, so nobody is asked."""
    if signs_online(person):
        return [person]
    if not person.is_minor():
        return []
    return list(Person.select().join(Guardianship, on=(Guardianship.parent == Person.id))
                .where((Guardianship.child == person) & Guardianship.confirmed_at.is_null(False)
                       & Person.destroyed_at.is_null())
                .order_by(Person.id))


def ask_consent(person: Person, fmt: MentoringFormat, base: str, signers=None) -> list:
    """consent.to_sign for whoever signs for `person`, unless the gate already lets them into `base`.
    The object is the person the consent is about, so a parent gets one item per child, not per base."""
    if may_take_part(person, base):
        return []
    signers = consent_signers(person) if signers is None else signers
    details = f"Участие в форме {quoted(fmt.name)}"
    if any(s.id != person.id for s in signers):
        details = f"{details}: {short_name(person)}"
    return notifications.notify(signers, "consent.to_sign", obj=person, details=details)


def ask_pending_consents(parent: Person, child: Person) -> list:
    """A parent's link confirmed: the child's memberships still waiting for a consent ask that parent."""
    if not child.is_minor():
        return []
    waiting = (BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
               .where((BaseMembership.person == child) & (BaseMembership.status == "awaiting_consent"))
               .order_by(BaseMembership.id))
    made = []
    for membership in waiting:
        made += ask_consent(child, membership.mentoring_format, membership.base, signers=[parent])
    return made


def ask_acknowledgement(memberships, programme: Programme | None = None) -> list:
    """programme.to_acknowledge for members (not left) who have not read their format's programme.
    The object is the membership: its base tells which home page holds the «Ознакомлен(а)» button."""
    memberships = [m for m in memberships if m.status != "left"]
    if not memberships:
        return []
    made = []
    by_format: dict[int, list[BaseMembership]] = {}
    for m in memberships:
        by_format.setdefault(m.mentoring_format_id, []).append(m)
    for format_id, members in by_format.items():
        current = programme if programme is not None and programme.mentoring_format_id == format_id \
            else Programme.current(format_id)
        if current is None:
            continue
        read = {pid for (pid,) in Acknowledgement.select(Acknowledgement.person)
                .where((Acknowledgement.programme == current)
                       & Acknowledgement.person.in_([m.person_id for m in members])).tuples()}
        for m in members:
            if m.person_id in read:
                continue
            made += notifications.notify([m.person_id], "programme.to_acknowledge", obj=m,
                                         details=f"{quoted(current.title)} — вы в {BASE_PREPOSITIONAL[m.base]}")
    return made


def ask_format_acknowledgement(programme: Programme) -> list:
    """A programme approved: everyone in the format's bases reads it."""
    return ask_acknowledgement(BaseMembership.select().where(
        (BaseMembership.mentoring_format == programme.mentoring_format_id) & (BaseMembership.status != "left")),
        programme)
