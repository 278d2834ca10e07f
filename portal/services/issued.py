"""Issued documents (DECISIONS.md «What a signed document is»): frozen at issue, verified by their code.

The service that issues a document (signing a consent, registering an order, writing the final report,
issuing the cooperation agreement) calls `issue` inside its own transaction with a function that renders
the document's HTML around the verification block; the HTML and its SHA-256 are stored and never rendered
again. The PDF is made from that HTML at the first download and kept, so every download is the same file
and `/verify/<code>` can tell whether an uploaded copy is byte-identical.
"""
import hashlib
import secrets
from typing import Callable

from peewee import JOIN, IntegrityError

from portal.db import atomic_write, db
from portal.documents.pdf import render_pdf
from portal.models import ConsentWithdrawal, IssuedDocument, Order
from portal.models.base import utcnow
from portal.models.documents import ISSUED_KINDS
from portal.services import NotAllowed, ServiceError, audit

# No 0/O, 1/I/L look-alikes: a code is read off paper and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8·10^14: not guessable at the rate /verify allows
VERIFY_PATH = "/verify/"
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
KIND_TITLES = dict(ISSUED_KINDS)
# What /verify reads: everything but the HTML and the PDF.
SUMMARY_FIELDS = (IssuedDocument.id, IssuedDocument.school, IssuedDocument.kind, IssuedDocument.title,
                  IssuedDocument.number, IssuedDocument.issued_at, IssuedDocument.code, IssuedDocument.html_sha256,
                  IssuedDocument.pdf_sha256, IssuedDocument.frozen_late_at, IssuedDocument.erased_at,
                  IssuedDocument.consent, IssuedDocument.order, IssuedDocument.report, IssuedDocument.person)

Renderer = Callable[[dict], str]


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """A code as typed: any case, spaces and dashes ignored; anything else is no code at all."""
    code = "".join((text or "")[:64].split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def verification(code: str, frozen_late_at=None) -> dict:
    """What the document prints about itself: its code, where to check it, whether it was frozen late."""
    return {"code": code, "path": VERIFY_PATH + code, "frozen_late_at": frozen_late_at}


def issue(*, school_id: int, kind: str, title: str, render: Renderer, number: str | None = None, issued_at=None,
          actor=None, ip: str = "", frozen_late: bool = False, **source) -> IssuedDocument:
    """Freeze a document: inside the caller's transaction, with the audit record.

    `render(verification)` gives the document's HTML with the verification block filled in; `source` names
    the row it is issued for (consent=, order=, report= or person=)."""
    if kind not in KIND_TITLES:
        raise ValueError(f"unknown document kind {kind!r}")
    now = utcnow()
    late_at = now if frozen_late else None
    for attempt in range(5):
        code = new_code()
        html = render(verification(code, late_at))
        try:
            with db.atomic():  # a savepoint: a code taken a moment ago is drawn again, the caller's work stays
                document = IssuedDocument.create(
                    school=school_id, kind=kind, title=title[:300], number=number, issued_at=issued_at or now,
                    issued_by=actor, code=code, html=html, html_sha256=sha256(html), frozen_late_at=late_at,
                    **source)
            break
        except IntegrityError:
            existing = _existing(source)
            if existing is not None:  # the row got its document meanwhile (a late freeze racing another)
                return existing
            if attempt == 4:
                raise
    if not frozen_late:
        audit.record("document.issued", actor=actor, obj=document, school=school_id, ip=ip, kind=kind,
                     code=document.code, sha256=document.html_sha256, number=number)
    return document


def _existing(source: dict) -> IssuedDocument | None:
    for name, value in source.items():
        if name in ("consent", "order", "report") and value is not None:
            return IssuedDocument.get_or_none(getattr(IssuedDocument, name) == value)
    return None


def of(**source) -> IssuedDocument | None:
    """The document issued for a consent, an order or a report (consent=…, order=…, report=…)."""
    return _existing(source)


def latest_for_person(kind: str, person_id: int) -> IssuedDocument | None:
    return (IssuedDocument.select().where((IssuedDocument.kind == kind) & (IssuedDocument.person == person_id))
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()).first())


def pdf_bytes(document: IssuedDocument) -> bytes:
    """The document's PDF: made from the frozen HTML the first time, the very same bytes ever after.

    The engine runs outside any transaction; of two first downloads at once, the first stored wins and
    the other serves it, so there is one PDF per document."""
    if document.pdf is not None:
        return bytes(document.pdf)
    if document.erased_at is not None or not document.html:
        raise NotAllowed("Документ уничтожен вместе с персональными данными.")
    data = render_pdf(document.html)
    with atomic_write():
        stored = (IssuedDocument.update(pdf=data, pdf_sha256=sha256(data), pdf_at=utcnow())
                  .where((IssuedDocument.id == document.id) & IssuedDocument.pdf.is_null()).execute())
    if not stored:
        return bytes(IssuedDocument.select(IssuedDocument.pdf).where(IssuedDocument.id == document.id).get().pdf)
    return data


def erase(where) -> int:
    """Personal data destroyed (consent.destroy): the HTML and the PDF go, the code and the hashes stay,
    so /verify still answers and can still match a copy the school kept on paper or disk."""
    return (IssuedDocument.update(html="", pdf=None, erased_at=utcnow())
            .where(where & IssuedDocument.erased_at.is_null()).execute())


# --- /verify -------------------------------------------------------------------------------------

def verify(code: str | None) -> dict | None:
    """What /verify may say about a code: kind, date, number, withdrawn (a consent) or corrected by a later
    order (an order) — never a name. One query, two for an order."""
    code = normalise_code(code)
    if code is None:
        return None
    row = (IssuedDocument.select(*SUMMARY_FIELDS, ConsentWithdrawal.withdrawn_at)
           .join(ConsentWithdrawal, JOIN.LEFT_OUTER, on=(ConsentWithdrawal.consent == IssuedDocument.consent))
           .where(IssuedDocument.code == code).objects().first())
    if row is None:
        return None
    corrections = []
    if row.order_id is not None:  # a registered order is never changed: a correction is a new order naming it
        corrections = list(Order.select(Order.number, Order.dated_on)
                           .where((Order.corrects == row.order_id) & (Order.status == "registered"))
                           .order_by(Order.dated_on, Order.id))
    return {"document": row, "kind_title": KIND_TITLES[row.kind], "withdrawn_at": row.withdrawn_at,
            "has_pdf": row.pdf_sha256 is not None, "corrections": corrections}


def check_upload(code: str | None, data: bytes | None, ip: str = "") -> dict:
    """Is the uploaded file the very PDF the portal issued under this code? Compared by SHA-256."""
    found = verify(code)
    if found is None:
        raise NotAllowed("Документ не найден.")
    if not data:
        raise ServiceError("Выберите файл PDF, полученный из портала.", field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError(f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ: выданные порталом документы "
                           "меньше.", field="file")
    document = found["document"]
    digest = sha256(data)
    matches = document.pdf_sha256 is not None and secrets.compare_digest(digest, document.pdf_sha256)
    with atomic_write():
        audit.record("document.checked", obj=document, school=document.school_id, ip=ip, matches=matches)
    return dict(found, matches=matches, uploaded_sha256=digest)
