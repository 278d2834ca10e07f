"""The mentor's cycle forms: a meeting for the journal, the joint plan, the final report.

The stage list is filled per request from the cycle service's next legal steps; a stage posted anyway
from outside that list is left for the service to refuse in its own Russian words, beside «Этап».
Dates and minutes travel as text and are read here, so a bad value gets a message beside its field."""
from datetime import date

from flask import request
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from portal.services import ServiceError
from portal.services.cycle import FORMAT_TITLES, STAGE_TITLES, MeetingData, PlanData
from portal.services.programmes import parse_date
from portal.web.forms import Form, too_long

DATE = {"type": "date"}
TASK_ROWS = 5
MAX_TASK_ROWS = 50


def no_control_characters(form, field):
    """Line breaks are fine in a text; NUL and friends are not (PostgreSQL refuses NUL outright)."""
    if field.data and any((ord(ch) < 32 and ch not in "\r\n\t") or ord(ch) == 127 for ch in field.data):
        raise ValidationError("Поле содержит недопустимые символы.")


def text(limit: int):
    return [Length(max=limit, message=too_long(limit)), no_control_characters]


class CycleForm(Form):
    """Filled from the posted text parts only (as TextForm), and only when `posted`: a page re-rendered
    after one form's POST shows its other forms fresh."""

    def __init__(self, posted: bool = False, **kwargs):
        submitted = posted and request.method == "POST" and request.form
        super().__init__(formdata=request.form if submitted else None, **kwargs)


class MeetingForm(CycleForm):
    stage = SelectField("Этап", choices=[], validate_choice=False)
    held_on = StringField("Дата", render_kw=DATE)
    duration_minutes = StringField("Продолжительность, минут", default="45",
                                   render_kw={"inputmode": "numeric", "maxlength": 3})
    format = SelectField("Формат", choices=[SelectChoice(k, t) for k, t in FORMAT_TITLES.items()], default="in_person", validate_choice=False)
    topic = StringField("Тема", validators=text(300), render_kw={"maxlength": 300})
    notes = TextAreaField("Кратко о встрече", validators=text(5000), render_kw={"rows": 3})
    next_steps = TextAreaField("О чём договорились, следующие шаги", validators=text(5000), render_kw={"rows": 2})

    def offering(self, stages) -> "MeetingForm":
        """Only the stages the service says are legal now (5.3)."""
        self.stage.choices = [SelectChoice(s, STAGE_TITLES[s]) for s in stages]
        return self

    def meeting_data(self, planned: bool) -> MeetingData:
        """The service's input; a date or a number that cannot be read is refused beside its field."""
        minutes = (self.duration_minutes.data or "").strip()
        if not minutes.isdecimal() or len(minutes) > 4:
            raise ServiceError("Укажите продолжительность числом минут, например 45.", field="duration_minutes")
        return MeetingData(
            stage=(self.stage.data or "") if "stage" in self else "",
            held_on=parse_date(self.held_on.data, "held_on", required=True), duration_minutes=int(minutes),
            format=self.format.data or "", topic=self.topic.data or "",
            notes=(self.notes.data or "") if "notes" in self else "",
            next_steps=(self.next_steps.data or "") if "next_steps" in self else "", planned=planned)

    def fill(self, meeting) -> "MeetingForm":
        """A logged meeting as the correction form shows it."""
        self.held_on.data = meeting.held_on.isoformat()
        self.duration_minutes.data = str(meeting.duration_minutes)
        self.format.data, self.topic.data = meeting.format, meeting.topic
        self.notes.data, self.next_steps.data = meeting.notes, meeting.next_steps
        return self


def meeting_form(stages, planned: bool, posted: bool = False) -> MeetingForm:
    """The journal's form, or the small «запланировать» one (prefixed, so both fit on one page)."""
    form = MeetingForm(posted=posted, prefix="plan" if planned else "")
    if planned:
        del form.notes
        del form.next_steps
    elif not posted:
        form.held_on.data = date.today().isoformat()
    return form.offering(stages)


class TaskRow(Form):
    title = StringField("Задача", validators=text(300), render_kw={"maxlength": 300})
    due_on = StringField("Срок", render_kw=DATE)


class PlanForm(CycleForm):
    goals = TextAreaField("Цели наставничества", validators=text(5000), render_kw={"rows": 4})
    planned_meetings = StringField("Сколько встреч проведём (п. 5.5 Положения)",
                                   render_kw={"inputmode": "numeric", "maxlength": 3})
    tasks = FieldList(FormField(TaskRow), min_entries=TASK_ROWS, max_entries=MAX_TASK_ROWS)

    def plan_data(self) -> PlanData | None:
        """The service's input, or None with the messages beside the task rows that cannot be read."""
        tasks = []
        for row in self.tasks:
            title, due = (row.title.data or "").strip(), (row.due_on.data or "").strip()
            try:
                due_on = parse_date(due, "due_on", required=False)
            except ServiceError as exc:
                row.due_on.errors = list(row.due_on.errors) + [exc.message]
                continue
            if due_on and not title:
                row.title.errors = list(row.title.errors) + ["Напишите, что сделать к этому сроку."]
            elif title:
                tasks.append((title, due_on))
        if any(row.title.errors or row.due_on.errors for row in self.tasks):
            return None
        number = (self.planned_meetings.data or "").strip()
        if number and not number.isdecimal():
            self.planned_meetings.errors = list(self.planned_meetings.errors) + ["Укажите число встреч цифрами."]
            return None
        return PlanData(goals=self.goals.data or "", planned_meetings=int(number[:4]) if number else None,
                        tasks=tasks)

    def fill(self, plan, tasks) -> "PlanForm":
        """The current plan as the starting point of a changed version, with two empty task rows to add."""
        self.goals.data, self.planned_meetings.data = plan.goals, str(plan.planned_meetings)
        rows = [{"title": t.title, "due_on": t.due_on.isoformat() if t.due_on else ""} for t in tasks]
        rows += [{}] * max(2, TASK_ROWS - len(rows))
        while len(self.tasks):
            self.tasks.pop_entry()
        for row in rows[:MAX_TASK_ROWS]:
            self.tasks.append_entry(row)
        return self


class ReportForm(CycleForm):
    work_done = TextAreaField("Проделанная работа", validators=text(10000), render_kw={"rows": 6})
    results = TextAreaField("Результаты в сравнении с планом", validators=text(10000), render_kw={"rows": 6})
    conclusions = TextAreaField("Выводы", validators=text(10000), render_kw={"rows": 5})
    proposals = TextAreaField("Предложения", validators=text(10000), render_kw={"rows": 4})

    def values(self) -> dict:
        return {name: self[name].data or "" for name in ("work_done", "results", "conclusions", "proposals")}
