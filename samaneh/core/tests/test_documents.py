"""Exports and printouts: Excel sheets read back with openpyxl, PDFs rendered to images."""
import io

from openpyxl import load_workbook

from samaneh.core.exports import Sheet, workbook_write, xlsx_response
from samaneh.core.pdf import pdf_response, render_pdf
from tests.pdf import ink_ratio, pdf_page_image, pdf_text


def test_workbook_is_right_to_left_with_headers_and_no_formula_injection():
    buffer = io.BytesIO()
    rows = [["ورامین", 72.5, True], ["=HYPERLINK(\"http://x\")", -3, None]]
    assert workbook_write([Sheet("شهرداری‌ها", ["نام", "امتیاز", "فعال"], rows)], buffer) == 2
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.title == "شهرداری‌ها" and sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[1]] == ["نام", "امتیاز", "فعال"]
    assert [c.value for c in sheet[2]] == ["ورامین", 72.5, True]
    assert sheet["A3"].data_type == "s" and sheet["A3"].value.startswith("'=")
    assert sheet["B3"].value == -3


def test_xlsx_response_is_a_download():
    response = xlsx_response("report.xlsx", [Sheet("s", ["a"], [[1]])])
    assert response["Content-Disposition"] == 'attachment; filename="report.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == 1


def test_pdf_has_shaped_persian_text_and_visible_ink(tmp_path, settings):
    (tmp_path / "doc.html").write_text(
        '{% extends "core/pdf_base.html" %}{% block heading %}گزارش نظارتی نرم‌افزارها{% endblock %}'
        "{% block content %}<table><tr><th>شهرداری</th></tr><tr><td>ورامین</td></tr></table>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    content = render_pdf("doc.html")
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "گزارش نظارتی" in text and "ورامین" in text and "۱ / ۱" in text
    assert ink_ratio(pdf_page_image(content)) > 0.002
    response = pdf_response(content, "report.pdf")
    assert response["Content-Type"] == "application/pdf"
