"""Uploads (DECISIONS.md «Uploads», ARCHITECTURE.md «Uploads»): every route that takes a file keeps it through
services.uploads and audits the upload; every route that serves a stored file checks access, sends it as an
attachment and audits the download — whoever downloads, whatever the file is for."""
import io
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, RoadmapEvent, SignedAgreement, StoredFile

SCAN = b"%PDF-1.4\n% signed on paper, scanned\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _agreement(client, make_person):
    """The scan of an external mentor's signed agreement (4.14), uploaded on the agreement page."""
    person = make_person(kind="external", birth_date=date(1979, 6, 1), surname="Кузнецов")
    answer = client.post(f"/staff/people/{person.id}/agreement/signed",
                         {"number": "15-Д", "signed_on": "2026-09-01", "scan": (io.BytesIO(SCAN), "Договор (скан).pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 303
    signed = SignedAgreement.get(SignedAgreement.person == person.id)
    return SCAN, f"/staff/people/{person.id}/agreement/signed/{signed.id}/scan", "agreement.scan_downloaded", person


def _roadmap(client, school):
    """A roadmap event's evidence (3.2), uploaded on the event's page."""
    row = RoadmapEvent.create(school=school, section="programmes", title="Педагогический совет",
                              responsible_text="координатор", due_on=date.today() + timedelta(days=10))
    form = {"section": "programmes", "title": "Педагогический совет", "responsible": "",
            "responsible_text": "координатор", "due_on": "2027-01-31", "status": "done", "document": "", "note": "",
            "file": (io.BytesIO(PNG), "протокол.png")}
    client.get(f"/staff/roadmap/{row.id}")
    assert client.post(f"/staff/roadmap/{row.id}", form, content_type="multipart/form-data").status_code == 303
    return PNG, f"/staff/roadmap/{row.id}/evidence", "roadmap.evidence_downloaded", row


STORED_FILES = {"agreement": lambda client, school, make_person: _agreement(client, make_person),
                "roadmap": lambda client, school, make_person: _roadmap(client, school)}


@pytest.mark.quality("audit")
@pytest.mark.parametrize("kind", sorted(STORED_FILES))
def test_every_upload_and_every_download_of_a_stored_file_is_audited(client, school, login_as, make_person, kind):
    coordinator = login_as("coordinator")
    data, url, action, owner = STORED_FILES[kind](client, school, make_person)
    stored = StoredFile.get()
    uploaded = AuditEvent.get(AuditEvent.action == "file.uploaded")
    assert (uploaded.object_type, uploaded.object_id, uploaded.actor_id) == ("StoredFile", stored.id,
                                                                              coordinator.person_id)
    assert uploaded.details_dict["sha256"] == stored.sha256 and uploaded.details_dict["purpose"] == kind
    assert uploaded.ip  # who uploaded from where

    for attempt in (1, 2):  # each download is a record of its own
        download = client.get(url)
        assert download.status_code == 200 and download.data == data
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["Cache-Control"] == "no-store"
        records = list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))
        assert len(records) == attempt
    record = records[-1]
    assert (record.object_type, record.object_id) == (type(owner).__name__, owner.id)
    assert record.actor_id == coordinator.person_id and record.ip
    assert record.details_dict["file"] == stored.id and record.details_dict["sha256"] == stored.sha256


@pytest.mark.quality("audit")
def test_a_refused_download_leaves_no_download_record(client, school, login_as, make_person):
    """Access is checked before the file is read and the download recorded: a curator asking for a roadmap's
    evidence (the coordinator's only) gets «not found», and the trail holds no download."""
    login_as("coordinator")
    _, url, action, _ = _roadmap(client, school)
    client.post("/logout")
    client.get("/login")
    login_as("curator")
    assert client.get(url).status_code in (403, 404)
    assert not AuditEvent.select().where(AuditEvent.action == action).exists()


@pytest.mark.quality("security")
def test_a_file_whose_bytes_are_gone_is_not_found_and_not_recorded_as_downloaded(client, school, login_as,
                                                                                  make_person):
    from portal.services import uploads
    login_as("coordinator")
    _, url, action, _ = _agreement(client, make_person)
    uploads.erase(StoredFile.get())
    assert client.get(url).status_code == 404
    assert not AuditEvent.select().where(AuditEvent.action == action).exists()
