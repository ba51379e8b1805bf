# syntax=docker/dockerfile:1
# cbc-portal: one static-ish binary (templates and static files are compiled in).

FROM rust:1-slim-bookworm AS build
WORKDIR /src
ENV SQLX_OFFLINE=true CARGO_TERM_COLOR=never
# Dependencies first, built against an empty crate: this layer is reused until Cargo.toml or
# Cargo.lock change, so a source edit rebuilds only the portal's own crate.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src tests/app && echo 'fn main() {}' > src/main.rs && touch src/lib.rs tests/app/main.rs \
    && cargo build --release --locked --bin cbc-portal \
    && rm -rf src target/release/cbc-portal* target/release/deps/cbc_portal-* \
        target/release/deps/libcbc_portal-* target/release/.fingerprint/cbc-portal-*
COPY src src
COPY templates templates
COPY static static
COPY migrations migrations
COPY tests/fixtures tests/fixtures
RUN cargo build --release --locked --bin cbc-portal \
    && install -D -m 0755 target/release/cbc-portal /out/cbc-portal

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/cbc-portal --create-home portal
COPY --from=build /out/cbc-portal /usr/local/bin/cbc-portal
COPY static /usr/share/cbc-portal/static
USER 10001:10001
WORKDIR /var/lib/cbc-portal
ENV PORTAL_LISTEN=0.0.0.0:8080 \
    PORTAL_DATA_DIR=/var/lib/cbc-portal \
    PORTAL_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["cbc-portal", "healthcheck"]
ENTRYPOINT ["cbc-portal"]
CMD ["serve"]
