"""The mentor's final report as a PDF (s5), read back by its text with every engine this machine has:
the pair, the agreed plan, the four sections and the meeting log attached as a table."""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.models import PlanTask
from portal.services import cycle
from portal.services.cycle import MeetingData, PlanData

TODAY = date.today()
MEETINGS = [
    ("first", 40, "Знакомство и ожидания от наставничества"),
    ("trial", 35, "Пробный разбор урока литературы"),
    ("planning", 30, "Составили план на полугодие"),
    ("regular", 20, "Подготовка открытого урока"),
    ("regular", 10, "Разбор открытого урока"),
    ("final", 2, "Подведение итогов года"),
]
REPORT = {"work_done": "Проведено шесть встреч, открытый урок подготовлен и проведён.",
          "results": "Обе задачи плана выполнены, число встреч соответствует плану.",
          "conclusions": "Молодой педагог уверенно ведёт уроки и готов к аттестации.",
          "proposals": "Включить опыт пары в методическую копилку школы."}


def squeezed(value: str) -> str:
    """Whitespace dropped: engines break table cells into lines, and wkhtmltopdf puts tabs between words."""
    return "".join(value.split())


def pdf_text(data: bytes) -> str:
    return squeezed(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def finished(pair):
    """A pair through its whole cycle: an agreed plan with one task done, six meetings, one disputed."""
    mentor, mentee, mid = pair["mentor"].person, pair["mentee"].person, pair["mentorship"].id
    logged = []
    for stage, days, topic in MEETINGS[:3]:
        logged.append(cycle.log_meeting(mentor, mid, MeetingData(stage, TODAY - timedelta(days=days), topic=topic)))
    plan = cycle.propose_plan(mentor, mid, PlanData(
        goals="Освоить методику проблемного обучения", planned_meetings=6,
        tasks=[("Провести открытый урок", TODAY - timedelta(days=10)), ("Выступить на методобъединении", None)]))
    cycle.confirm_plan(mentee, plan.id)
    cycle.mark_task_done(mentee, plan.tasks.order_by(PlanTask.id).first().id)
    for stage, days, topic in MEETINGS[3:]:
        logged.append(cycle.log_meeting(mentor, mid, MeetingData(stage, TODAY - timedelta(days=days), topic=topic)))
    for meeting in logged[:-2]:
        cycle.confirm_meeting(mentee, meeting.id, "confirmed")
    cycle.confirm_meeting(mentee, logged[-2].id, "disputed", "Встреча была короче")
    return pair


@pytest.mark.clause("s5")
def test_the_report_pdf_holds_the_plan_the_sections_and_the_meeting_log(client, login, finished, engine):
    login(finished["mentor"].login)
    url = f"/mentor/pairs/{finished['mentorship'].id}/report"
    client.get(url)
    assert client.post(url, REPORT).status_code == 303

    response = client.get(f"{url}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="otchet-{finished["mentorship"].id}.pdf"'
    printed = pdf_text(response.data)
    expected = [
        "Муниципальное общеобразовательное учреждение СОШ № 62",
        "Отчёт наставника о работе по программе наставничества",
        "«Учитель – учитель»", "Программа",
        finished["mentor"].person.full_name, finished["mentee"].person.full_name,
        "Освоить методику проблемного обучения", "Провести открытый урок", "Выступить на методобъединении",
        "не выполнена", "Приложение. Журнал встреч", "оспорена: Встреча была короче",
        *REPORT.values(),
    ]
    expected += [topic for _, _, topic in MEETINGS]
    expected += [cycle.STAGE_TITLES[stage] for stage, _, _ in MEETINGS]
    expected += [(TODAY - timedelta(days=days)).strftime("%d.%m.%Y") for _, days, _ in MEETINGS]
    for piece in expected:
        assert squeezed(piece) in printed, piece
    assert printed.count(squeezed("регулярная встреча")) == 2
    assert printed.count(squeezed("подтверждена (")) == 4  # four confirmed, one disputed, the final not yet
