"""The final report (s5, last duty): written after the final meeting, frozen as a document when written."""
from portal.db import atomic_write
from portal.documents.report import report_html
from portal.models import FinalReport, Mentorship, Person, PlanTask
from portal.services import ServiceError, audit, issued
from portal.services.cycle.access import mentees_of, mentorship_of_mentor
from portal.services.cycle.meetings import current_meetings, FORMAT_TITLES, STAGE_TITLES, verdicts_of
from portal.services.cycle.plan import agreed_plan, current_plan, is_agreed


def report_of(mentor: Person, mentorship_id: int) -> tuple[Mentorship, FinalReport | None]:
    mentorship = mentorship_of_mentor(mentor, mentorship_id)
    return mentorship, FinalReport.get_or_none(FinalReport.mentorship == mentorship.id)


def report_document(mentor: Person, mentorship_id: int) -> dict:
    """What the printed report holds: the pair, the agreed plan, the four sections, the meeting log."""
    mentorship, report = report_of(mentor, mentorship_id)
    if report is None:
        raise ServiceError("Отчёт ещё не написан.")
    plan = agreed_plan(mentorship.id) or current_plan(mentorship.id)
    held = [m for m in current_meetings([mentorship.id]) if m.status == "held"]
    return {"school": mentorship.mentoring_format.school, "mentorship": mentorship,
            "mentees": mentees_of(mentorship.id), "plan": plan, "agreed": is_agreed(plan),
            "tasks": list(plan.tasks.order_by(PlanTask.id)) if plan else [],
            "report": report, "held": held, "verdicts": verdicts_of(m.id for m in held)}


def write_report(mentor: Person, mentorship_id: int, *, work_done: str, results: str, conclusions: str,
                 proposals: str, ip: str = "") -> FinalReport:
    mentorship = mentorship_of_mentor(mentor, mentorship_id)
    if mentorship.status != "completed":
        raise ServiceError("Отчёт пишут после заключительной встречи.")
    fields = {"work_done": work_done.strip()[:10000], "results": results.strip()[:10000],
              "conclusions": conclusions.strip()[:10000], "proposals": proposals.strip()[:10000]}
    for name, message in (("work_done", "Опишите проделанную работу."),
                          ("conclusions", "Сформулируйте выводы.")):
        if not fields[name]:
            raise ServiceError(message, field=name)
    with atomic_write():
        existing = FinalReport.get_or_none(FinalReport.mentorship == mentorship)
        if existing is not None:
            raise ServiceError("Отчёт по этой паре уже составлен.")
        report = FinalReport.create(mentorship=mentorship, written_by=mentor, **fields)
        audit.record("report.written", actor=mentor, obj=mentorship, ip=ip)
        _issue_report(mentor, mentorship.id, ip=ip)
    return report


def _issue_report(mentor: Person, mentorship_id: int, ip: str = "", late: bool = False):
    """The report as written, with the plan and the meeting log of that day, frozen in the writing's
    transaction (DECISIONS.md «What a signed document is»)."""
    data = dict(report_document(mentor, mentorship_id), stage_titles=STAGE_TITLES, format_titles=FORMAT_TITLES)
    report = data["report"]
    return issued.issue(school_id=data["school"].id, kind="report", title=issued.KIND_TITLES["report"].capitalize(),
                        issued_at=report.written_at, actor=None if late else mentor, ip=ip, frozen_late=late,
                        report=report.id, render=lambda verification: report_html(dict(data, verification=verification)))


def freeze_late(report: FinalReport):
    """A report written before documents were frozen: frozen from what it renders today, marked so."""
    mentor = Person.get_by_id(Mentorship.get_by_id(report.mentorship_id).mentor_id)
    return _issue_report(mentor, report.mentorship_id, late=True)


def frozen_document(report: FinalReport):
    """The report's issued document; a report written before documents were frozen is frozen now, marked late."""
    document = issued.of(report=report.id)
    if document is None:
        with atomic_write():
            document = issued.of(report=report.id) or freeze_late(report)
    return document


def report_pdf(mentor: Person, mentorship_id: int) -> bytes:
    """The PDF of the report as frozen when it was written: the same bytes at every download."""
    _, report = report_of(mentor, mentorship_id)
    if report is None:
        raise ServiceError("Отчёт ещё не написан.")
    return issued.pdf_bytes(frozen_document(report))
