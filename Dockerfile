# Production image of the CoP Portal: gunicorn serves the app, whitenoise the static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

WORKDIR /app

RUN groupadd --system portal && useradd --system --gid portal --home /app portal

# WeasyPrint draws the insights report with Pango from the OS. `manage.py backup` and
# `restore` run pg_dump and pg_restore, which must be at least as new as the PostgreSQL
# server (16 in docker-compose.yml): Debian 12 ships 15, so they come from the PostgreSQL
# project's own Debian repository, whose signing key postgresql-common carries.
ARG POSTGRES_CLIENT_VERSION=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client-${POSTGRES_CLIENT_VERSION} \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# collectstatic needs settings to load; the key here is thrown away with the build step.
RUN SECRET_KEY=collectstatic-only-build-step-key-0000000000000000000000 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media /app/var/exports /app/var/backups \
    && chown -R portal:portal /app/var

USER portal

EXPOSE 8000

# The access log names each request's path, never its query string (what people search
# for) or referrer.
CMD ["gunicorn", "cop_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--logger-class", "cop_portal.access_log.AccessLogger", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(B)s %(M)sms"]
