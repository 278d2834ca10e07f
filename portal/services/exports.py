"""Exports for the school's own use and the anonymous report for the municipality (6.1, 3.2, s10).

The full export (names, categories) is for the school's own coordinator only (DECISIONS «Exports»);
the municipality gets counts, and a category count below three is shown as «<3» so nobody can be
recognised in it. Every download is an act on personal data, so it leaves an audit record.
Each table costs a fixed number of queries, whatever the size of the school.
"""
import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timezone

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from peewee import JOIN, fn

from portal.db import atomic_write
from portal.formatting import SCHOOL_TZ
from portal.models import (
    Answer, BaseMembership, Meeting, MeetingConfirmation, MembershipCategory, MentoringFormat, Mentorship,
    MentorshipMember, MonitoringRound, Order, OrderItem, Person, Question, Questionnaire, Response, School,
    SchoolClass,
)
from portal.models.bases import BASES, CATEGORY_TITLES, MEMBER_STATUSES
from portal.models.cycle import MEETING_FORMATS, MEETING_STATUSES, STAGES, VERDICTS
from portal.models.mentorship import MENTORSHIP_STATES
from portal.models.monitoring import QUESTIONNAIRE_KINDS, ROUND_KINDS
from portal.services import NotAllowed, audit, dashboard, monitoring, results, training, years
from portal.services import consent as consents
from portal.services.staff import StaffScope

TABLE_TITLES = {
    "bases": "Базы наставников и наставляемых",
    "pairs": "Наставнические пары и группы",
    "meetings": "Встречи",
    "monitoring": "Ответы на анкеты мониторинга",
    "training": "Обучение наставников",
}
FILE_FORMATS = ("xlsx", "csv")
MUNICIPAL_TITLE = "Отчёт для муниципалитета"
SMALL_COUNT = 3  # a category count below this is shown as «<3»
CURRENT_MEMBER = ("awaiting_consent", "active")
IN_BASE_TITLES = {"mentor": "В базе наставников", "mentee": "В базе наставляемых"}

BASE_TITLES = dict(BASES)
MEMBER_STATUS_TITLES = dict(MEMBER_STATUSES)
PAIR_STATUS_TITLES = dict(MENTORSHIP_STATES)
STAGE_TITLES = dict(STAGES)
MEETING_FORMAT_TITLES = dict(MEETING_FORMATS)
MEETING_STATUS_TITLES = dict(MEETING_STATUSES)
VERDICT_TITLES = dict(VERDICTS)
QUESTIONNAIRE_TITLES = dict(QUESTIONNAIRE_KINDS)
ROUND_TITLES = dict(ROUND_KINDS)


def _require_coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Выгрузки доступны только координатору.")


def _yes(flag: bool) -> str:
    return "да" if flag else "нет"


def _pair_labels(mentorship_ids) -> dict[int, str]:
    """«Иванов И. И. — Петрова А. С., Сидоров П. П.» for each pair, in two queries."""
    ids = list(mentorship_ids)
    if not ids:
        return {}
    mentees = defaultdict(list)
    for member in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                   .where(MentorshipMember.mentorship.in_(ids))
                   .order_by(Person.surname, Person.first_name, MentorshipMember.id)):
        mentees[member.mentorship_id].append(member.mentee.short_name)
    return {m.id: f"{m.mentor.short_name} — {', '.join(mentees[m.id]) or 'нет наставляемых'}"
            for m in Mentorship.select(Mentorship, Person).join(Person).where(Mentorship.id.in_(ids))}


# --- the school's own tables ----------------------------------------------------------------------

def _bases(scope):
    headers = ["Форма наставничества", "База", "ФИО", "Класс", "Статус", "Согласие действует", "Категории",
               "Может помочь", "Нуждается в помощи"]
    rows_ = list(BaseMembership.select(BaseMembership, MentoringFormat, Person, SchoolClass)
                 .join(MentoringFormat).switch(BaseMembership).join(Person).join(SchoolClass, JOIN.LEFT_OUTER)
                 .where(MentoringFormat.school == scope.school_id)
                 .order_by(MentoringFormat.id, BaseMembership.base, Person.surname, Person.first_name, BaseMembership.id))
    gate = consents.participation_gate((m.person, m.base) for m in rows_)
    categories = defaultdict(list)
    for category in (MembershipCategory.select().join(BaseMembership).join(MentoringFormat)
                     .where(MentoringFormat.school == scope.school_id).order_by(MembershipCategory.id)):
        categories[category.membership_id].append(category.title)
    rows = [[m.mentoring_format.name, BASE_TITLES[m.base], m.person.full_name,
             m.person.school_class.name if m.person.school_class else "", MEMBER_STATUS_TITLES[m.status],
             _yes(gate[(m.person.id, m.base)]), "; ".join(categories[m.id]), m.can_help_with, m.needs]
            for m in rows_]
    return headers, rows


