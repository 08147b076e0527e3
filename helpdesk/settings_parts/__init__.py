"""Sections of ``helpdesk/settings.py`` that stand on their own: long tables
that read at most their own environment variables and nothing else of the
settings. ``settings.py`` imports each name explicitly, so it stays the one
place that says what is configured (STYLE.md 7); nothing else imports these.
"""
