# The production image: gunicorn serves Django, whitenoise serves the hashed static files.
# Stage 1 takes the front-end assets from the npm registry (exact pins in package-lock.json).
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/vendor.mjs ./tools/
RUN npm ci --no-audit --no-fund && npm run vendor

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
COPY --from=assets /app/static/vendor ./static/vendor
# collectstatic needs settings that import cleanly; the real SECRET_KEY arrives at run time.
RUN PORTAL_MODE=production SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --home /app portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