def _pairs(scope):
    headers = ["Форма наставничества", "Наставник", "Наставляемые", "Статус", "Номер приказа", "Дата приказа",
               "Учебный год"]
    pairs = list(Mentorship.select(Mentorship, MentoringFormat, Person)
                 .join(MentoringFormat).switch(Mentorship).join(Person)
                 .where(MentoringFormat.school == scope.school_id).order_by(MentoringFormat.id, Mentorship.id))
    mentees = defaultdict(list)
    for member in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                   .switch(MentorshipMember).join(Mentorship).join(MentoringFormat)
                   .where(MentoringFormat.school == scope.school_id)
                   .order_by(Person.surname, Person.first_name, MentorshipMember.id)):
        mentees[member.mentorship_id].append(member.mentee.full_name)
    orders = {}
    for item in (OrderItem.select(OrderItem, Order).join(Order)
                 .where((Order.school == scope.school_id) & (Order.status == "registered"))
                 .order_by(Order.dated_on, Order.id)):
        orders[item.mentorship_id] = item.order  # the latest registered order naming the pair
    school_years = years.of_pairs(m.id for m in pairs)  # the year of each pair's programme (services.years)
    rows = []
    for m in pairs:
        order = orders.get(m.id)
        rows.append([m.mentoring_format.name, m.mentor.full_name, "; ".join(mentees[m.id]),
                     PAIR_STATUS_TITLES[m.status], order.number if order else "", order.dated_on if order else None,
                     years.short_label(school_years.get(m.id))])
    return headers, rows


def _meetings(scope):
    headers = ["Форма наставничества", "Пара", "Этап", "Дата", "Длительность, мин", "Формат встречи", "Тема",
               "Состояние", "Подтверждение"]
    meetings = list(Meeting.select(Meeting, Mentorship, MentoringFormat)
                    .join(Mentorship).join(MentoringFormat)
                    .where((MentoringFormat.school == scope.school_id) & Meeting.is_current())
                    .order_by(MentoringFormat.id, Meeting.mentorship, Meeting.held_on, Meeting.id))
    labels = _pair_labels({m.mentorship_id for m in meetings})
    verdicts = defaultdict(list)
    for c in (MeetingConfirmation.select(MeetingConfirmation.meeting, MeetingConfirmation.verdict)
              .join(Meeting).join(Mentorship).join(MentoringFormat)
              .where(MentoringFormat.school == scope.school_id).order_by(MeetingConfirmation.id)):
        verdicts[c.meeting_id].append(VERDICT_TITLES[c.verdict])
    rows = [[m.mentorship.mentoring_format.name, labels[m.mentorship_id], STAGE_TITLES[m.stage], m.held_on,
             m.duration_minutes, MEETING_FORMAT_TITLES[m.format], m.topic, MEETING_STATUS_TITLES[m.status],
             ", ".join(verdicts[m.id]) or "не подтверждена"]
            for m in meetings]
    return headers, rows


def _answer_text(answer) -> str:
    """A code no scale knows (data older than the scales) is shown as stored rather than dropped."""
    if answer.question.answer_type == "text":
        return answer.text
    return results.STEP_TITLES.get(answer.scale_value, answer.scale_value)


