# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/data
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    libfontconfig1 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --no-input -v0

ENV STATIC_ROOT=/app/staticfiles
RUN useradd --create-home --uid 1000 parcours && mkdir -p /data && chown parcours /data
USER parcours
# Gunicorn reads gunicorn.conf.py (access log without query strings nor tokens); the
# worker count and time-out are set here explicitly, docker-compose may override them.
ENV GUNICORN_WORKERS=3 GUNICORN_THREADS=1 GUNICORN_TIMEOUT=60
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py"]
