# reportbot: a slim, non-root image with the package, its migrations and the shipped forms.
#
#   docker build -t reportbot .
#   docker compose up -d          (see compose.yaml and docs/DEPLOY.md)
#
# Two stages: the first builds a wheel and installs it (with the PostgreSQL driver) into a
# virtualenv; the second copies only that virtualenv, so no compiler or pip cache ships.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY reportbot ./reportbot
COPY connectors ./connectors
COPY migrations ./migrations
RUN python -m venv /opt/reportbot \
    && /opt/reportbot/bin/pip install ".[postgres]"

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/reportbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REPORTBOT_HTTP_HOST=0.0.0.0 \
    REPORTBOT_HTTP_PORT=8080 \
    REPORTBOT_FORMS_DIR=/srv/reportbot/forms \
    REPORTBOT_MEDIA_DIR=/srv/reportbot/media \
    REPORTBOT_MIRROR_XLSX=/srv/reportbot/data/reportbot-mirror.xlsx \
    REPORTBOT_LOG_FORMAT=json \
    REPORTBOT_DEMO=false
# A fixed uid/gid so that volumes keep the same owner across image versions.
RUN groupadd --system --gid 10001 reportbot \
    && useradd --system --uid 10001 --gid reportbot --home-dir /srv/reportbot \
       --shell /usr/sbin/nologin reportbot \
    && mkdir -p /srv/reportbot/media /srv/reportbot/data \
    && chown -R reportbot:reportbot /srv/reportbot
COPY --from=build /opt/reportbot /opt/reportbot
COPY --chown=reportbot:reportbot forms /srv/reportbot/forms
WORKDIR /srv/reportbot
USER 10001:10001
EXPOSE 8080
VOLUME ["/srv/reportbot/media", "/srv/reportbot/data"]
# Liveness only (the process answers); readiness is /readyz, for the proxy or orchestrator.
# The slim image has no curl: Python's own urllib does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
CMD ["reportbot", "run"]
