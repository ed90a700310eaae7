# Rasa server and action server image (Python 3.10, Rasa 3.6.21, pinned by requirements/rasa.txt).
# Build from the repository root:  docker build -f deploy/docker/rasa.Dockerfile -t minwon-rasa .
FROM python:3.10-slim
# OPENBLAS_NUM_THREADS=1: numpy's OpenBLAS threads spin between small matrix products (bot/settings.py
# RASA_RUNTIME_ENV, the same for every launcher; a container's own environment may still set another value).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONPATH=/app OPENBLAS_NUM_THREADS=1
WORKDIR /app
COPY requirements/rasa.txt requirements/rasa.txt
RUN pip install --no-cache-dir -r requirements/rasa.txt
COPY config.yml domain.yml ./
COPY domain domain
COPY actions actions
COPY minwon_core minwon_core
# The texts: gettext catalogues, compiled .mo files committed (minwon_core/catalogue.py)
COPY locale locale
COPY minwon_nlu minwon_nlu
COPY minwon_rasa minwon_rasa
COPY minwon_logs minwon_logs
COPY deploy/endpoints.prod.yml deploy/credentials.prod.yml deploy/
# The trained model (make train) is baked in, so every replica runs the same one.
COPY models/minwon.tar.gz models/minwon.tar.gz
RUN useradd --uid 10001 minwon
USER 10001
EXPOSE 5005 5055
# Shell form so the token comes from the environment at start (never baked into the image).
CMD exec rasa run --model models/minwon.tar.gz --port 5005 --credentials deploy/credentials.prod.yml \
    --endpoints deploy/endpoints.prod.yml --enable-api --auth-token "$RASA_TOKEN"
