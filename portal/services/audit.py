"""Audit records are written by the service that changes state, inside its transaction."""
import json


from portal.models import AuditEvent
from portal.models.base import ConstantSql

# What the history pages say for each action, in Russian; an action missing here shows its code.
ACTION_TITLES = {
    "person.created": "внесён(а) в список школы",
    "person.exported": "выгружены все данные о человеке",
    "account.created": "создана учётная запись",
    "role.granted": "выдана роль",
    "invitation.issued": "выдано приглашение",
    "invitation.redeemed": "приглашение использовано, пароль задан",
    "password.changed": "пароль изменён",
    "sessions.ended": "выход со всех устройств",
    "login.ok": "вход в портал",
    "login.failed": "неудачная попытка входа",
    "login.throttled": "вход отклонён: слишком много неудачных попыток",
    "invitation.failed": "введён неверный код приглашения",
    "invitation.throttled": "ввод кода приглашения отклонён: слишком много неудачных попыток",
    "regulation.acknowledged": "ознакомлен(а) с положением",
    "totp.enabled": "включён второй фактор входа (код из приложения)",
    "totp.disabled": "второй фактор входа отключён",
    "totp.failed": "неверный или повторно использованный код второго фактора",
    "totp.recovery_used": "вход по резервному коду второго фактора",
    "totp.recovery_renewed": "выданы новые резервные коды второго фактора",
    "totp.required_changed": "изменено требование второго фактора для координатора и кураторов",
    "base.nominated": "включён(а) в базу",
    "base.member_activated": "участие в базе начато по согласию",
    "base.member_left": "выбыл(а) из баз",
    "base.member_updated": "изменены данные в базе",
    "base.member_removed": "исключён(а) из базы",
    "roster.imported": "внесён(а) в список школы импортом",
    "consent.signed": "подписано согласие",
    "consent.withdrawn": "согласие отозвано",
    "esign_agreement.accepted": "принято соглашение о простой электронной подписи",
    "personal_data.destroyed": "персональные данные уничтожены",
    "guardianship.linked": "связь родителя и ребёнка подтверждена",
    "guardianship.removed": "связь родителя и ребёнка снята",
    "guardianship.requested": "куратор внёс связь родителя и ребёнка — ожидает подтверждения координатора",
    "guardianship.confirmed": "координатор подтвердил(а) связь родителя и ребёнка, сверив документ",
    "guardianship.rejected": "координатор не подтвердил(а) связь родителя и ребёнка",
    "password.reset": "координатор сбросил(а) пароль и выдал(а) новое приглашение",
    "password.reset_shown": "при входе показано, кто и когда сбросил пароль",
    "mentorship.suspended": "пара приостановлена",
    "mentorship.cancelled": "пара отменена",
    "mentorship.resumed": "пара возобновлена",
    "proposal.created": "куратор предложил кандидата в наставники",
    "proposal.withdrawn": "предложение кандидата отозвано",
    "proposal.declined": "предложение кандидата отклонено",
    "mentorship.chosen": "наставляемый выбрал наставника",
    "mentorship.confirmed": "наставник подтвердил пару",
    "mentorship.declined": "наставник отказался",
    "mentorship.in_order": "пара включена в проект приказа",
    "mentorship.removed_from_order": "пара исключена из проекта приказа",
    "mentorship.activated": "приказ зарегистрирован — пара действует",
    "mentorship.merged": "пары наставника объединены в группу",
    "mentorship.merged_into": "пара объединена в группу",
    "mentorship.completed": "пара завершила программу",
    "mentorship.ended": "пара досрочно завершена",
    "mentorship.end_requested": "участник попросил завершить пару",
    "mentorship.member_left": "наставляемый вышел из группы",
    "programme.acknowledged": "ознакомлен(а) с программой",
    "programme.created": "программа формы утверждена",
    "programme.updated": "программа формы изменена",
    "curator.appointed": "назначен(а) куратором",
    "curator.proposed": "внесён(а) в проект приказа о назначении куратором",
    "curator.proposal_removed": "назначение куратором убрано из проекта приказа",
    "curator.removed": "снят(а) с должности куратора",
    "meeting.logged": "наставник записал встречу",
    "meeting.planned": "наставник запланировал встречу",
    "meeting.corrected": "запись о встрече исправлена",
    "meeting.confirmed": "наставляемый подтвердил встречу",
    "meeting.disputed": "наставляемый оспорил запись о встрече",
    "plan.proposed": "предложен план наставничества",
    "plan.confirmed": "план подтверждён",
    "report.written": "наставник составил итоговый отчёт",
    "document.issued": "выдан документ: текст зафиксирован, присвоен код проверки",
    "document.checked": "документ проверен по коду: сверен загруженный файл",
    "documents.frozen_late": "документы, выданные до введения кодов проверки, зафиксированы",
    "agreement.issued": "оформлен договор о сотрудничестве",
    "agreement.signed": "договор о сотрудничестве подписан: внесены номер, дата и скан",
    "export.downloaded": "выгружены данные",
    "monitoring.answered": "заполнена анкета мониторинга",
    "monitoring.round_opened": "начат этап мониторинга",
    "monitoring.round_closed": "этап мониторинга завершён",
    "monitoring.questionnaire_published": "опубликована новая версия анкеты",
    "roadmap.filled": "дорожная карта заполнена типовыми мероприятиями",
    "roadmap.event_added": "в дорожную карту добавлено мероприятие",
    "roadmap.event_changed": "мероприятие дорожной карты изменено",
    "roadmap.event_status": "изменено состояние мероприятия дорожной карты",
    "roadmap.event_deleted": "мероприятие дорожной карты удалено",
    "file.uploaded": "загружен файл",
    "file.downloaded": "скачан загруженный файл",
    "agreement.scan_downloaded": "скачан скан подписанного договора о сотрудничестве",
    "roadmap.evidence_downloaded": "скачан подтверждающий документ мероприятия дорожной карты",
    "improvement.submitted": "отправлено предложение администрации",
    "improvement.review": "предложение взято на рассмотрение",
    "improvement.accept": "предложение принято, автору дан ответ",
    "improvement.decline": "предложение отклонено, автору дан ответ",
    "improvement.publish": "предложение опубликовано для участников",
    "improvement.unpublish": "предложение снято с публикации",
    "improvement.agreement": "автор изменил согласие на публикацию предложения",
    "improvement.file_downloaded": "скачан файл предложения",
    "recognition.competition_created": "объявлен школьный конкурс",
    "recognition.nominated": "наставник выдвинут на школьный конкурс",
    "recognition.decided": "подведены итоги школьного конкурса, выданы грамоты и письма",
    "recognition.document_downloaded": "скачана грамота или благодарственное письмо",
    "recognition.batch_downloaded": "скачаны все грамоты и письма конкурса или мероприятия",
    "recognition.event_created": "добавлено мероприятие для наставников",
    "recognition.participant_added": "добавлен участник мероприятия",
    "recognition.contest_recorded": "внесено выдвижение наставника на внешний конкурс",
    "recognition.contest_outcome": "внесён итог внешнего конкурса",
    "public_profile.saved": "изменена страница «Наши наставники» о себе",
    "honour.added": "запись внесена на доску почёта",
    "honour.removed": "запись удалена с доски почёта",
    "bank.submitted": "материал добавлен в методическую копилку",
    "bank.publish": "материал копилки опубликован",
    "bank.decline": "материал копилки возвращён автору",
    "bank.agreement": "автор изменил согласие на публикацию материала",
    "bank.downloaded": "скачан материал копилки",
    "bank.downloaded_publicly": "материал копилки скачан с публичной страницы",
    "target_model.uploaded": "загружена новая редакция целевой модели наставничества",
    "target_model.downloaded": "скачана редакция целевой модели наставничества",
    "document.downloaded": "из реестра документов скачан выданный документ (PDF)",
}


# Asked by every page served from a kept copy (services/kept.py): its text written once, not per request.
_LAST_EVENT = ConstantSql(lambda database: f'SELECT MAX("id") FROM "{AuditEvent._meta.table_name}"')


def last_event_id() -> int:
    """The newest audit event: every state change writes one in its own transaction, so this number
    moves whenever the data do — a version stamp for figures worth keeping between requests."""
    return _LAST_EVENT.execute(()).fetchone()[0] or 0


def title_of(action: str) -> str:
    return ACTION_TITLES.get(action, action)


def record(action: str, *, actor=None, obj=None, school=None, ip: str = "", **details) -> AuditEvent:
    if school is None:
        school = getattr(obj, "school_id", None) or getattr(actor, "school_id", None)
    return AuditEvent.create(
        school=school,
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=json.dumps(details, ensure_ascii=False, default=str),
        ip=ip or "",
    )


def history(obj, limit: int = 100):
    return (AuditEvent.select()
            .where((AuditEvent.object_type == type(obj).__name__) & (AuditEvent.object_id == obj.id))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit))
