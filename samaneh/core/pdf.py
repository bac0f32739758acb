"""PDF documents from HTML templates with WeasyPrint: real Persian shaping (HarfBuzz), Vazirmatn embedded.

    return pdf_response(render_pdf("landfills/priorities_pdf.html", context), "priorities.pdf")

Templates extend `core/pdf_base.html` (A4, right-to-left, page numbers in Persian digits, the issue date
in Jalali). Fonts and images are read from the project's static files on disk, never from the network.
"""
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (pango) are missing on this machine."""


def _font_url(name):
    path = finders.find(f"vendor/vazirmatn/{name}")
    if not path:
        raise PdfUnavailable(f"font {name} missing: run `make assets`")
    return Path(path).as_uri()


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:  # pango or cairo libraries absent
        raise PdfUnavailable(str(error)) from error
    context = {
        "font_regular": _font_url("Vazirmatn-Regular.ttf"),
        "font_bold": _font_url("Vazirmatn-Bold.ttf"),
        "issued_at": timezone.now(),
        "site_name": getattr(settings, "SITE_NAME", "سامانه"),
        **(context or {}),
    }
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(content: bytes, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
