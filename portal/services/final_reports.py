"""Results reach the administration (s5, DECISIONS «The school year»): the format's curator and the
coordinator read every mentor's final report, as it was frozen when written, and download it as a PDF.

What a staff member reaches is their StaffScope: the coordinator every format of the school, a curator their
own formats. A report of another format or another school is NotAllowed, which the views answer with 404,
as for one that does not exist. The list reads the documents' summary fields only, never their HTML or PDF.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from portal.models import FinalReport, IssuedDocument, MentoringFormat, Mentorship, MentorshipMember, Person
from portal.models.people import PersonRow
from portal.services import NotAllowed, cycle, issued, years
from portal.services.results import since_moment

Mentor = Person.alias()


@dataclass(frozen=True)
class ReportRow:
    mentorship_id: int
    format_id: int
    format_name: str
    written_at: datetime
    mentor: PersonRow
    mentees: tuple[PersonRow, ...]
    code: str | None               # the verification code of the frozen document (None: not frozen yet)
    erased: bool                   # destroyed with the personal data after a withdrawal


def reports(scope, format_id: int | None = None, since: date | None = None,
            year: int | None = None) -> list[ReportRow]:
    """The final reports of the formats in reach, newest first: two queries whatever their number.

    `format_id` narrows to one format of the scope (one outside it gives nothing); `since` keeps the
    reports written on that day or later; `year` the reports of that school year's pairs (services.years)."""
    ids = [i for i in scope.format_ids if format_id in (None, i)]
    if not ids:
        return []
    query = (FinalReport.select(FinalReport.mentorship, Mentorship.mentoring_format, MentoringFormat.name,
                                FinalReport.written_at, Mentor.id, Mentor.surname, Mentor.first_name,
                                Mentor.patronymic, IssuedDocument.code, IssuedDocument.erased_at)
             .join(Mentorship).join(MentoringFormat).switch(Mentorship)
             .join(Mentor, on=(Mentorship.mentor == Mentor.id))
             .switch(FinalReport).join(IssuedDocument, JOIN.LEFT_OUTER, on=(IssuedDocument.report == FinalReport.id))
             .where(Mentorship.mentoring_format.in_(ids) & (MentoringFormat.school == scope.school_id))
             .order_by(FinalReport.written_at.desc(), FinalReport.id.desc()))
    if since:
        query = query.where(FinalReport.written_at >= since_moment(since))
    if year is not None:
        query = query.where(years.pair_condition(year))
    rows = list(query.tuples())
    mentees: dict[int, list[PersonRow]] = {}
    if rows:
        for pair_id, *person in (MentorshipMember.select(MentorshipMember.mentorship, Person.id, Person.surname,
                                                         Person.first_name, Person.patronymic)
                                 .join(Person)
                                 .where(MentorshipMember.mentorship.in_([r[0] for r in rows])
                                        & MentorshipMember.left_at.is_null())
                                 .order_by(Person.surname, Person.first_name, MentorshipMember.id).tuples()):
            mentees.setdefault(pair_id, []).append(PersonRow(*person))
    return [ReportRow(pair_id, fmt_id, fmt_name, written_at, PersonRow(*mentor), tuple(mentees.get(pair_id, ())),
                      code, erased_at is not None)
            for pair_id, fmt_id, fmt_name, written_at, *mentor, code, erased_at in rows]


def report_for(scope, mentorship_id: int) -> tuple[FinalReport, Mentorship]:
    """A pair's final report within the scope, with the pair's format and mentor; one query.

    Another format's or another school's report, and a pair without one, are NotAllowed (404)."""
    found = (FinalReport.select(FinalReport, Mentorship, MentoringFormat, Mentor)
             .join(Mentorship).join(MentoringFormat).switch(Mentorship)
             .join(Mentor, on=(Mentorship.mentor == Mentor.id), attr="mentor")
             .where((FinalReport.mentorship == mentorship_id)
                    & Mentorship.mentoring_format.in_(list(scope.format_ids))
                    & (MentoringFormat.school == scope.school_id))
             .first())
    if found is None:
        raise NotAllowed("Нет такого отчёта.")
    return found, found.mentorship


BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
HEADING = re.compile(r"<(/?)h([1-5])\b")


def readable_body(html: str) -> str:
    """The frozen document's body, to read inside a portal page: its <head> goes (the inline CSS there is
    what the portal's CSP refuses, and the page has its own title), its headings go one level down so
    the page keeps its one h1. Nothing is rendered again: every word and number is the frozen HTML's, and
    that HTML was autoescaped when issued, so a tag in it is the template's own."""
    found = BODY.search(html or "")
    if found is None:
        return ""
    return HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", found[1]).strip()


def report_page(scope, mentorship_id: int) -> dict:
    """What the staff page of one report shows: the report, its pair, its mentees and the frozen document."""
    report, mentorship = report_for(scope, mentorship_id)
    document = cycle.frozen_document(report)
    return {"report": report, "mentorship": mentorship, "mentees": cycle.mentees_of(mentorship.id),
            "document": document, "body": "" if document.erased_at else readable_body(document.html)}


def report_pdf(scope, mentorship_id: int) -> bytes:
    """The PDF made from the frozen HTML: the same bytes the mentor downloads."""
    report, _ = report_for(scope, mentorship_id)
    return issued.pdf_bytes(cycle.frozen_document(report))
