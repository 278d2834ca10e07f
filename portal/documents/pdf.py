"""HTML to PDF: the only module that knows pdfkit and WeasyPrint.

Keeping both engines behind one function lets the rest of the portal stay unaware of which one
a machine has: Debian 12 ships wkhtmltopdf (the customer's choice), Debian 13 does not, and
WeasyPrint renders there. Either way a document may use nothing outside its own HTML (inline CSS,
data: images): a page that asks for a local file is refused by both engines, so a template mistake
or injected markup cannot put a server file into a printed document. WeasyPrint refuses http(s)
too; wkhtmltopdf has no switch for that, which is one more reason templates stay autoescaped.
"""
import os
import re
import secrets
import shutil
import threading
from functools import cache

ENGINES = ("wkhtmltopdf", "weasyprint")  # order of preference when nothing is configured

# wkhtmltopdf options are spelled out, never left to its defaults or to the document.
WKHTMLTOPDF_OPTIONS = {
    "encoding": "UTF-8",
    "disable-local-file-access": None,
    "disable-javascript": None,
    "quiet": None,
    "page-size": "A4",
    "margin-top": "20mm",
    "margin-bottom": "20mm",
    "margin-left": "25mm",
    "margin-right": "15mm",
}

# pdfkit turns <meta name="pdfkit-..."> tags into command-line options (CVE-2025-26240). We strip
# such tags and also give pdfkit a prefix nobody can guess, so neither alone has to be perfect.
_PDFKIT_META = re.compile(r"<meta\b[^>]*pdfkit[^>]*>", re.IGNORECASE)
_META_PREFIX = f"x-{secrets.token_hex(16)}-"

_settings = {}
_slots = threading.BoundedSemaphore(int(os.environ.get("PDF_MAX_CONCURRENT") or 2))


class PdfEngineMissing(RuntimeError):
    """No usable engine: install wkhtmltopdf or WeasyPrint's libraries (make system-deps)."""


class PdfRenderError(RuntimeError):
    """The engine refused the document, e.g. because it asked for a file or a URL."""


def init_app(app):
    """Take PDF_ENGINE and PDF_MAX_CONCURRENT from the app's config (the environment otherwise).

    Each render holds a few dozen MB and a CPU core, so a burst of downloads must queue rather than
    exhaust a small school server.
    """
    global _slots
    _settings["engine"] = app.config.get("PDF_ENGINE")
    size = app.config.get("PDF_MAX_CONCURRENT") or os.environ.get("PDF_MAX_CONCURRENT") or 2
    _slots = threading.BoundedSemaphore(int(size))


@cache
def _weasyprint():
    """Import lazily: the import needs Pango and takes a while, and may fail on a bare machine."""
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    return weasyprint


def available_engines() -> list[str]:
    found = []
    if shutil.which("wkhtmltopdf"):
        found.append("wkhtmltopdf")
    if _weasyprint() is not None:
        found.append("weasyprint")
    return found


def choose_engine(engine: str | None = None) -> str:
    """An engine asked for by name must be there; silently printing with another would hide a
    misconfigured server."""
    engine = engine or _settings.get("engine") or os.environ.get("PDF_ENGINE") or None
    present = available_engines()
    if engine is None:
        if not present:
            raise PdfEngineMissing("neither wkhtmltopdf nor WeasyPrint is usable here")
        return present[0]
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}, expected one of {ENGINES}")
    if engine not in present:
        raise PdfEngineMissing(f"PDF engine {engine!r} is not usable on this machine")
    return engine


def render_pdf(html: str, engine: str | None = None) -> bytes:
    engine = choose_engine(engine)
    with _slots:
        if engine == "wkhtmltopdf":
            return _render_wkhtmltopdf(html)
        return _render_weasyprint(html)


def _strip_pdfkit_meta(html: str) -> str:
    """Repeat until stable, so removing one tag cannot join the pieces around it into another."""
    count = 1
    while count:
        html, count = _PDFKIT_META.subn("", html)
    return html


def _render_wkhtmltopdf(html: str) -> bytes:
    import pdfkit

    config = pdfkit.configuration(wkhtmltopdf=shutil.which("wkhtmltopdf"), meta_tag_prefix=_META_PREFIX)
    try:
        return pdfkit.from_string(_strip_pdfkit_meta(html), False, options=WKHTMLTOPDF_OPTIONS,
                                  configuration=config)
    except OSError as error:  # wkhtmltopdf exits 1 when it blocks a file:// or network load
        raise PdfRenderError(str(error).strip()) from error


def _render_weasyprint(html: str) -> bytes:
    weasyprint = _weasyprint()
    # No base_url, and a fetcher that allows data: only and stops the render on anything else.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    try:
        return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    except weasyprint.urls.FatalURLFetchingError as error:
        raise PdfRenderError(str(error)) from error


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of several already made (a batch of issued documents to print): each part's pages unchanged,
    in order, so every page is the very document the portal issued."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(BytesIO(part)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
