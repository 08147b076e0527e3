"""Backup and restore of the whole desk: database and stored files (``manage.py backup``)."""
