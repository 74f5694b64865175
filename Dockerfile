# The image both the gateway and the projector run (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY projections projections
COPY gateway gateway
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 8000
CMD ["okra", "serve", "--host", "0.0.0.0"]
