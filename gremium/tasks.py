"""Celery tasks of gremium (autodiscovered). Vote and statement tasks live in tasks_votes.py."""

from .tasks_votes import *  # noqa: F403
