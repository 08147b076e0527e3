# The production image: gunicorn for the web, the same image for Celery worker and beat.
# Python 3.11, as CI tests it; bookworm, whose pg_dump (15) `manage.py backup` uses.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# The whole project: .dockerignore says what stays out, so no app can be forgotten.
COPY . .
RUN pip install .

# collectstatic needs settings, not secrets: a throwaway key for this step only.
RUN SECRET_KEY=build-only-not-secret HELPDESK_VAR_DIR=/app/var python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 helpdesk \
    && mkdir -p /app/var/media \
    && chown -R helpdesk /app/var
USER helpdesk

EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
