# The production image: gunicorn for the web, the same image for Celery.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY helpdesk helpdesk
COPY accounts accounts
COPY tickets tickets
COPY notifications notifications
COPY inbound inbound
COPY outbox outbox
RUN pip install .

COPY manage.py ./
COPY templates templates
COPY static static
# collectstatic needs settings, not secrets: a throwaway key for this step only.
RUN SECRET_KEY=build-only-not-secret HELPDESK_VAR_DIR=/app/var python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 helpdesk && mkdir -p /app/var && chown -R helpdesk /app/var
USER helpdesk

EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
