# The image of compose.yaml's web and worker services.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# pango and a font for WeasyPrint's PDF of the report; gettext for compilemessages
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# the dependencies first, so that a code change does not reinstall them
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
RUN python manage.py compilemessages -v 0 \
    && DEBUG=0 SECRET_KEY=only-for-collectstatic-at-build-time ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 --home-dir /app yeep \
    && mkdir -p /data/media && chown yeep /data/media
USER yeep
EXPOSE 8000
CMD ["gunicorn", "-c", "yeep/gunicorn.conf.py", "yeep.wsgi"]
