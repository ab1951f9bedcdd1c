"""Celery tasks for votes and statement rounds."""
