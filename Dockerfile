# One image for every process: `b2b serve|worker|relay --service NAME`, `b2b portal`, or any `b2b` command.
# Build: docker build -t b2b-ordering:0.1.0 .   Checked by `make k8s-validate` (hadolint).
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install uv==0.13.9 && python -m venv /opt/b2b
WORKDIR /src
# Runtime dependencies only: requirements-runtime.lock holds the same pins as requirements.lock
# without the dev extra (test runners, linters, browsers' drivers stay out of the image).
COPY requirements-runtime.lock pyproject.toml ./
RUN uv pip sync --python /opt/b2b/bin/python requirements-runtime.lock
COPY shared ./shared
COPY services ./services
COPY runtime ./runtime
COPY portal ./portal
RUN uv pip install --python /opt/b2b/bin/python --no-deps .

FROM python:3.11.13-slim-bookworm
ENV PATH=/opt/b2b/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    B2B_HOST=0.0.0.0 B2B_PORT=8080
RUN groupadd --system --gid 10001 b2b && useradd --system --uid 10001 --gid b2b --no-create-home b2b
COPY --from=build /opt/b2b /opt/b2b
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["b2b"]
CMD ["--help"]
