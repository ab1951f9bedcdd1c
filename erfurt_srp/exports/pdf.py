"""PDF rendering with WeasyPrint from a Django template."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a template to PDF bytes. Templates use static files from STATICFILES_DIRS."""
    return pdf_from_html(render_to_string(template_name, context), base_url=base_url)


def pdf_from_html(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of an HTML document (the expensive part: WeasyPrint lays out the pages)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf()
