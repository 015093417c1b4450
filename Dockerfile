# SalesPulse: `docker build -t salespulse .` then
# `docker run -p 3000:3000 --env-file .env -e DATABASE_URL=postgresql+psycopg://... salespulse`
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 salespulse
WORKDIR /app

# Dependencies first (cached layer), with the same script and lock as bin/run and CI.
COPY --chown=salespulse bin/setup bin/setup
COPY --chown=salespulse requirements.lock pyproject.toml README.md ./
COPY --chown=salespulse bot bot
COPY --chown=salespulse handlers handlers
COPY --chown=salespulse storage storage
COPY --chown=salespulse demo demo
COPY --chown=salespulse bin bin
COPY --chown=salespulse manifest.yml salespulse.example.toml alembic.ini ./
USER salespulse
RUN bin/setup

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/healthz\", timeout=4)"]
ENTRYPOINT ["bin/docker-entrypoint"]
