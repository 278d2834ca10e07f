"""The cooperation agreement as signed on paper (4.14): number, date and a scan, recorded by staff; an
external mentor is offered to mentees and paired only once it is there. Uploads are checked by content."""
import io
import zipfile
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, SignedAgreement, StoredFile
from portal.services import ServiceError, agreements, matching, pairing, uploads
from portal.services.staff import scope_for
from tests.conftest import field_errors

SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _office(part: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return data.getvalue()


def _post(client, person, scan=SCAN, name="Договор № 15 (скан).pdf", **fields):
    data = {"number": "15-Д", "signed_on": "2026-09-01", **fields}
    if scan is not None:
        data["scan"] = (io.BytesIO(scan), name)
    return client.post(f"/staff/people/{person.id}/agreement/signed", data, content_type="multipart/form-data")


@pytest.fixture
def external(pairing_world, make_person):
    """An external mentor of «Учитель – ученик», with consent and the programme read."""
    person = make_person(kind="external", birth_date=date(1979, 6, 1), surname="Кузнецов",
                         organisation="ООО «Ярпромсервис»")
    return pairing_world["mentor"]("Учитель – ученик", person=person, can_help_with="профориентация").person


@pytest.mark.clause("4.14")
def test_staff_record_the_signed_agreement_and_download_its_scan(client, login_as, external):
    login_as("coordinator")
    page = client.get(f"/staff/people/{external.id}/agreement").get_data(as_text=True)
    assert "Подписанный договор ещё не внесён" in page and "не предлагается наставляемым" in page
    answer = _post(client, external)
    assert answer.status_code == 303
    page = client.get(f"/staff/people/{external.id}/agreement").get_data(as_text=True)
    assert "Подписанный договор № 15-Д внесён: наставника можно предлагать в пары." in page
    assert "№ 15-Д" in page and "1 сентября 2026" in page and "Договор № 15 (скан).pdf" in page
    signed = SignedAgreement.get()
    download = client.get(f"/staff/people/{external.id}/agreement/signed/{signed.id}/scan")
    assert download.status_code == 200 and download.data == SCAN and download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    event = AuditEvent.get(AuditEvent.action == "agreement.signed")
    assert event.object_id == external.id and event.details_dict["number"] == "15-Д"


@pytest.mark.quality("validation")
@pytest.mark.parametrize("fields,field,message", [
    ({"number": "  "}, "number", "Укажите номер договора."),
    ({"signed_on": ""}, "signed_on", "Укажите дату подписания."),
    ({"signed_on": "31.02.2026"}, "signed_on", "Укажите дату в виде ДД.ММ.ГГГГ."),
    ({"signed_on": (date.today() + timedelta(days=1)).isoformat()}, "signed_on",
     "Дата подписания не может быть в будущем."),
    ({"scan": b"MZ\x90\x00 not a pdf at all"}, "scan", "Этот файл не подходит: нужен PDF, изображение JPEG, изображение PNG."),
    ({"scan": _office("word/document.xml")}, "scan", "Этот файл не подходит: нужен PDF, изображение JPEG, изображение PNG."),
    ({"scan": None}, "scan", "Выберите файл."),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_kept(client, login_as, external, fields, field, message):
    login_as("coordinator")
    scan = fields.pop("scan", SCAN)
    answer = _post(client, external, scan=scan, **fields)
    assert answer.status_code == 422
    assert field_errors(answer, field) == [message]
    assert SignedAgreement.select().count() == 0 and StoredFile.select().count() == 0


@pytest.mark.quality("validation")
def test_a_scan_over_20_mb_is_refused_in_russian(client, login_as, external):
    login_as("coordinator")
    answer = _post(client, external, scan=SCAN + b"0" * uploads.MAX_BYTES)
    assert answer.status_code == 422
    assert field_errors(answer, "scan") == ["Файл больше 20 МБ."]
    assert SignedAgreement.select().count() == 0


@pytest.mark.clause("4.14")
def test_an_external_mentor_is_offered_and_paired_only_with_the_signed_agreement(pairing_world, external):
    world = pairing_world
    mentee = world["mentee"]("Учитель – ученик", needs="профориентация").person
    fmt = world["formats"]["Учитель – ученик"]
    curator = scope_for(world["curator"]("Учитель – ученик"))
    ranking = matching.rank_candidates(curator, fmt.id, mentee.id)
    excluded = {c.person.id: c.excluded for c in ranking.excluded}
    assert agreements.NOT_SIGNED in excluded[external.id]
    with pytest.raises(ServiceError, match="предложить нельзя"):
        matching.propose(curator, fmt.id, mentee.id, [external.id])

    agreements.record_signed(None, external, "7", date.today(), "скан.png", PNG)
    ranking = matching.rank_candidates(curator, fmt.id, mentee.id)
    assert external.id in {c.person.id for c in ranking.offered}
    proposal = matching.propose(curator, fmt.id, mentee.id, [external.id])[0]
    pair = pairing.choose(mentee, proposal.id)
    assert pairing.confirm(external, pair.id).status == "confirmed"


@pytest.mark.clause("4.14")
def test_a_mentor_chosen_before_the_rule_cannot_confirm_without_the_agreement(pairing_world, external):
    world = pairing_world
    mentee = world["mentee"]("Учитель – ученик").person
    fmt = world["formats"]["Учитель – ученик"]
    curator = scope_for(world["curator"]("Учитель – ученик"))
    signed = agreements.record_signed(None, external, "7", date.today(), "скан.pdf", SCAN)
    pair = pairing.choose(mentee, matching.propose(curator, fmt.id, mentee.id, [external.id])[0].id)
    SignedAgreement.delete().where(SignedAgreement.id == signed.id).execute()  # recorded in error, taken back
    with pytest.raises(ServiceError, match="Договор о сотрудничестве с внешним наставником ещё не подписан"):
        pairing.confirm(external, pair.id)


@pytest.mark.quality("security")
@pytest.mark.parametrize("data,kind", [
    (SCAN, "pdf"), (PNG, "png"), (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
    (_office("word/document.xml"), "docx"), (_office("xl/workbook.xml"), "xlsx"),
    (_office("ppt/presentation.xml"), "pptx"),
    (b"<html><script>alert(1)</script>", None), (b"PK\x03\x04 broken zip", None),
    (_office("other/part.xml"), None),
], ids=["pdf", "png", "jpeg", "docx", "xlsx", "pptx", "html", "broken-zip", "other-zip"])
def test_a_files_kind_is_read_from_its_content(data, kind):
    assert uploads.sniff(data) == kind


@pytest.mark.quality("security")
def test_the_stored_name_is_random_and_the_shown_name_is_cleaned(conn, school):
    stored = uploads.store(school.id, None, "../../etc/passwd\x00.exe", SCAN)
    assert stored.name == "passwd.pdf" and ".." not in stored.stored_as and len(stored.stored_as) == 32
    assert uploads.read(stored) == SCAN


@pytest.mark.quality("privacy")
def test_a_scan_erased_with_the_persons_data_is_not_found_not_a_crash(client, login_as, external):
    login_as("coordinator")
    signed = agreements.record_signed(None, external, "9", date.today(), "скан.pdf", SCAN)
    uploads.erase(signed.scan)
    answer = client.get(f"/staff/people/{external.id}/agreement/signed/{signed.id}/scan")
    assert answer.status_code == 404
    assert StoredFile.get_by_id(signed.scan_id).sha256 == signed.scan.sha256  # the evidence of what it was stays
