# syntax=docker/dockerfile:1
# Multi-stage build: compile with the Rust toolchain, ship only the binary and its config on a
# slim Debian base, running as an unprivileged user.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not refetch and rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo fetch --locked
COPY . .
RUN cargo build --release --locked --bin article-enricher \
    && strip target/release/article-enricher

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin enricher
COPY --from=build /src/target/release/article-enricher /usr/local/bin/article-enricher
COPY config/ /etc/article-enricher/
USER 10001:10001
ENV ENRICHER_CONFIG=/etc/article-enricher/docker.toml
# The worker writes nothing to disk: the root filesystem can be mounted read-only.
# The ops endpoint: /healthz, /readyz, /metrics, status page.
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/article-enricher"]
CMD ["run"]
