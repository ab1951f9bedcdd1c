from django import template

register = template.Library()


@register.filter
def credited(indicators):
    """The indicators whose source, licence or reference date is known."""
    return [indicator for indicator in indicators or () if indicator.credit]