def _monitoring(scope):
    """Scale answers are stored as codes; the file shows the step's Russian words, as every screen does (6.5).
    A round is named by its kind and opening date, as on the questionnaire lists: two intermediate rounds of a
    year must not read alike."""
    headers = ["Анкета", "Версия", "Респондент", "Пара", "Раунд", "Дата ответа", "№", "Вопрос", "Ответ"]
    answers = list(Answer.select(Answer, Response, Questionnaire, Person, Question, MonitoringRound)
                   .join(Response).join(Questionnaire).switch(Response).join(Person, on=Response.respondent)
                   .switch(Response).join(MonitoringRound, JOIN.LEFT_OUTER)
                   .switch(Answer).join(Question)
                   .where(Questionnaire.school == scope.school_id)
                   .order_by(Response.submitted_at, Response.id, Question.position))
    labels = _pair_labels({a.response.mentorship_id for a in answers if a.response.mentorship_id})
    rows = []
    for a in answers:
        r = a.response
        rnd = r.monitoring_round
        rows.append([QUESTIONNAIRE_TITLES[r.questionnaire.kind], r.questionnaire.version, r.respondent.full_name,
                     labels.get(r.mentorship_id, ""), monitoring.round_title(rnd) if rnd else "", r.submitted_at,
                     a.question.position, a.question.text, _answer_text(a)])
    return headers, rows


def _training(scope):
    """Each mentor's and curator's training (s10, 3.2): the «Школа наставников» and external courses."""
    headers = ["ФИО", "Вид обучения", "Программа или курс", "Кто проводил", "Часов", "Дата", "Итог"]
    history = training.history(scope.school_id)
    names = {p.id: p.full_name for p in Person.select().where(Person.id.in_({r.person_id for r in history}))} \
        if history else {}
    rows = [[names.get(r.person_id, ""), "«Школа наставников»" if r.kind == "school" else "внешний курс", r.title,
             r.provider, r.hours, r.when, r.result]
            for r in sorted(history, key=lambda r: (names.get(r.person_id, ""), r.when or date.max))]
    return headers, rows


TABLES = {"bases": _bases, "pairs": _pairs, "meetings": _meetings, "monitoring": _monitoring, "training": _training}


def table(scope: StaffScope, what: str) -> tuple[list[str], list[list]]:
    """Headers and rows of one of the school's own exports (names and categories included)."""
    _require_coordinator(scope)
    if what not in TABLES:
        raise NotAllowed("Нет такой выгрузки.")
    return TABLES[what](scope)


# --- the municipality's report: counts only ----------------------------------------------------------

def figures(scope: StaffScope, filters: dashboard.Filters | None = None, today: date | None = None) -> dict:
    """Per-format counts shared by the municipal report and the monitoring report PDF; no names anywhere.

    Every figure the coordinator's dashboard also shows — the bases, consent coverage, pairs by state,
    meetings held, the rounds with answers of expected, growth — is taken from dashboard.overview() for the
    same filters, so the report and the dashboard cannot disagree. Only what the dashboard does not show
    (questionnaires received, the categories) is counted here, under the same filters."""
    _require_coordinator(scope)
    filters = filters or dashboard.Filters()
    today = today or date.today()
    since = results.since_moment(filters.since(today))
    overview = dashboard.overview(scope, filters, today)
    formats = overview["formats"]
    ids = [f.id for f in formats]
    responses = Counter()
    query = (Response.select(Mentorship.mentoring_format, MonitoringRound.mentoring_format, fn.COUNT(Response.id))
             .join(Questionnaire).switch(Response).join(Mentorship, JOIN.LEFT_OUTER)
             .switch(Response).join(MonitoringRound, JOIN.LEFT_OUTER)
             .where(Questionnaire.school == scope.school_id)
             .group_by(Mentorship.mentoring_format, MonitoringRound.mentoring_format))
    if since:
        query = query.where(Response.submitted_at >= since)
    if filters.year is not None:
        query = query.where(results.of_year(filters.year))
    for pair_format, round_format, n in query.tuples():
        responses[pair_format or round_format] += n
    categories = Counter({(f, b, c): n for f, b, c, n in (
        MembershipCategory.select(BaseMembership.mentoring_format, BaseMembership.base, MembershipCategory.code,
                                  fn.COUNT(MembershipCategory.id))
        .join(BaseMembership)
        .where(BaseMembership.mentoring_format.in_(ids) & BaseMembership.status.in_(CURRENT_MEMBER))
        .group_by(BaseMembership.mentoring_format, BaseMembership.base, MembershipCategory.code).tuples())}) \
        if ids else Counter()
    rounds_of = defaultdict(list)
    for r in reversed(overview["lists"]["rounds"]):  # the dashboard lists the newest first, the report the oldest
        rounds_of[r["format_id"]].append({
            "kind": ROUND_TITLES[r["kind"]], "opened_at": r["date"], "closed_at": r["closed_at"],
            "answered": r["answered"], "expected": r["expected"],
            "percent": round(100 * r["answered"] / r["expected"]) if r["expected"] else None})
    result = []
    for f in formats:
        c = overview["by_format"][f.id]
        result.append({
            "format": f,
            "in_base": {base: c[f"{base}s_active"] + c[f"{base}s_awaiting"] for base in BASE_TITLES},
            "consent_percent": round(100 * c["consented"] / c["members"]) if c["members"] else None,
            "pairs": {status: c[f"pairs_{status}"] for status in PAIR_STATUS_TITLES},
            "meetings_held": c["held"],
            "meetings_planned": c["planned"],
            "responses": responses[f.id],
            "rounds": rounds_of[f.id],
            "growth": {word: c[word] for word in results.DIRECTIONS},
            "categories": [(base, CATEGORY_TITLES[code], n if n >= SMALL_COUNT else f"<{SMALL_COUNT}")
                           for (fid, base, code), n in sorted(categories.items()) if fid == f.id],
        })
    school = overview["school"]
    return {"school": School.get_by_id(scope.school_id), "formats": result, "made_on": today,
            "filters": filters, "period_title": dict(dashboard.PERIODS)[filters.period],
            "year_title": filters.year_title,
            "growth_total": {word: school[word] for word in results.DIRECTIONS},
            # The dashboard's own whole-selection counts, for a report that sums the school up (year_report).
            "school_counts": school}


