"""The parent as representative of a minor mentee (s8: «защищать свои интересы самостоятельно и (или) через
представителя»; issue 16, part 4): the one place that says what a parent may do for their child.

What a mentee does in the portal, and whether a parent with a confirmed Guardianship of that minor may do it:

  confirm_meeting  confirm or dispute a held meeting (cycle.confirm_meeting)            — yes
  propose          write a proposal to the administration (voice.submit)                — yes
  complain         complain about the pair's work (the complaints service)             — yes
  ask_support      ask the school psychologist for support (support.ask)               — yes
  ask_end          ask the curator to end the pair (ending.request_end)                — yes
  nominate         nominate the pair's mentor for a competition (recognition.nominate) — yes
  choose           choose a mentor among the proposed ones (pairing.choose)            — only under 14

and what stays the mentee's own:

  the joint plan (s5 «разработать совместно»: the mentor and the mentee agree it between them),
  the questionnaires (6.3: the mentee's own view of themself and of the pair — an answer by someone else
  measures nothing), and «ознакомлен(а) с программой» (4.12: the participant reads it).

The choice: s8 gives the mentee the right «выбирать самому наставника из предложенных кандидатур». From 14 a
child acts in such matters themself with the parent's knowledge (ГК РФ ст. 26), so the parent sees the choice
(REQUIREMENTS: «A minor's choice is visible to the parent») but does not make it; under 14 (ГК РФ ст. 28) the
parent may choose for the child, the child may still choose themself, whichever comes first. A child of
unknown age is treated as 14 or older: nobody chooses over their head on a guess.

A child who has turned 18 acts for themself from that day (DECISIONS.md: minority is computed on the day), so
a parent's link gives nothing here any more. Who acted is kept where the action is recorded: the audit event's
actor everywhere, and the rows themselves (a meeting confirmation's person, a proposal's author and
on_behalf_of, a support request's asked_by, the audit of a choice); `acted_for` words it on the pages.
"""
from datetime import date

from portal.models import Guardianship, Person
from portal.services import NotAllowed, ServiceError

CHOICE_AGE = 14  # from this age the child chooses the mentor themself (ГК РФ ст. 26, 28)

ACTIONS = {
    "confirm_meeting": "подтвердить или оспорить встречу",
    "propose": "написать предложение",
    "complain": "подать жалобу",
    "ask_support": "попросить о психологической поддержке",
    "ask_end": "попросить завершить пару",
    "nominate": "выдвинуть наставника на конкурс",
    "choose": "выбрать наставника",
}
OWN_ONLY = {
    "agree_plan": "согласовать план наставничества",
    "answer_questionnaire": "ответить на анкету",
    "acknowledge_programme": "ознакомиться с программой",
}


def refusal(child: Person, action: str, day: date | None = None) -> str | None:
    """Why a parent may not do `action` for this (linked) child today, in Russian; None when they may."""
    day = day or date.today()
    if action not in ACTIONS:
        return "Это ребёнок делает сам."
    if child.destroyed_at is not None:
        return "Данные ребёнка уничтожены: действовать за него в портале больше нельзя."
    if child.birth_date is None:
        return ("В карточке ребёнка не указана дата рождения, поэтому портал не может проверить, что он "
                "несовершеннолетний. Попросите куратора или координатора указать её.")
    if not child.is_minor(day):
        return "Ребёнку уже исполнилось 18 лет: теперь он действует в портале от своего имени."
    if action == "choose":
        age = child.age_on(day)
        if age is None or age >= CHOICE_AGE:
            return (f"С {CHOICE_AGE} лет наставника выбирает сам ребёнок (раздел 8 Положения); "
                    "вы видите его выбор.")
    return None


def acts_for(child: Person, action: str, day: date | None = None) -> bool:
    """For a child already known to be linked to the parent (a page listing the parent's children)."""
    return refusal(child, action, day) is None


def _linked(parent: Person, child_id: int) -> Person | None:
    return (Person.select().join(Guardianship, on=(Guardianship.child == Person.id))
            .where((Person.id == child_id) & (Guardianship.parent == parent.id)
                   & Guardianship.confirmed_at.is_null(False)).first())


def may_act_for(parent: Person, child: Person, action: str, day: date | None = None) -> bool:
    """The rule: a confirmed link to the child, the child a minor today, and the action one a parent may take
    for them (the choice only under 14)."""
    return _linked(parent, child.id) is not None and acts_for(child, action, day)


def require(parent: Person, child_id: int, action: str, day: date | None = None) -> Person:
    """The linked child the parent acts for; someone else's child is «not found», a refused action a message."""
    child = _linked(parent, child_id)
    if child is None:
        raise NotAllowed("Нет такого ребёнка.")
    reason = refusal(child, action, day)
    if reason is not None:
        raise ServiceError(reason)
    return child


def represented_by(parent_ids, child_ids) -> dict[int, Person]:
    """parent id → the one of `child_ids` they are the confirmed parent of (to name whom a parent acted for):
    one query, however many."""
    parent_ids, child_ids = list(set(parent_ids)), list(set(child_ids))
    if not parent_ids or not child_ids:
        return {}
    return {link.parent_id: link.child for link in
            Guardianship.select(Guardianship, Person).join(Person, on=(Guardianship.child == Person.id))
            .where(Guardianship.parent.in_(parent_ids) & Guardianship.child.in_(child_ids)
                   & Guardianship.confirmed_at.is_null(False)).order_by(Guardianship.id)}


__all__ = ["ACTIONS", "OWN_ONLY", "CHOICE_AGE", "refusal", "acts_for", "may_act_for", "require", "represented_by"]
