# govapi, console, notifier and channel edge image (Python 3.11, pinned by requirements/services.txt).
# Build from the repository root:  docker build -f deploy/docker/services.Dockerfile -t minwon-services .
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app
WORKDIR /app
COPY requirements/services.txt requirements/services.txt
RUN pip install --no-cache-dir -r requirements/services.txt
COPY govapi govapi
COPY bot bot
COPY minwon_logs minwon_logs
COPY minwon_core minwon_core
# The texts: gettext catalogues, compiled .mo files committed (minwon_core/catalogue.py)
COPY locale locale
COPY edge edge
COPY webchat webchat
RUN useradd --uid 10001 minwon
USER 10001
CMD ["python", "-m", "govapi", "serve"]
