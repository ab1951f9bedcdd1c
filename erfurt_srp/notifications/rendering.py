"""Mails written as templates.

    subject, body, html_body = render_message("gremium/mail/invitation", {"meeting": meeting})
    message_queue(kind=..., recipient=..., subject=subject, body=body, html_body=html_body, ...)

reads <prefix>_subject.txt, <prefix>_body.txt and, if present, <prefix>_body.html.
The .txt templates render without HTML escaping (they are plain text); the .html one escapes.
"""

from contextlib import nullcontext

from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation


def _render(template, context: dict, *, autoescape: bool) -> str:
    # The backend's wrapper always escapes; the engine template lets plain text stay plain.
    return template.template.render(Context(context, autoescape=autoescape))


def _optional_template(name: str):
    try:
        return get_template(name)
    except TemplateDoesNotExist:
        return None


def render_message(
    template_prefix: str, context: dict | None = None, *, language: str | None = None
) -> tuple[str, str, str]:
    """Return (subject, body, html_body) rendered from the templates under template_prefix.

    The subject is folded into one line; html_body is "" when there is no _body.html template.
    `language` renders in that language (default: the active one).
    """
    context = dict(context or {})
    subject_template = get_template(f"{template_prefix}_subject.txt")
    body_template = get_template(f"{template_prefix}_body.txt")
    html_template = _optional_template(f"{template_prefix}_body.html")
    with translation.override(language) if language else nullcontext():
        subject = _render(subject_template, context, autoescape=False)
        body = _render(body_template, context, autoescape=False)
        html_body = _render(html_template, context, autoescape=True) if html_template else ""
    return " ".join(subject.split()), body.strip() + "\n", html_body.strip()
