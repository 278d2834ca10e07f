"""What the portal asks of a person: the inbox item and, where the school has mail, its outbox row.

A service that changes state calls `notify` inside its own transaction (ARCHITECTURE.md, "Notifications"),
so an item exists exactly when the change does: a rolled-back change leaves no item asking for it.
Views never notify. The titles here are the mail's words too, so they name the task and nobody else:
a name or a date goes into `details`, which only the portal shows.
"""
from collections.abc import Iterable

from portal.models import BaseMembership, Mentorship, MonitoringRound, Notification, OutboxMail, Person
from portal.models.base import ConstantSql, utcnow
from portal.services import mail

# kind -> the task, as the inbox and the mail's subject line say it. The web layer (portal/web/notices.py)
# maps each kind to the page where the task is done.
TITLES = {
    "consent.to_sign": "Нужно подписать согласие на обработку персональных данных",
    "programme.to_acknowledge": "Ознакомьтесь с программой наставничества",
    "proposal.made": "Куратор предложил вам наставников — выберите наставника",
    "choice.to_confirm": "Вас выбрали наставником — подтвердите пару или откажитесь",
    "choice.declined": "Наставник не смог взять вас — выберите другого наставника",
    "order.registered": "Приказ зарегистрирован — ваша пара наставничества начала работу",
    "meeting.to_confirm": "Наставник записал встречу — подтвердите или оспорьте запись",
    "meeting.disputed": "Запись о встрече оспорена — проверьте её",
    "meeting.disputed_staff": "В паре вашей формы оспорена запись о встрече",
    "plan.to_agree": "Наставник предложил план наставничества — согласуйте его",
    "questionnaire.waiting": "Анкета мониторинга ждёт ваших ответов",
    "questionnaire.overdue": "Срок ответа на анкету мониторинга истёк — ответьте, пожалуйста",
    "pair.ended": "Пара наставничества досрочно завершена",
    "pair.cancelled": "Пара наставничества отменена",
    "pair.end_requested": "Участник пары просит завершить пару — рассмотрите просьбу",
    "pair.carried": "Пара наставничества продолжит работу в новом учебном году",
    "pair.left": "Состав группы наставничества изменился: наставляемый выбыл",
    "email.changed": "Адрес электронной почты для уведомлений изменён — если это не вы, сообщите в школу",
    "account.invited": "Вам выдано приглашение на портал «Наставник»",
    "password.reset": "Ваш пароль на портале «Наставник» сброшен",
    "base_proposal.made": "Классный руководитель предложил ученика в базу — рассмотрите предложение",
    "base_proposal.accepted": "Ваше предложение принято: ученик добавлен в базу",
    "base_proposal.declined": "Ваше предложение ученика в базу отклонено",
    "improvement.submitted": "Участник направил предложение по совершенствованию — рассмотрите его",
    "improvement.answered": "На ваше предложение по совершенствованию дан ответ",
    # Complaints about a pair's work (s6): the titles name no one — the mentor learns the complainant's role only.
    "complaint.filed": "Поступила жалоба на работу наставнической пары",
    "complaint.explained": "Наставник дал объяснение по жалобе — примите решение",
    "complaint.decided": "По жалобе на работу наставнической пары принято решение",
    "bank.submitted": "В методическую копилку добавлен материал — рассмотрите его",
    "bank.reviewed": "Координатор рассмотрел ваш материал для методической копилки",
    # Psychological support: the titles name no one and no subject — a mail subject line is read by many eyes.
    "support.requested": "Новая просьба о психологической поддержке — свяжитесь с обратившимся",
    "support.child_asked": "Ваш ребёнок попросил о психологической поддержке",
    "support.taken_up": "Психолог принял вашу просьбу о поддержке и свяжется с вами",
    "training.enrolled": "Вы записаны в группу «Школы наставников» — посмотрите расписание занятий",
    "training.certificate": "Вы завершили обучение в «Школе наставников» — сертификат готов",
}


class Mail:
    """Whether this installation mails notifications (SMTP set in the environment); create_app sets it."""
    enabled = False


def configure(mail_enabled: bool) -> None:
    Mail.enabled = bool(mail_enabled)


