"""Scheduled jobs run from manage.py (cron or a systemd timer)."""
