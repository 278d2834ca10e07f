"""The one module that stores and reads uploaded files (ARCHITECTURE.md, "Uploads").

A file's kind is read from its content, never from its name or the browser's word for it: a script
renamed to .pdf is refused. The bytes go under instance/files/ by a random name, so nothing an uploader
names reaches the file system, and nothing there is served except through a view that checks access.

Every upload and every download leaves an audit record, written here so that no caller can forget it:
store() records the upload in the caller's transaction, hand_out() records the download. The service
that owns the file checks who may have it before calling hand_out(); the view only sends the Download
(portal.web.send_download, always `attachment`).
"""
import hashlib
import io
import secrets
import zipfile
from pathlib import Path
from typing import NamedTuple

from portal.db import atomic_write
from portal.models import StoredFile
from portal.models.files import ERASED_STEM, FILE_KINDS
from portal.services import NotAllowed, ServiceError, audit

MAX_BYTES = 20 * 1024 * 1024
KIND_TITLES = dict(FILE_KINDS)
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "pptx": ".pptx", "jpeg": ".jpg", "png": ".png"}
# The part every Office Open XML file of the kind must hold.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
SCANS = ("pdf", "jpeg", "png")


class Store:
    """Where the files live: instance/files/, set by create_app (services know no Flask config)."""
    root: Path | None = None


def configure(root: Path) -> None:
    Store.root = Path(root)


def sniff(data: bytes) -> str | None:
    """The file's kind by its first bytes (and, for Office files, the parts inside the zip); None if unknown."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            return next((kind for kind, part in OOXML_PARTS.items() if part in names), None)
    return None


def _clean_name(name: str, kind: str) -> str:
    """The name shown and offered on download: no folders, no control characters, the kind's extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem[:150] or "файл") + EXTENSIONS[kind]


def _path(stored_as: str) -> Path:
    if Store.root is None:
        raise RuntimeError("uploads.configure() was not called")
    return Store.root / stored_as[:2] / stored_as


class Download(NamedTuple):
    """What a download view sends: the bytes, the name offered, the MIME type (portal.web.send_download)."""
    data: bytes
    name: str
    mimetype: str


def store(school_id: int, actor, name: str, data: bytes | None, allowed=tuple(MIME_TYPES),
          field: str = "file", ip: str = "", purpose: str = "") -> StoredFile:
    """Check and keep one upload; call it inside the transaction that records what the file is for.

    Refusals are ServiceErrors for the form's `field`, in Russian. The bytes are written before the row,
    under a fresh random name, so a rolled-back transaction leaves at most an unreferenced file (and a
    backup, which copies the database before the files, finds every file its rows name). The upload is
    audited («file.uploaded», with its hash and `purpose`) in the same transaction."""
    if not data:
        raise ServiceError("Выберите файл.", field=field)
    if len(data) > MAX_BYTES:
        raise ServiceError(f"Файл больше {MAX_BYTES // (1024 * 1024)} МБ.", field=field)
    kind = sniff(data)
    if kind not in allowed:
        kinds = ", ".join(KIND_TITLES[k] for k in allowed)
        raise ServiceError(f"Этот файл не подходит: нужен {kinds}.", field=field)
    stored_as = secrets.token_hex(16)
    path = _path(stored_as)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stored = StoredFile.create(school=school_id, kind=kind, name=_clean_name(name, kind), stored_as=stored_as,
                               size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                               uploaded_by=getattr(actor, "id", actor))
    audit.record("file.uploaded", actor=actor, obj=stored, school=school_id, ip=ip, name=stored.name,
                 kind=kind, size=stored.size, sha256=stored.sha256, purpose=purpose)
    return stored


class Gone(NotAllowed):
    """The file's bytes are not there (erased with the person's data, or a database restored without its
    files): the download answers «not found», never a 500."""


def read(stored: StoredFile) -> bytes:
    try:
        return _path(stored.stored_as).read_bytes()
    except FileNotFoundError:
        raise Gone("Файл не найден.") from None


def audited(data: bytes, name: str, mimetype: str, *, actor, action: str, obj, school: int, ip: str = "",
            **details) -> Download:
    """A download about to be sent, recorded in the audit trail first: the one place a download is audited,
    for an uploaded file (hand_out) as for a document the portal made."""
    with atomic_write():
        audit.record(action, actor=actor, obj=obj, school=school, ip=ip, name=name, **details)
    return Download(data, name, mimetype)


def hand_out(stored: StoredFile, actor, *, ip: str = "", action: str = "file.downloaded", obj=None,
             **details) -> Download:
    """An uploaded file to download, audited. The caller has checked that `actor` may have it; `obj` is
    what the file belongs to (the audit names it; the file itself when None). Gone bytes are «not found»."""
    data = read(stored)
    return audited(data, stored.name, MIME_TYPES[stored.kind], actor=actor, action=action,
                   obj=stored if obj is None else obj, school=stored.school_id, ip=ip, file=stored.id,
                   sha256=stored.sha256, **details)


def erase(stored: StoredFile) -> None:
    """The bytes go (personal data destroyed); the row keeps the kind, size and SHA-256 as evidence."""
    _path(stored.stored_as).unlink(missing_ok=True)
    StoredFile.update(name=ERASED_STEM + EXTENSIONS[stored.kind]).where(StoredFile.id == stored.id).execute()
