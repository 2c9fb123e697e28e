# The bot in a container, installed as the README says. Configuration comes from the
# environment (CEASEFIRE_<SECTION>__<KEY>) or a config file mounted at /app/config.toml.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 ceasefire
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY domain ./domain
COPY fakegram ./fakegram
RUN pip install --no-cache-dir .
USER ceasefire
ENV CEASEFIRE_TELEGRAM__LISTEN=0.0.0.0
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz').status == 200 else 1)"
CMD ["ceasefire", "run"]
