"""The mentor's final report is an issued document (s5; DECISIONS.md «What a signed document is»): frozen
with the plan and the meeting log of the day it is written, in the writing's transaction; the PDF is made
from that HTML, the same file at every download, whatever is renamed afterwards."""
import pytest

from portal.models import AuditEvent, FinalReport, IssuedDocument, Person, School
from portal.services import issued
from tests.cycle.test_report_pdf import REPORT, finished, pdf_text  # noqa: F401 (finished is a fixture)


@pytest.mark.clause("s5")
def test_the_report_is_frozen_when_written(client, login, finished, engine):  # noqa: F811
    mentor, mentee, mid = finished["mentor"], finished["mentee"], finished["mentorship"].id
    login(mentor.login)
    url = f"/mentor/pairs/{mid}/report"
    client.get(url)
    assert client.post(url, REPORT).status_code == 303

    report = FinalReport.get(FinalReport.mentorship == mid)
    document = IssuedDocument.get(IssuedDocument.report == report.id)
    assert (document.kind, document.issued_at, document.frozen_late_at) == ("report", report.written_at, None)
    assert document.issued_by_id == mentor.person_id and document.html_sha256 == issued.sha256(document.html)
    assert AuditEvent.select().where((AuditEvent.action == "document.issued")
                                     & (AuditEvent.object_id == document.id)).exists()

    first = client.get(f"{url}.pdf").data
    printed = pdf_text(first)
    old_name = "".join(mentee.person.full_name.split())
    assert old_name in printed and document.code in printed and f"/verify/{document.code}" in printed

    Person.update(surname="Переименованная").where(Person.id == mentee.person_id).execute()
    Person.update(surname="Переименованный").where(Person.id == mentor.person_id).execute()
    School.update(name="МОУ «Совсем другая школа»").where(School.id == mentor.person.school_id).execute()
    again = client.get(f"{url}.pdf").data
    assert again == first
    assert "Переименован" not in pdf_text(again) and old_name in pdf_text(again)


@pytest.mark.clause("s5")
def test_a_refused_report_issues_nothing(client, login, finished):  # noqa: F811
    login(finished["mentor"].login)
    url = f"/mentor/pairs/{finished['mentorship'].id}/report"
    client.get(url)
    assert client.post(url, dict(REPORT, work_done="", conclusions="")).status_code == 422
    assert not IssuedDocument.select().where(IssuedDocument.kind == "report").exists()
