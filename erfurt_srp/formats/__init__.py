"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Templates name a format (`|date:"SHORT_DATE_FORMAT"`) instead of spelling one out, so German
pages read 17.12.2026 14:00 and English ones 17 Dec 2026, 14:00; numbers take the language's
decimal separator. Exports with a documented format (CSV) keep theirs.
"""
