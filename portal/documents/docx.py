"""An order's HTML as a Word document (s10): schools print orders on their letterhead and edit them in Word.

The DOCX is made from the very HTML the PDF is made from — a draft's from today's data, a registered order's
from its frozen HTML (DECISIONS.md «What a signed document is») — so the two always say the same. Only the
few elements the order templates use are understood: paragraphs (their class gives the alignment and
weight), lists, line breaks, tables (bordered or plain) and the verification block; <head> is skipped.
"""
import io
from html.parser import HTMLParser

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

# A paragraph's class → (alignment, bold, size in pt or None).
_CLASSES = {
    "school": (WD_ALIGN_PARAGRAPH.CENTER, True, None),
    "kind": (WD_ALIGN_PARAGRAPH.CENTER, True, 14),
    "title": (WD_ALIGN_PARAGRAPH.CENTER, True, None),
    "order-word": (WD_ALIGN_PARAGRAPH.LEFT, True, None),
    "place": (WD_ALIGN_PARAGRAPH.CENTER, False, None),
    "appendix-head": (WD_ALIGN_PARAGRAPH.RIGHT, False, 10),
    "appendix-title": (WD_ALIGN_PARAGRAPH.CENTER, True, None),
    "right": (WD_ALIGN_PARAGRAPH.RIGHT, False, None),
}
_BLOCKS = ("p", "li", "h1", "h2", "h3")
_SKIP = ("head", "style", "script", "title")


class _Collector(HTMLParser):
    """Blocks in document order: ("p", classes, text) and ("table", classes, rows of cell texts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple] = []
        self._skip = 0
        self._text: list[str] | None = None
        self._classes: set[str] = set()
        self._outer: set[str] = set()  # the classes of the enclosing div (the verification block)
        self._table: dict | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag in _SKIP:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "div":
            self._outer = classes
        elif tag == "table":
            self._table = {"classes": classes, "rows": []}
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "br":
            target = self._cell if self._cell is not None else self._text
            if target is not None:
                target.append("\n")
        elif tag in _BLOCKS and self._cell is None:
            self._text, self._classes = [], classes | self._outer | ({"li"} if tag == "li" else set())

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag == "div":
            self._outer = set()
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table["rows"][-1].append(_clean("".join(self._cell)))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(("table", self._table["classes"], [r for r in self._table["rows"] if r]))
            self._table = None
        elif tag in _BLOCKS and self._text is not None and self._cell is None:
            text = _clean("".join(self._text))
            if text:
                self.blocks.append(("p", self._classes, text))
            self._text = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


def _clean(text: str) -> str:
    """HTML's whitespace: runs of spaces and newlines are one space; a <br> stays a line break."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def blocks(html: str) -> list[tuple]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.blocks


def _paragraph(doc, text: str, classes: set[str]):
    paragraph = doc.add_paragraph()
    align, bold, size = next((_CLASSES[c] for c in _CLASSES if c in classes), (WD_ALIGN_PARAGRAPH.JUSTIFY, False,
                                                                               None))
    paragraph.alignment = align
    if "li" in classes:
        paragraph.paragraph_format.left_indent = Mm(6)
    if "verification" in classes:
        size = 9
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _table(doc, classes: set[str], rows: list[list[str]]):
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=0, cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if "plain" not in classes:
        table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            cell = cells[i]
            cell.text = ""
            lines = text.split("\n")
            paragraph = cell.paragraphs[0]
            if "plain" in classes and i == len(row) - 1 and len(row) > 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for j, line in enumerate(lines):
                run = paragraph.add_run(line)
                if j < len(lines) - 1:
                    run.add_break()
    doc.add_paragraph()
    return table


def html_to_docx(html: str, title: str = "") -> bytes:
    """The order's HTML as DOCX bytes: A4, the margins of the PDF, Times New Roman 12 as schools print."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    style.paragraph_format.space_after = Pt(4)
    doc.core_properties.title = title[:250]
    doc.core_properties.author = ""
    for kind, classes, content in blocks(html):
        if kind == "table":
            if content:
                _table(doc, classes, content)
        else:
            _paragraph(doc, content, classes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> list[str]:
    """The DOCX's paragraphs and table cells as text, in order (for the check that DOCX and PDF agree)."""
    doc = Document(io.BytesIO(data))
    lines = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _runs_text(child)
            if text.strip():
                lines.append(text)
        elif tag == "tbl":
            for node in child.iter():
                if node.tag.endswith("}tc"):
                    text = " ".join(_runs_text(p) for p in node.iter() if p.tag.endswith("}p"))
                    if text.strip():
                        lines.append(text)
    return lines


def _runs_text(paragraph) -> str:
    """A paragraph's text; a line break reads as a space."""
    return "".join((node.text or "") if node.tag.endswith("}t") else " "
                   for node in paragraph.iter() if node.tag.endswith(("}t", "}br")))