def _people(recipients) -> list[Person]:
    ids = []
    for r in recipients:
        pid = r if isinstance(r, int) else getattr(r, "id", None)
        if pid is not None and pid not in ids:
            ids.append(pid)
    if not ids:
        return []
    return list(Person.select(Person.id, Person.school, Person.email, Person.mail_off, Person.destroyed_at)
                .where(Person.id.in_(ids) & Person.destroyed_at.is_null()))


def notify(recipients: Iterable, kind: str, *, obj=None, details: str = "") -> list[Notification]:
    """An inbox item of `kind` about `obj` for each recipient (people or their ids), and an outbox row for
    those who get mail. A recipient who already has the same task unread about the same object is not
    asked twice. Call it inside the transaction of the change that asks."""
    if kind not in TITLES:
        raise ValueError(f"unknown notification kind: {kind}")
    people = _people(recipients)
    if not people:
        return []
    object_type = type(obj).__name__ if obj is not None else ""
    object_id = getattr(obj, "id", None)
    waiting = {pid for (pid,) in Notification.select(Notification.person)
               .where(Notification.person.in_([p.id for p in people]) & (Notification.kind == kind)
                      & (Notification.object_type == object_type) & (Notification.object_id == object_id
                                                                     if object_id is not None
                                                                     else Notification.object_id.is_null())
                      & Notification.read_at.is_null()).tuples()}
    made = []
    for person in people:
        if person.id in waiting:
            continue
        item = Notification.create(school=person.school_id, person=person.id, kind=kind, title=TITLES[kind],
                                   details=(details or "")[:300], object_type=object_type, object_id=object_id)
        if Mail.enabled and mail.mail_allowed(person):
            OutboxMail.create(school=person.school_id, person=person.id, notification=item.id)
        made.append(item)
    return made


# The header asks it on every page: its text is written once (models.base.ConstantSql), the same count as
# `Notification.unread_of(person_id).count()` on the (person, read_at) index.
_UNREAD = ConstantSql(lambda database: (
    f'SELECT COUNT(*) FROM "{Notification._meta.table_name}" '
    f'WHERE "{Notification.person.column_name}" = {database.param} '
    f'AND "{Notification.read_at.column_name}" IS NULL'))


def unread_count(person_id: int) -> int:
    return _UNREAD.execute((person_id,)).fetchone()[0]


def inbox(person_id: int, limit: int = 100) -> list[Notification]:
    """Newest first; the person's own items only."""
    return list(Notification.select().where(Notification.person == person_id)
                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))


def open_item(person_id: int, item_id: int) -> Notification | None:
    """The person's item, marked read (opening it is reading it). None for anyone else's: the view answers 404.

    Reading is the person's own view state, not a change to the programme, so no audit record."""
    item = Notification.get_or_none((Notification.id == item_id) & (Notification.person == person_id))
    if item is not None and item.read_at is None:
        item.read_at = utcnow()
        Notification.update(read_at=item.read_at).where(
            (Notification.id == item.id) & Notification.read_at.is_null()).execute()
    return item


def read_all(person_id: int) -> int:
    """«Отметить всё прочитанным»: how many items it marked."""
    return (Notification.update(read_at=utcnow())
            .where((Notification.person == person_id) & Notification.read_at.is_null()).execute())


def side_of(item: Notification) -> str:
    """«mentor» or «mentee»: the side from which the item's person does its task, for the kinds whose page
    differs by side (portal/web/notices.py). Read from the object: a membership's base, whether the person
    mentors the pair, whether they mentor a pair of the round's format. One query."""
    if item.object_type == "BaseMembership":
        base = (BaseMembership.select(BaseMembership.base)
                .where((BaseMembership.id == item.object_id) & (BaseMembership.person == item.person_id)).scalar())
        return "mentor" if base == "mentor" else "mentee"
    if item.object_type == "Mentorship":
        mentors = Mentorship.select().where((Mentorship.id == item.object_id)
                                            & (Mentorship.mentor == item.person_id)).exists()
        return "mentor" if mentors else "mentee"
    if item.object_type == "MonitoringRound":
        mentors = (Mentorship.select().join(MonitoringRound, on=(MonitoringRound.mentoring_format
                                                                 == Mentorship.mentoring_format))
                   .where((MonitoringRound.id == item.object_id) & (Mentorship.mentor == item.person_id)).exists())
        return "mentor" if mentors else "mentee"
    return "mentee"
