# dhdigital image: one image for web (gunicorn), worker and beat (celery) and the one-off migrate step.
# Build: docker build -t dhdigital .        Run the whole stack: docker compose up (see docs/deploy.md)

# --- Stage 1: GOV.UK Frontend (Sass, fonts, JavaScript) built with the pinned npm packages -------------
FROM node:20-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
COPY scripts/build_frontend.sh scripts/build_frontend.sh
RUN bash scripts/build_frontend.sh

# --- Stage 2: the Python application ---------------------------------------------------------------------
FROM python:3.11-slim AS app

# The embedding model ships inside a Python package: the Hugging Face libraries must never try the
# network, and their cache goes to /tmp because the app user cannot write to /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=dhdigital.settings \
    PORT=8000 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HOME=/tmp/huggingface \
    DHDIGITAL_SHARED_DATA=/app/shared-data \
    DHD_MODEL_CACHE=/app/models
# The analysis engine builds its models from the shared data (16 MB of public comments; not in the build
# context): docker-compose.yml mounts it read-only at DHDIGITAL_SHARED_DATA, and its one-off `models`
# service builds every model into DHD_MODEL_CACHE, a volume the app user owns (docs/deploy.md). The
# app user's home, /app, is not writable: without these two the cache could not be created.

# WeasyPrint (PDF reports) needs Pango, HarfBuzz's subsetter and a font; libpq is for psycopg2's
# runtime; curl only for health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
       libharfbuzz-subset0 fonts-liberation libpq5 curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system dhd && useradd --system --gid dhd --home-dir /app --shell /usr/sbin/nologin dhd
WORKDIR /app

# Dependencies first so code edits do not reinstall them. The CPU build of PyTorch keeps the image small
# (the default wheel pulls several GB of CUDA libraries the analysis engine never uses).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" \
       > /tmp/requirements.txt \
    && pip install --extra-index-url https://download.pytorch.org/whl/cpu -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=frontend /src/static/govuk static/govuk
RUN pip install --no-deps -e . \
    # collectstatic needs settings but no database or real secret; WhiteNoise serves the hashed files.
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media /app/models /app/shared-data && chown -R dhd:dhd /app/media /app/models

USER dhd
EXPOSE 8000
# Health checks are per service in docker-compose.yml (web, worker and beat share this image).

# Workers and threads are env-driven (docs/scaling.md): 2 x cores + 1 sync workers is the usual start.
CMD ["sh", "-c", "exec gunicorn dhdigital.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --threads ${GUNICORN_THREADS:-2} --timeout ${GUNICORN_TIMEOUT:-30} --keep-alive ${GUNICORN_KEEPALIVE:-2} --max-requests 2000 --max-requests-jitter 200 --forwarded-allow-ips='*'"]
# No gunicorn access log: it would record client IP addresses. The request-id middleware writes one
# JSON line per request (method, path without query string, status, duration) with no personal data.
