"""The PDF engines, checked by the text that comes out, with every engine this machine has."""
import io

import pytest
from pypdf import PdfReader

from portal.documents.pdf import PdfRenderError, available_engines, render_pdf

ENGINES = available_engines()
engines = pytest.mark.parametrize("engine", ENGINES)


def page(body, head=""):
    return f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def pdf_text(data):
    """Whitespace is normalised: wkhtmltopdf puts tabs between words."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_an_engine_is_present():
    assert ENGINES, "no PDF engine: run `make system-deps`"


@engines
def test_cyrillic_text_comes_out_readable(engine):
    html = page("<h1>Согласие на обработку персональных данных</h1>"
                "<p>Я, Иванова Анна Сергеевна, законный представитель "
                "Иванова Петра Сергеевича, даю согласие…</p>",
                '<style>body { font-family: "DejaVu Serif", serif; }</style>')
    data = render_pdf(html, engine)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Согласие на обработку персональных данных" in text
    assert "Иванова Петра Сергеевича" in text


@engines
def test_generated_content_is_found_by_text_extraction(engine):
    """Control for the test below: a stylesheet's text, when it does load, shows up in the text."""
    assert "MARKER-7f3a" in pdf_text(render_pdf(page("<p>x</p>", '<style>body::before { content: "MARKER-7f3a" }</style>'), engine))


@engines
@pytest.mark.parametrize("quote", ['"', "'"])
def test_pdfkit_meta_options_are_ignored(engine, quote, tmp_path):
    """CVE-2025-26240: pdfkit would pass this as `--cookie-jar PATH`, and wkhtmltopdf writes PATH."""
    target = tmp_path / "written-by-wkhtmltopdf"
    q = quote
    head = (f"<meta name={q}pdfkit-cookie-jar{q} content={q}{target}{q}>"
            f"<meta name={q}pdfkit-cookie{q} content={q}a b{q}>")
    text = pdf_text(render_pdf(page("<p>Приказ</p>", head), engine))
    assert "Приказ" in text
    assert not target.exists()


@engines
@pytest.mark.parametrize("tag", ["iframe", "stylesheet", "img"])
def test_local_files_stay_out(engine, tag, tmp_path):
    """Refusing the document and rendering it without the file are both fine; including it is not."""
    (tmp_path / "secret.html").write_text("<p>SECRET-5c1e</p>")
    (tmp_path / "secret.css").write_text('body::before { content: "SECRET-5c1e" }')
    html = {
        "iframe": page(f'<p>x</p><iframe src="file://{tmp_path}/secret.html"></iframe>'),
        "stylesheet": page("<p>x</p>", f'<link rel="stylesheet" href="file://{tmp_path}/secret.css">'),
        "img": page(f'<p>x</p><img src="file://{tmp_path}/secret.css">'),
    }[tag]
    # Even when the document asks pdfkit to allow local files.
    html = html.replace("<head>", '<head><meta name="pdfkit-enable-local-file-access" content="">')
    try:
        data = render_pdf(html, engine)
    except PdfRenderError:
        return
    assert "SECRET-5c1e" not in pdf_text(data)
