# iac-gen in a container: `docker run --rm -v "$PWD:/work" iac-gen drift spec.yaml --live live.json`
FROM python:3.11-slim

# The package and its runtime dependencies only (no test extras), from this checkout.
COPY pyproject.toml README.md CHANGELOG.md /src/
COPY iac_gen /src/iac_gen
COPY templates /src/templates
COPY schemas /src/schemas
RUN python -m pip install --no-cache-dir /src && rm -rf /src

RUN useradd --create-home --uid 10001 iacgen
USER iacgen
WORKDIR /work
ENTRYPOINT ["iac-gen"]
CMD ["--help"]
