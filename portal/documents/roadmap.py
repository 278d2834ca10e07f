"""«Дорожная карта внедрения целевой модели наставничества» as a PDF (3.2, s10).

The rows are those of the XLSX export (services.roadmap.table), handed over by the service with the school's
name and the counts by state; this module only lays them out and queries nothing."""
from portal.documents.html import render
from portal.documents.pdf import render_pdf


def roadmap_html(data: dict) -> str:
    """`data`: what services.roadmap.document_data gives."""
    return render("documents/roadmap.html", **data)


def roadmap_pdf(data: dict) -> bytes:
    return render_pdf(roadmap_html(data))