def monitoring_report_figures(scope: StaffScope, filters: dashboard.Filters | None = None,
                              today: date | None = None) -> dict:
    """What the internal monitoring report lays out (portal.documents.monitoring_report): figures() with the
    results page's summaries of the questionnaires (6.3) for the same filters, and the titles it names."""
    filters = filters or dashboard.Filters()
    data = figures(scope, filters, today)
    ids = [f["format"].id for f in data["formats"]]
    return dict(data, summaries=results.summaries(ids, filters.since(today), filters.year), kinds=results.SUMMARY_KINDS,
                hidden_text=results.HIDDEN, min_about=results.MIN_ABOUT, base_titles=IN_BASE_TITLES,
                pair_status_titles=PAIR_STATUS_TITLES, directions=results.DIRECTIONS)


def municipal(scope: StaffScope) -> tuple[list[str], list[list]]:
    """The municipal report as a long table (form, indicator, value) so one shape fits XLSX and CSV."""
    data = figures(scope)
    rows = []
    for f in data["formats"]:
        name = f["format"].name
        rows += [[name, IN_BASE_TITLES[base], n] for base, n in f["in_base"].items()]
        rows.append([name, "Охват согласиями, %", "" if f["consent_percent"] is None else f["consent_percent"]])
        rows += [[name, f"Пар и групп: {PAIR_STATUS_TITLES[s]}", n] for s, n in f["pairs"].items()]
        rows.append([name, "Проведено встреч", f["meetings_held"]])
        rows.append([name, "Получено анкет мониторинга", f["responses"]])
        rows += [[name, f"Категория ({BASE_TITLES[base]}): {title}", n] for base, title, n in f["categories"]]
    return ["Форма наставничества", "Показатель", "Значение"], rows


# --- files -----------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # stored as naive UTC, read in the school's time
        return value.replace(tzinfo=timezone.utc).astimezone(SCHOOL_TZ).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _defused(text: str) -> str:
    """A cell starting with = + - @ is a formula to Excel; free text typed by a user must stay text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(headers, rows) -> bytes:
    """UTF-8 with a BOM and «;» between fields: what Excel with Russian settings opens as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([value if isinstance(value, (int, float)) else _defused(_cell_text(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(headers, rows, sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        sheet.append([_cell_text(v) if isinstance(v, datetime) else v for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(_cell_text(value)))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text typed by a user is never run as a formula
            elif isinstance(cell.value, (date, datetime)):
                cell.number_format = "DD.MM.YYYY"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def file_of(headers, rows, file_format: str, sheet_title: str) -> bytes:
    return to_xlsx(headers, rows, sheet_title) if file_format == "xlsx" else to_csv(headers, rows)


def record_download(scope: StaffScope, what: str, file_format: str, ip: str = "") -> None:
    """Exporting personal data is an act on them: who took which export is kept in the audit trail."""
    _require_coordinator(scope)
    with atomic_write():
        audit.record("export.downloaded", actor=scope.person, school=scope.school_id, ip=ip,
                     what=what, file_format=file_format)
