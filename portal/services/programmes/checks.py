"""The small checks every part of formats and programmes shares: who may, text, dates, the 12-month limit."""
import re
from datetime import date, timedelta

from portal.models import Programme
from portal.models.people import PERSON_KINDS
from portal.services import NotAllowed, ServiceError
from portal.services.staff import StaffScope


KIND_TITLES = dict(PERSON_KINDS)
KIND_PLURALS = {"student": "обучающиеся", "staff": "сотрудники школы", "parent": "родители",
                "external": "внешние участники"}
# 4.8 names mentors of every kind; 4.6–4.7 name only students and teachers as mentees.
MENTOR_KINDS = tuple(PERSON_KINDS)
MENTEE_KINDS = tuple((code, title) for code, title in PERSON_KINDS if code in ("student", "staff"))
# 2.7: a curator is a member of staff or a person from a partner organisation.
CURATOR_KINDS = ("staff", "external")
# Pairs whose meetings must stay inside the programme's period.
RUNNING_PAIRS = ("active", "suspended")
ONGOING_PAIRS = ("proposed", "chosen", "confirmed", "in_order", "active", "suspended")

MAX_NAME = 100
MAX_DESCRIPTION = 2000
MAX_TITLE = 200
MAX_PROGRAMME_TEXT = 5000
MAX_ORDER_NUMBER = 50
PROGRAMME_TEXTS = (("title", MAX_TITLE, True), ("goals", MAX_PROGRAMME_TEXT, False),
                   ("expected_results", MAX_PROGRAMME_TEXT, False))
# Where the programme was presented (5.2), in the prepositional case for «представлена на …».
PRESENTATIONS = (
    ("presented_student_conference_on", "ученической конференции"),
    ("presented_teachers_council_on", "педагогическом совете"),
    ("presented_parents_council_on", "родительском совете"),
)
PROGRAMME_FIELDS = tuple(name for name, _, _ in PROGRAMME_TEXTS) + ("starts_on", "ends_on") + tuple(
    name for name, _ in PRESENTATIONS)

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\t]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


# --- small checks ------------------------------------------------------------------------------------

def _coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Формы наставничества ведёт координатор.")


def _text(value, field: str, limit: int, *, required: bool = False, one_line: bool = False) -> str:
    value = (value if isinstance(value, str) else "").strip()
    if CONTROL_CHARS.search(value) or (one_line and LINE_BREAKS.search(value)):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if required and not value:
        raise ServiceError("Заполните это поле.", field=field)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field)
    return value


def parse_date(value, field: str, *, required: bool) -> date | None:
    """A date typed as the browser's date field sends it (ГГГГ-ММ-ДД) or by hand (ДД.ММ.ГГГГ)."""
    if isinstance(value, date):
        return value
    text = (value if isinstance(value, str) else "").strip()
    if not text:
        if required:
            raise ServiceError("Укажите дату.", field=field)
        return None
    if match := ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := RU_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ServiceError("Дата — в виде ДД.ММ.ГГГГ, например 01.09.2026.", field=field)
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise ServiceError(f"Такой даты нет: {text[:20]}.", field=field) from None
    if not EARLIEST <= parsed <= LATEST:
        raise ServiceError("Проверьте год.", field=field)
    return parsed


def last_day(starts_on: date) -> date:
    """5.4: a programme runs at most 12 months, so it ends by the day before its start's anniversary."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + 1)
    except ValueError:  # 29 February
        anniversary = date(starts_on.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def _newest_programmes(format_ids) -> dict[int, Programme]:
    """Each format's current programme in one query, the same one pairing.programme_of picks."""
    return Programme.current_of(format_ids)
