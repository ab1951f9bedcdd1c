"""Shared rendering for exports: render_pdf (WeasyPrint), csv_bytes (formula-safe), DOCX helpers.

Exports return (filename, mimetype, bytes). Long exports run as Celery tasks (see apps).
"""

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
